//! The simulated clock runs `speed` times real time.

use std::time::Duration;

use cst_exchange::Exchange;
use cst_replay::Replay;

use crate::helper::{JUNE_1030, Server, Y2024, shared_data};

/// On tokio's paused clock: exact.
#[tokio::test(start_paused = true)]
async fn runs_speed_times_real_time_on_a_paused_clock() {
    let dir = tempfile::tempdir().unwrap();
    let file = "ETH-USDT.csv";
    std::os::unix::fs::symlink(shared_data(Y2024).join(file), dir.path().join(file)).unwrap();
    let replay = Replay::load(dir.path(), JUNE_1030, 3600.0).unwrap();
    assert_eq!(replay.now(), JUNE_1030);
    tokio::time::advance(Duration::from_secs(3)).await;
    assert_eq!(replay.now(), JUNE_1030 + 3 * 3600);
    tokio::time::advance(Duration::from_millis(500)).await;
    assert_eq!(replay.now(), JUNE_1030 + 3 * 3600 + 1800);
}

/// Through the server on real time: a short sleep with tolerant bounds.
#[tokio::test]
async fn the_server_clock_moves_with_real_time() {
    let files = [(Y2024, "ETH-USDT.csv")];
    let server = Server::start(&files, JUNE_1030, 3600.0).await;
    let client = server.client();
    let before = client.server_time().await.unwrap().unixtime;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = client.server_time().await.unwrap().unixtime;
    let moved = after - before;
    // 0.3 s × 3600 = 1080 simulated seconds at least (less one for rounding down); a slow
    // machine may add some.
    assert!((1079..=20 * 3600).contains(&moved), "moved {moved} s");
    assert!(
        (JUNE_1030..JUNE_1030 + 20 * 3600).contains(&before),
        "{before}"
    );
}

#[test]
fn a_bad_speed_is_refused_before_loading() {
    let err = Replay::load(std::path::Path::new("/nonexistent"), 0, -1.0).unwrap_err();
    assert!(err.to_string().contains("speed -1"), "{err}");
}
