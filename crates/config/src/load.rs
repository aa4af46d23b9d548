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
    // Unknown keys and values of the wrong kind are collected (all of them, where serde
    // would stop at the first) and left out, so every other key is still checked in the
    // same run.
    let (pruned, mut errors) = split_unknown(&figment, explicit.unwrap_or(&home.config_file()))?;
    let result = match Figment::from(Serialized::defaults(pruned)).extract::<RawConfig>() {
        Ok(raw) => match Config::validate(raw) {
            Ok(config) if errors.is_empty() => return Ok(config),
            Ok(_) => Err(errors),
            Err(ConfigError::Invalid(more)) => {
                errors.extend(more);
                Err(errors)
            }
            Err(other) => return Err(other),
        },
        Err(e) => {
            errors.extend(e.into_iter().map(|e| {
                let key = e.path.join(".");
                format!("{key} {}: {}", origin(&figment, &key), e.kind)
            }));
            Err(errors)
        }
    };
    result.map_err(|errors| ConfigError::Invalid(bounded(errors)))
}

/// Most errors listed, and the longest message: a huge or garbled file gives a readable
/// answer, not megabytes of it.
const MAX_ERRORS: usize = 40;
const MAX_MESSAGE: usize = 300;

fn bounded(errors: Vec<String>) -> Vec<String> {
    let n = errors.len();
    let mut out: Vec<String> = errors
        .into_iter()
        .take(MAX_ERRORS)
        .map(|e| clip(&e, MAX_MESSAGE))
        .collect();
    if n > MAX_ERRORS {
        out.push(format!("and {} more", n - MAX_ERRORS));
    }
    out
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max).collect();
    format!("{head}… ({} characters)", text.chars().count())
}

/// Where the value of `key` came from, in the user's terms: the file, or the environment
/// variable that set it.
fn origin(figment: &Figment, key: &str) -> String {
    let env = format!("CST_{}", key.to_ascii_uppercase().replace('.', "__"));
    match figment.find_metadata(key) {
        Some(m) if m.name.contains("environment") => format!("(environment variable {env})"),
        Some(m) => match &m.source {
            Some(figment::Source::File(path)) => format!("(in {})", path.display()),
            _ => "(built-in default)".to_string(),
        },
        None => String::new(),
    }
}

/// The merged configuration without the keys `config/default.toml` lacks and without
/// values of another kind than the default's (each replaced by the default), and one
/// message per such key, by its full path and where it was set. Unknown agent tables stay:
/// validation names them along with the known agents. `file` is the configuration file
/// read, named when it cannot be.
fn split_unknown(figment: &Figment, file: &Path) -> Result<(Dict, Vec<String>), ConfigError> {
    let defaults = Figment::from(Toml::string(DEFAULT_TOML))
        .data()
        .map_err(Box::new)?;
    let given = match figment.data() {
        Ok(d) => d,
        Err(e) => {
            return Err(ConfigError::Invalid(bounded(vec![format!(
                "{} cannot be read: {}",
                file.display(),
                e.kind
            )])));
        }
    };
    let empty = Dict::new();
    let known = defaults.get(&Profile::Default).unwrap_or(&empty);
    let given = given.get(&Profile::Default).unwrap_or(&empty);
    let mut errors = Vec::new();
    let pruned = prune(figment, given, known, "", &mut errors);
    Ok((pruned, errors))
}

fn prune(
    figment: &Figment,
    given: &Dict,
    known: &Dict,
    prefix: &str,
    errors: &mut Vec<String>,
) -> Dict {
    let mut kept = Dict::new();
    for (key, value) in given {
        let path = format!("{prefix}{key}");
        match (known.get(key), value) {
            (None, _) if prefix == "agents." => {
                kept.insert(key.clone(), value.clone());
            }
            (None, _) => errors.push(format!(
                "unknown key {path} {}: config/default.toml lists every key",
                origin(figment, &path)
            )),
            (Some(Value::Dict(_, k)), Value::Dict(tag, g)) => {
                kept.insert(
                    key.clone(),
                    Value::Dict(*tag, prune(figment, g, k, &format!("{path}."), errors)),
                );
            }
            (Some(default), _) => match mismatch(default, value) {
                Some(expected) => {
                    errors.push(format!(
                        "{path} {}: expected {expected}, got {}",
                        origin(figment, &path),
                        shown(value)
                    ));
                    kept.insert(key.clone(), default.clone());
                }
                None => {
                    kept.insert(key.clone(), value.clone());
                }
            },
        }
    }
    kept
}

