//! `Time` and `SystemStatus` follow the simulated clock and decode with the real client.

use cst_exchange::Exchange;

use crate::helper::{JUNE_1030, Server};

#[tokio::test]
async fn time_and_status_are_the_simulated_now() {
    let server = Server::y2024(JUNE_1030).await;
    let client = server.client();
    let time = client.server_time().await.expect("Time decodes");
    assert_eq!(time.unixtime, JUNE_1030);
    assert_eq!(server.replay.now(), JUNE_1030, "speed 0 stands still");
    assert_eq!(time.rfc1123, "Sat, 15 Jun 24 10:30:00 +0000");
    let status = client.system_status().await.expect("SystemStatus decodes");
    assert!(status.is_online());
    assert_eq!(status.timestamp, "2024-06-15T10:30:00Z");
    server.stop().await.expect("graceful stop");
}
