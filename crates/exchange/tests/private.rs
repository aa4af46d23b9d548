//! The private order calls: the captured private shapes decode to what they hold, and the
//! client against the local stub (`cst-stub`) signs, serialises nonces, never resends an
//! order on its own, and retries only reads.

use std::time::Duration;

use cst_exchange::kraken::decode;
use cst_exchange::{
    Credentials, Endpoint, ExchangeError, OrderRequest, OrderStatus, PrivateClient, RetryPolicy,
    Side, cl_ord_id,
};
use cst_testkit::kraken::{Fault, Stub};

use crate::helper::read;

const KEY: &str = "stub-key";
/// Kraken's documented example secret (NOTES.md), not a real account's.
const SECRET: &str =
    "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==";

fn shapes(name: &str) -> Vec<u8> {
    read(&format!("kraken-api/private-shapes/{name}"))
}

#[test]
fn captured_private_shapes_decode() {
    let placed = decode::add_order(&shapes("http_add_order_spot.json")).unwrap();
    assert_eq!(placed.txids, ["OUF4EM-FRGI2-MQMWZD"]);
    assert_eq!(placed.description, "buy 0.01000000 XBTUSD @ limit 50000.0");

    let closed =
        decode::orders(Endpoint::ClosedOrders, &shapes("http_closed_orders.json")).unwrap();
    let first = closed
        .iter()
        .find(|o| o.txid == "O5KZFT-GH3AD-LP6TLU")
        .unwrap();
    assert_eq!(first.status, OrderStatus::Closed);
    assert_eq!((first.side, first.pair.as_str()), (Side::Buy, "XBTUSDT"));
    assert_eq!(
        (first.vol_exec, first.cost, first.fee),
        (0.5, 14_750.0, 22.125)
    );
    assert_eq!(first.closetm, Some(1_688_590_000.543_2));
    assert_eq!(first.reason.as_deref(), Some("User requested"));

    let open = decode::orders(Endpoint::OpenOrders, &shapes("http_open_orders.json")).unwrap();
    let stop = open.iter().find(|o| o.ordertype == "stop-loss").unwrap();
    assert_eq!((stop.side, stop.stopprice), (Side::Sell, 1_800.0));
    assert_eq!(stop.status, OrderStatus::Open);
    assert_eq!(stop.closetm, None);

    let balance = decode::balance(&shapes("http_spot_balance.json")).unwrap();
    assert_eq!(balance["ZUSD"], 200_000.0);
    assert_eq!(balance["XXBT"], 0.5);
    assert_eq!(
        decode::cancel(&shapes("http_cancel_order_spot.json")).unwrap(),
        1
    );
}

#[test]
fn a_bad_number_or_status_fails_the_answer_naming_the_order() {
    let text = String::from_utf8(shapes("http_closed_orders.json")).unwrap();
    let bad = text.replacen("\"vol_exec\": \"0.50000000\"", "\"vol_exec\": \"NaN\"", 1);
    match decode::orders(Endpoint::ClosedOrders, bad.as_bytes()) {
        Err(ExchangeError::InvalidNumber { pair, field, .. }) => {
            assert_eq!((pair.as_str(), field), ("O5KZFT-GH3AD-LP6TLU", "vol_exec"));
        }
        other => panic!("{other:?}"),
    }
    let odd = text.replacen("\"status\": \"closed\"", "\"status\": \"half-done\"", 1);
    let e = decode::orders(Endpoint::ClosedOrders, odd.as_bytes()).unwrap_err();
    assert!(e.to_string().contains("half-done"), "{e}");
    let e = decode::add_order(br#"{"error":[],"result":{"txid":[]}}"#).unwrap_err();
    assert!(e.to_string().contains("txid"), "{e}");
}

#[test]
fn client_order_ids_become_stable_uuids() {
    let id = cl_ord_id("cst-1654041600-XBT/USD-24h");
    assert_eq!(id, cl_ord_id("cst-1654041600-XBT/USD-24h"));
    assert_ne!(id, cl_ord_id("cst-1654041600-XBT/USD-24h-stop_loss"));
    assert_eq!(id.len(), 36);
    assert_eq!(id.matches('-').count(), 4);
    assert!(id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
}

fn retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        min_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
        jitter: false,
    }
}

async fn stub() -> (Stub, PrivateClient) {
    let stub = Stub::start(KEY, SECRET, 10_000.0).await;
    stub.list("XBTUSD", "XXBT", "ZUSD", 30_000.0);
    let client = PrivateClient::new(
        &stub.base_url,
        Credentials::new(KEY, SECRET).unwrap(),
        Duration::from_millis(300),
        retry(),
    )
    .unwrap();
    (stub, client)
}

fn buy(volume: &str, id: &str, stop: Option<&str>) -> OrderRequest {
    OrderRequest {
        pair: "XBTUSD".into(),
        side: Side::Buy,
        volume: volume.into(),
        cl_ord_id: cl_ord_id(id),
        close_stop: stop.map(str::to_owned),
    }
}

