//! Arbitrary bytes as the user's `HOME/config.toml`, through `cst_config::load` exactly as
//! `cst up` runs it: built-in defaults ← this file ← `CST_*` environment, unknown keys
//! collected, then validation. Must give a `Config` or a `ConfigError`, never panic. A valid
//! configuration is then used as the supervisor uses it (each agent's argv and binary).
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cst_config::{Home, load};
use libfuzzer_sys::fuzz_target;

/// One home per fuzzing process; its config.toml is rewritten for every input.
fn home() -> &'static Home {
    static HOME: OnceLock<Home> = OnceLock::new();
    HOME.get_or_init(|| {
        let dir: PathBuf =
            std::env::temp_dir().join(format!("cst-fuzz-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary home");
        Home::new(dir)
    })
}

fuzz_target!(|data: &[u8]| {
    let home = home();
    std::fs::write(home.config_file(), data).expect("write config.toml");
    match load(home, None) {
        Ok(config) => {
            for agent in &config.agents {
                std::hint::black_box((
                    agent.argv(Path::new("/bin")),
                    agent.binary(Path::new("/bin")),
                ));
            }
            std::hint::black_box(format!("{config:?}"));
        }
        Err(e) => {
            std::hint::black_box(e.to_string());
        }
    }
});
