//! Builds the dashboard's pages (`web/`, Vite + TypeScript from the npm registry with a
//! lockfile) into `web/dist` when that is missing or older than its sources, so the binary
//! always embeds pages built from the checked-in code. `deploy/setup.sh` builds them first,
//! so a normal build finds them fresh and runs nothing.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::SystemTime,
};

const SOURCES: [&str; 7] = [
    "src",
    "index.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
    "tests",
];

fn newest(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    let mut t = meta.modified().ok()?;
    if meta.is_dir() {
        for e in std::fs::read_dir(path).ok()?.flatten() {
            if let Some(m) = newest(&e.path()) {
                t = t.max(m);
            }
        }
    }
    Some(t)
}

fn npm(web: &Path, args: &[&str]) {
    let status = Command::new("npm").args(args).current_dir(web).status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!(
            "`npm {}` in {} failed ({s}): the dashboard's pages cannot be built",
            args.join(" "),
            web.display()
        ),
        Err(e) => panic!(
            "cannot run npm ({e}): the dashboard's pages are built with Node.js >= 20.19 and npm; \
             deploy/setup.sh checks for them and builds web/"
        ),
    }
}

fn main() {
    // Read at run time, not baked in with env!(): clones at other paths share the target
    // directory, and cargo reuses this script's binary across them (same source, same hash).
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let web: PathBuf = Path::new(&manifest).join("../../web");
    for s in SOURCES {
        println!("cargo:rerun-if-changed={}", web.join(s).display());
    }
    let sources = SOURCES
        .iter()
        .filter(|s| **s != "tests")
        .filter_map(|s| newest(&web.join(s)))
        .max();
    let built = std::fs::metadata(web.join("dist/index.html"))
        .and_then(|m| m.modified())
        .ok();
    if let (Some(built), Some(sources)) = (built, sources)
        && built >= sources
    {
        return;
    }
    let installed = std::fs::metadata(web.join("node_modules/.package-lock.json"))
        .and_then(|m| m.modified())
        .ok();
    let lock = newest(&web.join("package-lock.json"));
    if installed.is_none() || installed < lock {
        npm(&web, &["ci", "--no-audit", "--no-fund"]);
    }
    npm(&web, &["run", "build"]);
}
