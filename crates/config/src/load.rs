//! Layering: built-in defaults ← user file ← environment, then validation.

use std::path::Path;

use figment::{
    Figment, Profile, Provider,
    providers::{Env, Format, Serialized, Toml},
    value::{Dict, Value},
};

use crate::{Config, ConfigError, Home, raw::RawConfig};

/// `config/default.toml`, compiled in: the defaults and the documentation are one file.
pub const DEFAULT_TOML: &str = include_str!("../../../config/default.toml");

/// Loads the configuration for `home`: `explicit` if given (it must exist), else
/// `HOME/config.toml` if present; then `CST_<SECTION>__<KEY>` environment overrides.
pub fn load(home: &Home, explicit: Option<&Path>) -> Result<Config, ConfigError> {
    let mut figment = Figment::from(Toml::string(DEFAULT_TOML));
    match explicit {
        Some(path) if !path.exists() => {
            return Err(ConfigError::Missing {
                path: path.to_path_buf(),
            });
        }
        Some(path) => figment = figment.merge(Toml::file_exact(path)),
        None if home.config_file().exists() => {
            figment = figment.merge(Toml::file_exact(home.config_file()))
        }
        None => {}
    }
    // Only keys with a level separator: CST_HOME, CST_AGENT and friends are not config.
    let env = Env::prefixed("CST_")
        .filter(|key| key.as_str().contains("__"))
        .split("__");
    let figment = figment.merge(env);
    // Unknown keys are collected (all of them, where serde would stop at the first) and left
    // out, so the values of the known keys are still checked in the same run.
    let (pruned, mut errors) = split_unknown(&figment)?;
    match Figment::from(Serialized::defaults(pruned)).extract::<RawConfig>() {
        Ok(raw) => match Config::validate(raw) {
            Ok(config) if errors.is_empty() => Ok(config),
            Ok(_) => Err(ConfigError::Invalid(errors)),
            Err(ConfigError::Invalid(more)) => {
                errors.extend(more);
                Err(ConfigError::Invalid(errors))
            }
            Err(other) => Err(other),
        },
        Err(e) => {
            errors.extend(e.into_iter().map(|e| e.to_string()));
            Err(ConfigError::Invalid(errors))
        }
    }
}

/// The merged configuration without the keys `config/default.toml` lacks, and one message
/// per such key, by its full path. Unknown agent tables stay: validation names them along
/// with the known agents.
fn split_unknown(figment: &Figment) -> Result<(Dict, Vec<String>), ConfigError> {
    let defaults = Figment::from(Toml::string(DEFAULT_TOML))
        .data()
        .map_err(Box::new)?;
    let given = figment.data().map_err(Box::new)?;
    let empty = Dict::new();
    let known = defaults.get(&Profile::Default).unwrap_or(&empty);
    let given = given.get(&Profile::Default).unwrap_or(&empty);
    let mut errors = Vec::new();
    let pruned = prune(given, known, "", &mut errors);
    Ok((pruned, errors))
}