/// A number as a whole number, if it is one (an integer of any width).
fn integer(n: &figment::value::Num) -> Option<i128> {
    use figment::value::Num;
    Some(match *n {
        Num::U8(v) => v.into(),
        Num::U16(v) => v.into(),
        Num::U32(v) => v.into(),
        Num::U64(v) => v.into(),
        Num::U128(v) => i128::try_from(v).ok()?,
        Num::USize(v) => i128::try_from(v).ok()?,
        Num::I8(v) => v.into(),
        Num::I16(v) => v.into(),
        Num::I32(v) => v.into(),
        Num::I64(v) => v.into(),
        Num::I128(v) => v,
        Num::ISize(v) => i128::try_from(v).ok()?,
        Num::F32(_) | Num::F64(_) => return None,
    })
}

/// What the default's kind expects when `given` is of another, in words.
fn mismatch(default: &Value, given: &Value) -> Option<&'static str> {
    match (default, given) {
        (Value::Num(_, d), _) if integer(d).is_some() => {
            let expected = if integer(d).is_some_and(|v| v >= 0) {
                "a whole number, 0 or more"
            } else {
                "a whole number"
            };
            match given {
                Value::Num(_, g) => match integer(g) {
                    Some(v) if v < 0 && expected.ends_with("or more") => Some(expected),
                    Some(_) => None,
                    None => Some(expected),
                },
                _ => Some(expected),
            }
        }
        (Value::Num(..), Value::Num(..)) => None,
        (Value::Num(..), _) => Some("a number"),
        (Value::String(..), Value::String(..)) | (Value::Char(..), Value::String(..)) => None,
        (Value::String(..), _) => Some("a string in quotes"),
        (Value::Bool(..), Value::Bool(..)) => None,
        (Value::Bool(..), _) => Some("true or false"),
        (Value::Array(..), Value::Array(..)) => None,
        (Value::Array(..), _) => Some("a list in [ ]"),
        (Value::Dict(..), _) => Some("a table ([section])"),
        _ => None,
    }
}

/// A given value as the user wrote it, clipped.
fn shown(v: &Value) -> String {
    use figment::value::Num;
    let text = match v {
        Value::String(_, s) => format!("{s:?}"),
        Value::Num(_, n) => match (integer(n), n) {
            (Some(i), _) => i.to_string(),
            (None, Num::F32(f)) => f.to_string(),
            (None, Num::F64(f)) => f.to_string(),
            (None, other) => format!("{other:?}"),
        },
        Value::Bool(_, b) => b.to_string(),
        Value::Char(_, c) => format!("{c:?}"),
        Value::Array(..) => "a list".to_string(),
        Value::Dict(..) => "a table".to_string(),
        Value::Empty(..) => "nothing".to_string(),
    };
    clip(&text, 60)
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

    /// Every error of every kind in one run, in the user's terms: the key, where it was set
    /// (the file, or the environment variable), what was expected; no internals; bounded.
    #[test]
    fn every_error_is_named_once_in_user_terms_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "[collector]\nrequest_timeout_ms = \"abc\"\npoll_interval_s = -5\n\
             [ml]\nfolds = 2.5\nhorizons_h = 24\n[supervisor]\nterm_timeout_ms = 0\n\
             [features]\nmax_wait_s = 4000\n",
        );
        // (An environment variable's key is named as such: `cli/tests/cli.rs`, which can set
        // one for the process it runs.)
        let err = load(&Home::new(dir.path()), Some(&path)).unwrap_err();
        let ConfigError::Invalid(errors) = err else {
            panic!("expected validation errors: {err}");
        };
        let all = errors.join("\n");
        let file = path.display().to_string();
        for (key, expect) in [
            (
                "collector.request_timeout_ms",
                "expected a whole number, 0 or more, got \"abc\"",
            ),
            (
                "collector.poll_interval_s",
                "expected a whole number, 0 or more, got -5",
            ),
            ("ml.folds", "expected a whole number, 0 or more, got 2.5"),
            ("ml.horizons_h", "expected a list in [ ]"),
            ("supervisor.term_timeout_ms", "must be 100 to 600000"),
            ("features.max_wait_s", "at most 3600"),
        ] {
            assert!(
                errors.iter().any(|e| e.contains(key) && e.contains(expect)),
                "{key}: {expect:?} not in:\n{all}"
            );
        }
        assert!(all.contains(&format!("(in {file})")), "{all}");
        for internal in ["default.", "load.rs", "figment", "BTreeMap"] {
            assert!(!all.contains(internal), "{internal} in:\n{all}");
        }

        // A megabyte on one line: a bounded answer that names the file.
        let huge = write(dir.path(), &format!("x = \"{}", "y".repeat(1 << 20)));
        let err = load(&Home::new(dir.path()), Some(&huge))
            .unwrap_err()
            .to_string();
        assert!(err.len() < 2_000, "{} bytes", err.len());
        assert!(err.contains(&huge.display().to_string()), "{err}");
        // A zero timeout alone is refused too.
        let zero = write(dir.path(), "[collector]\nrequest_timeout_ms = 0\n");
        let err = load(&Home::new(dir.path()), Some(&zero))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("collector.request_timeout_ms must be 100 to 600000"),
            "{err}"
        );
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
