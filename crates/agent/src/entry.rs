//! The whole of an agent binary's `main`: parse args, install tracing, run, map the result
//! to an exit code (78 for configuration errors, so the supervisor does not retry them).

use std::{ffi::OsString, path::PathBuf, process::ExitCode};

use cst_config::Home;

use crate::{Agent, AgentEnv, run};

/// `--home DIR` (default `CST_HOME`, which the supervisor sets) and `--config FILE`
/// (default `CST_CONFIG`; else HOME/config.toml when present).
#[derive(Debug, Default, PartialEq)]
struct Args {
    home: Option<PathBuf>,
    config: Option<PathBuf>,
}

impl Args {
    /// Read by hand: the supervisor starts agents with two flags at most, and a parser's
    /// code would stay resident in every one of the eight agents.
    fn parse(
        args: impl IntoIterator<Item = OsString>,
        env: impl Fn(&str) -> Option<OsString>,
    ) -> Result<Args, String> {
        let mut out = Args {
            home: env("CST_HOME").map(PathBuf::from),
            config: env("CST_CONFIG").map(PathBuf::from),
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let text = arg.to_string_lossy().into_owned();
            let (flag, inline) = match text.split_once('=') {
                Some((f, v)) => (f.to_string(), Some(OsString::from(v))),
                None => (text.clone(), None),
            };
            let slot = match flag.as_str() {
                "--home" => &mut out.home,
                "--config" => &mut out.config,
                _ => {
                    return Err(format!(
                        "unexpected argument {text:?}: an agent takes --home DIR and --config \
                         FILE (the supervisor sets CST_HOME and CST_CONFIG)"
                    ));
                }
            };
            let value = inline
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))?;
            *slot = Some(PathBuf::from(value));
        }
        Ok(out)
    }
}

/// The home and the configuration file a process of the service was started with
/// (`--home`, `--config`, or CST_HOME, CST_CONFIG): agents and the supervisor process.
pub fn home_and_config() -> Result<(Home, Option<PathBuf>), String> {
    let args = Args::parse(std::env::args_os().skip(1), |k| std::env::var_os(k))?;
    let home = Home::resolve(args.home).map_err(|e| e.to_string())?;
    Ok((home, args.config))
}

/// Runs agent `name` on a single-threaded runtime (agents are small; one thread keeps RSS
/// low) and returns its exit code.
pub fn agent_main(name: &str, agent: impl Agent) -> ExitCode {
    let args = match Args::parse(std::env::args_os().skip(1), |k| std::env::var_os(k)) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("cst-{name}: {e}");
            return ExitCode::from(crate::error::EXIT_CONFIG);
        }
    };
    let home = match Home::resolve(args.home) {
        Ok(home) => home,
        Err(e) => {
            eprintln!("cst-{name}: {e}");
            return ExitCode::from(crate::error::EXIT_CONFIG);
        }
    };
    let env = AgentEnv {
        name: name.to_string(),
        home,
        config_path: args.config,
    };
    // Logging starts in `run`, with the level of the configuration the supervisor hands
    // over; what fails before that goes to stderr as plain text (the supervisor captures it).
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cst-{name}: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(env, agent)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if tracing::dispatcher::has_been_set() {
                tracing::error!(agent = name, error = %e, "agent stopped with an error");
            } else {
                eprintln!("cst-{name}: {e}");
            }
            ExitCode::from(e.exit_code())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env: &[(&str, &str)]) -> Result<Args, String> {
        let env: Vec<(String, OsString)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        Args::parse(args.iter().map(OsString::from), |k| {
            env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn flags_win_over_the_environment_and_anything_else_is_refused() {
        let a = parse(
            &["--config", "/c.toml"],
            &[("CST_HOME", "/h"), ("CST_CONFIG", "/e.toml")],
        )
        .unwrap();
        assert_eq!(a.home, Some("/h".into()));
        assert_eq!(a.config, Some("/c.toml".into()));
        let a = parse(&["--home=/x"], &[]).unwrap();
        assert_eq!((a.home, a.config), (Some("/x".into()), None));
        assert_eq!(parse(&[], &[]).unwrap(), Args::default());
        assert!(
            parse(&["--home"], &[])
                .unwrap_err()
                .contains("--home needs a value")
        );
        assert!(
            parse(&["--verbose"], &[])
                .unwrap_err()
                .contains("unexpected argument")
        );
    }
}