fn prune(given: &Dict, known: &Dict, prefix: &str, errors: &mut Vec<String>) -> Dict {
    let mut kept = Dict::new();
    for (key, value) in given {
        let path = format!("{prefix}{key}");
        match (known.get(key), value) {
            (None, _) if prefix == "agents." => {
                kept.insert(key.clone(), value.clone());
            }
            (None, _) => errors.push(format!(
                "unknown key {path}: see config/default.toml for every key"
            )),
            (Some(Value::Dict(_, k)), Value::Dict(tag, g)) => {
                kept.insert(
                    key.clone(),
                    Value::Dict(*tag, prune(g, k, &format!("{path}."), errors)),
                );
            }
            _ => {
                kept.insert(key.clone(), value.clone());
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str) -> std::path::PathBuf {
        let path = dir.join("user.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn the_handoff_to_agents_gives_back_the_same_configuration_and_refuses_garbage() {
        let dir = tempfile::tempdir().unwrap();
        // Secrets, paths, durations, enums and optional sections all survive the trip.
        let path = write(
            dir.path(),
            "[portfolio]\nmode = \"live\"\n[portfolio.live]\napi_key = \"k\"\n\
             api_secret = \"c2VjcmV0\"\n[ml]\nhorizons_h = [1, 24]\n",
        );
        let cfg = load(&Home::new(dir.path()), Some(&path)).unwrap();
        let back = Config::decode(&cfg.encode().unwrap()).unwrap();
        assert_eq!(back, cfg);
        let err = Config::decode(&[1, 2, 3]).unwrap_err().to_string();
        assert!(err.contains("same build"), "{err}");
    }

    #[test]
    fn defaults_load_and_validate() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = load(&Home::new(dir.path()), None).unwrap();
        assert_eq!(cfg.agents.len(), 8);
        assert_eq!(cfg.supervisor.breaker.max_crashes, 5);
        assert_eq!(cfg.supervisor.missed_heartbeats, 3);
        assert_eq!(cfg.features.max_wait, std::time::Duration::from_secs(600));
    }

    /// The offline demo's file, as deploy/demo.sh completes it: the candle-only replay's
    /// FeatureSet leaves whale and book out (candles give the cross-section too), and a
    /// replay without its news file is refused.
    #[test]
    fn the_demo_config_builds_candle_and_news_groups_only() {
        let dir = tempfile::tempdir().unwrap();
        let demo = include_str!("../../../config/replay.toml");
        let path = write(
            dir.path(),
            &format!("{demo}replay_csv = \"/data/news.csv\"\n"),
        );
        let cfg = load(&Home::new(dir.path()), Some(&path)).unwrap();
        assert_eq!(cfg.features.groups, ["technical", "cross", "sentiment"]);
        assert_eq!(cfg.features.min_peers, 20);
        assert!(matches!(cfg.sentiment.source, crate::NewsSource::Replay(_)));
        let path = write(dir.path(), demo);
        let err = load(&Home::new(dir.path()), Some(&path))
            .unwrap_err()
            .to_string();
        assert!(err.contains("sentiment.replay_csv is empty"), "{err}");
        let path = write(
            dir.path(),
            "[features]\ngroups = [\"technical\", \"gossip\"]\nrequired = [\"whale\"]\n",
        );
        let err = load(&Home::new(dir.path()), Some(&path))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("gossip") && err.contains("required names \"whale\""),
            "{err}"
        );
    }

    #[test]
    fn user_file_overrides_a_subset() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "[supervisor]\nheartbeat_interval_ms = 250\n");
        let cfg = load(&Home::new(dir.path()), Some(&path)).unwrap();
        assert_eq!(cfg.supervisor.heartbeat_interval.as_millis(), 250);
        assert_eq!(cfg.supervisor.startup_timeout.as_millis(), 10_000);
    }

    #[test]
    fn unknown_key_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "[supervisor]\nheartbeat_intervall_ms = 250\n");
        let err = load(&Home::new(dir.path()), Some(&path))
            .unwrap_err()
            .to_string();
        assert!(err.contains("heartbeat_intervall_ms"), "{err}");
    }

    #[test]
    fn unknown_keys_and_bad_values_are_all_reported_together() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "[supervisor]\nheartbeat_intervall_ms = 250\nmissed_heartbeats = 0\n\
             [logs]\nkeep_filez = 3\nlevel = \"info,[\"\n[agents.whale]\nenabled = true\ncommand = []\ncmd = 1\n",
        );
        let ConfigError::Invalid(errors) = load(&Home::new(dir.path()), Some(&path)).unwrap_err()
        else {
            panic!("expected collected errors");
        };
        let all = errors.join("\n");
        for needle in [
            "supervisor.heartbeat_intervall_ms",
            "logs.keep_filez",
            "agents.whale.cmd",
            "missed_heartbeats",
            "logs.level",
        ] {
            assert!(all.contains(needle), "{needle} not reported in:\n{all}");
        }
    }

    #[test]
    fn a_wrong_type_names_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "[supervisor]\nheartbeat_interval_ms = \"fast\"\n",
        );
        let err = load(&Home::new(dir.path()), Some(&path))
            .unwrap_err()
            .to_string();
        assert!(err.contains("heartbeat_interval_ms"), "{err}");
    }

    #[test]
    fn missing_explicit_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = load(&Home::new(dir.path()), Some(&dir.path().join("nope.toml"))).unwrap_err();
        assert!(matches!(err, ConfigError::Missing { .. }));
    }

    #[test]
    fn every_invalid_value_is_reported_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "[supervisor]\nheartbeat_interval_ms = 0\nmissed_heartbeats = 0\n\
             [supervisor.restart]\nmin_delay_ms = 900\nmax_delay_ms = 100\n\
             [agents.trader]\nenabled = true\ncommand = []\n\
             [features]\nmax_wait_s = 3601\nmin_peers = 1\n",
        );
        let ConfigError::Invalid(errors) = load(&Home::new(dir.path()), Some(&path)).unwrap_err()
        else {
            panic!("expected validation errors");
        };
        let all = errors.join("\n");
        for key in [
            "heartbeat_interval_ms",
            "missed_heartbeats",
            "min_delay_ms",
            "trader",
            "features.max_wait_s",
            "features.min_peers",
        ] {
            assert!(all.contains(key), "{key} not reported in:\n{all}");
        }
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment::Jail fixes the closure signature
    fn environment_overrides_file() {
        // Figment's env provider reads the process environment; use a key no other test sets.
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "[logs]\nkeep_files = 2\n");
        // SAFETY-free: tests in this crate run in threads, so touch one unique variable only.
        figment::Jail::expect_with(|jail| {
            jail.set_env("CST_LOGS__KEEP_FILES", "7");
            jail.set_env("CST_HOME", "/ignored/not/config");
            let cfg = load(&Home::new(dir.path()), Some(&path)).unwrap();
            assert_eq!(cfg.logs.keep_files, 7);
            Ok(())
        });
    }
}
