//! Where everything lives and how the service is configured.
//!
//! - [`home`]: every path derives from one home directory (`--home` or `CST_HOME`).
//! - [`raw`]: the configuration exactly as written (serde, `deny_unknown_fields`).
//! - [`validate`]: raw → [`Config`], collecting every error at once.
//! - [`load`]: default.toml ← user file ← `CST_*` environment, then validation.
//! - [`features`]: the `[features]`, `[sentiment]` and `[whale]` sections.
//! - [`ml`]: the `[ml]` section.
//! - [`health`]: the `[health]` section (readiness, score bars, alerts).
//! - [`trading`]: the `[risk]` and `[portfolio]` sections (gate, limits, execution).
//! - [`error`]: the [`ConfigError`] type.

pub mod error;
pub mod features;
pub mod health;
pub mod home;
pub mod load;
pub mod ml;
pub mod raw;
pub mod trading;
pub mod validate;

pub use error::ConfigError;
pub use features::{FeaturesConfig, LlmSettings, NewsSource, SentimentConfig, WhaleConfig};
pub use health::{AlertsConfig, HealthConfig, Webhook, WebhookFormat};
pub use home::Home;
pub use load::{DEFAULT_TOML, load};
pub use ml::MlConfig;
pub use trading::{LiveConfig, PortfolioConfig, RiskConfig, TradeMode};
pub use validate::{
    AgentSpec, BreakerConfig, ClockSource, CollectorConfig, Config, LogConfig, RestartConfig,
    SupervisorConfig,
};
