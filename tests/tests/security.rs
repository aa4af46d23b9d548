//! Who may talk to the service: sockets are 0600 in a 0700 run directory inside the home,
//! so another user cannot even reach them; and should the files be opened up (a careless
//! chmod), the supervisor still refuses a peer of another uid. The test creates that user
//! (it runs as root, as CI does).

use std::{
    fs,
    os::unix::{fs::PermissionsExt, process::CommandExt},
    path::Path,
    process::Command,
    time::Duration,
};

use cst_tests::{Instance, agents_up, bin_dir};

const OTHER: &str = "cst-e2e-other";

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// The other user's uid and gid, creating the user if needed.
fn other_user() -> (u32, u32) {
    let id = |flag: &str| {
        Command::new("id")
            .args([flag, OTHER])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .trim()
                    .parse::<u32>()
                    .unwrap()
            })
    };
    if id("-u").is_none() {
        let made = Command::new("useradd")
            .args([
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                OTHER,
            ])
            .status()
            .expect("run useradd");
        assert!(made.success(), "useradd {OTHER} failed");
    }
    (id("-u").unwrap(), id("-g").unwrap())
}

/// `cst --home HOME status` run as the other user.
fn status_as(home: &Path, uid: u32, gid: u32) -> std::process::Output {
    Command::new(bin_dir().join("cst"))
        .arg("--home")
        .arg(home)
        .arg("status")
        .uid(uid)
        .gid(gid)
        .output()
        .unwrap()
}

fn everything_logged(home: &Path) -> String {
    let mut all = fs::read_to_string(home.join("cst.out")).unwrap_or_default();
    for e in fs::read_dir(home.join("logs"))
        .into_iter()
        .flatten()
        .flatten()
    {
        for f in fs::read_dir(e.path()).into_iter().flatten().flatten() {
            all.push_str(&fs::read_to_string(f.path()).unwrap_or_default());
        }
    }
    all
}

#[test]
fn another_user_cannot_reach_the_sockets_and_is_refused_even_when_they_are_opened_up() {
    assert!(
        nix::unistd::geteuid().is_root(),
        "this test creates a user: run it as root (CI does)"
    );
    let inst = Instance::start("");
    inst.wait_for("every agent up", Duration::from_secs(30), agents_up);
    let run = inst.path().join("run");
    assert_eq!(mode(&run), 0o700);
    for s in ["bus.sock", "control.sock", "health.sock"] {
        assert_eq!(mode(&run.join(s)), 0o600, "{s}");
    }
    let (uid, gid) = other_user();

    // As things are: the other user cannot get to the sockets at all.
    let out = status_as(inst.path(), uid, gid);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr).to_lowercase();
    assert!(err.contains("permission denied"), "{err}");

    // Opened up: the kernel lets the other user connect, and the supervisor refuses it.
    for (p, m) in [(inst.path().to_path_buf(), 0o755), (run.clone(), 0o755)] {
        fs::set_permissions(&p, fs::Permissions::from_mode(m)).unwrap();
    }
    for s in ["bus.sock", "control.sock", "health.sock"] {
        fs::set_permissions(run.join(s), fs::Permissions::from_mode(0o666)).unwrap();
    }
    let out = status_as(inst.path(), uid, gid);
    let curl = Command::new("curl")
        .args(["-s", "-m", "5", "--unix-socket"])
        .arg(run.join("health.sock"))
        .arg("http://localhost/health")
        .uid(uid)
        .gid(gid)
        .output()
        .unwrap();
    for s in ["bus.sock", "control.sock", "health.sock"] {
        fs::set_permissions(run.join(s), fs::Permissions::from_mode(0o600)).unwrap();
    }
    fs::set_permissions(&run, fs::Permissions::from_mode(0o700)).unwrap();
    fs::set_permissions(inst.path(), fs::Permissions::from_mode(0o700)).unwrap();
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        curl.stdout.is_empty(),
        "the health socket answered another user: {}",
        String::from_utf8_lossy(&curl.stdout)
    );
    std::thread::sleep(Duration::from_millis(500));
    let logged = everything_logged(inst.path());
    let refusal = format!("peer runs as uid {uid}");
    for socket in ["control", "health"] {
        assert!(
            logged
                .lines()
                .any(|l| l.contains(&refusal) && l.contains(&format!("\"{socket}\""))),
            "no refusal logged for the {socket} socket:\n{}",
            logged
                .lines()
                .filter(|l| l.contains("uid"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    // The service's own user is still served.
    assert!(inst.cst(&["status"]).status.success());
}