#[tokio::test]
async fn an_entry_with_its_exchange_side_stop_fills_and_the_stop_fires() {
    let (stub, client) = stub().await;
    let placed = client
        .add_order(&buy("0.10000000", "entry-1", Some("27000.0")))
        .await
        .unwrap();
    let entry = &placed.txids[0];
    let call = &stub.calls()[0];
    assert_eq!(call.params["close[ordertype]"], "stop-loss");
    assert_eq!(call.params["close[price]"], "27000.0");
    assert_eq!(call.params["cl_ord_id"], cl_ord_id("entry-1"));

    let got = client
        .query_orders(std::slice::from_ref(entry))
        .await
        .unwrap();
    assert_eq!(got[0].status, OrderStatus::Closed);
    assert_eq!(got[0].vol_exec, 0.1);
    assert!((got[0].price - 30_000.0).abs() < 1e-6);
    assert!((got[0].fee - 3_000.0 * 0.0026).abs() < 1e-6);

    let open = client.open_orders().await.unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0].refid.as_ref(), Some(entry));
    assert_eq!((open[0].side, open[0].stopprice), (Side::Sell, 27_000.0));

    stub.set_price("XBTUSD", 26_900.0);
    assert!(client.open_orders().await.unwrap().is_empty());
    let closed = client.closed_orders(None, None).await.unwrap();
    let fired = closed
        .iter()
        .find(|o| o.refid.as_ref() == Some(entry))
        .unwrap();
    assert_eq!((fired.status, fired.vol_exec), (OrderStatus::Closed, 0.1));
    // The price passed through the stop: it sold at the stop.
    assert!((fired.price - 27_000.0).abs() < 1e-6, "{fired:?}");
    // Found again by the client id alone, as after a restart.
    let by_id = client
        .closed_orders(Some(&cl_ord_id("entry-1")), None)
        .await
        .unwrap();
    assert_eq!(by_id.len(), 1);
    assert_eq!(&by_id[0].txid, entry);
    let balance = client.balance().await.unwrap();
    assert!(balance["XXBT"].abs() < 1e-9, "{balance:?}");
}

#[tokio::test]
async fn a_lost_answer_to_add_order_is_not_resent() {
    let (stub, client) = stub().await;
    stub.fault("AddOrder", Fault::Late(Duration::from_millis(800)));
    let e = client
        .add_order(&buy("0.01", "entry-lost", None))
        .await
        .unwrap_err();
    assert!(matches!(e, ExchangeError::Timeout { .. }), "{e}");
    tokio::time::sleep(Duration::from_millis(600)).await;
    let adds = stub.count("AddOrder");
    assert_eq!(adds, 1, "AddOrder must never be retried by the client");
    // The order exists: the caller finds it by its client id before deciding anything.
    let found = client
        .closed_orders(Some(&cl_ord_id("entry-lost")), None)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].vol_exec, 0.01);
}

#[tokio::test]
async fn reads_are_retried_and_exchange_refusals_are_named() {
    let (stub, client) = stub().await;
    stub.fault("Balance", Fault::Status(503));
    assert_eq!(client.balance().await.unwrap()["ZUSD"], 10_000.0);
    assert_eq!(client.request_counts(), (2, 1));

    stub.fault(
        "OpenOrders",
        Fault::Body("{\"error\":[],\"result\":{\"open\":".into()),
    );
    let e = client.open_orders().await.unwrap_err();
    assert!(matches!(e, ExchangeError::Decode { .. }), "{e}");

    let e = client
        .add_order(&buy("5", "too-big", None))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("EOrder:Insufficient funds"), "{e}");
    stub.fault("AddOrder", Fault::Error("EService:Unavailable".into()));
    let e = client
        .add_order(&buy("0.01", "down", None))
        .await
        .unwrap_err();
    assert!(matches!(e, ExchangeError::ServiceUnavailable { .. }), "{e}");
    assert!(stub.orders().is_empty(), "nothing was placed");
    let e = client.cancel_order("ONOPE-00000-000000").await.unwrap_err();
    assert!(e.to_string().contains("EOrder:Unknown order"), "{e}");
}

#[tokio::test]
async fn a_wrong_key_or_secret_is_refused_and_nonces_always_increase() {
    let (stub, client) = stub().await;
    let other = "c2VjcmV0LXRoYXQtaXMtbm90LXRoZS1zdHViJ3M=";
    let wrong = PrivateClient::new(
        &stub.base_url,
        Credentials::new(KEY, other).unwrap(),
        Duration::from_millis(300),
        retry(),
    )
    .unwrap();
    let e = wrong.balance().await.unwrap_err();
    assert!(matches!(e, ExchangeError::InvalidSignature { .. }), "{e}");
    let stranger = PrivateClient::new(
        &stub.base_url,
        Credentials::new("someone-else", SECRET).unwrap(),
        Duration::from_millis(300),
        retry(),
    )
    .unwrap();
    let e = stranger.balance().await.unwrap_err();
    assert!(matches!(e, ExchangeError::InvalidKey { .. }), "{e}");
    assert_eq!(stub.rejected().len(), 2, "neither is retried");

    // Twenty calls at once: each nonce arrives above the last one seen.
    let client = std::sync::Arc::new(client);
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.balance().await })
        })
        .collect();
    for c in calls {
        c.await.unwrap().unwrap();
    }
    assert_eq!(stub.rejected().len(), 2, "{:?}", stub.rejected());
}
