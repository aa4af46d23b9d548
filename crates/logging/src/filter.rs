//! The log filter: comma-separated directives, each a level (`info`) or `target=level`
//! (`cst_collect=debug`), as tracing's [`Targets`] reads them. Parsed by hand and strictly,
//! without the regex engine `EnvFilter` compiles at every start: nine processes each carried
//! its code and tables resident for a filter that is, in practice, a level.

use std::str::FromStr;

use tracing_subscriber::filter::{LevelFilter, Targets};

/// A filter the configuration or `RUST_LOG` named that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{directive:?} is neither a level nor target=level (levels: off, error, warn, info, debug, trace)"
)]
pub struct FilterError {
    pub directive: String,
}

/// `info`, `warn,cst_collect=debug`, `cst_agent_ml::training=trace` …
pub fn parse(spec: &str) -> Result<Targets, FilterError> {
    let mut targets = Targets::new();
    for directive in spec.split(',').map(str::trim).filter(|d| !d.is_empty()) {
        let bad = || FilterError {
            directive: directive.to_string(),
        };
        match directive.split_once('=') {
            None => targets = targets.with_default(level(directive).ok_or_else(bad)?),
            Some((target, lvl)) => {
                let target = target.trim();
                let valid = !target.is_empty()
                    && target
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':' || c == '-');
                if !valid {
                    return Err(bad());
                }
                targets = targets.with_target(target, level(lvl.trim()).ok_or_else(bad)?);
            }
        }
    }
    Ok(targets)
}

fn level(s: &str) -> Option<LevelFilter> {
    LevelFilter::from_str(s).ok()
}

#[cfg(test)]
mod tests {
    use tracing::Level;

    use super::*;

    #[test]
    fn levels_and_target_levels_are_read_and_anything_else_is_refused() {
        let t = parse("warn,cst_collect=debug").unwrap();
        assert!(t.would_enable("cst_collect::cycle", &Level::DEBUG));
        assert!(!t.would_enable("cst_store", &Level::INFO));
        assert!(t.would_enable("cst_store", &Level::WARN));
        assert!(parse("info").unwrap().would_enable("x", &Level::INFO));
        for bad in ["info,[", "loud", "cst=loud", "=debug", "a b=info"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
