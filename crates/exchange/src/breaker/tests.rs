use super::*;

const POLICY: BreakerPolicy = BreakerPolicy {
    failure_threshold: 3,
    cooldown: Duration::from_secs(30),
};

fn server_error() -> Result<(), ExchangeError> {
    Err(ExchangeError::Server {
        endpoint: Endpoint::Ohlc,
        status: 503,
    })
}

#[tokio::test(start_paused = true)]
async fn opens_at_threshold_and_fails_fast_until_cooldown_ends() {
    let breakers = Breakers::new(POLICY);
    for _ in 0..2 {
        breakers.record(Endpoint::Ohlc, &server_error());
        assert!(breakers.check(Endpoint::Ohlc).is_ok());
    }
    breakers.record(Endpoint::Ohlc, &server_error());
    tokio::time::advance(Duration::from_secs(10)).await;
    match breakers.check(Endpoint::Ohlc) {
        Err(ExchangeError::CircuitOpen { endpoint, retry_in }) => {
            assert_eq!(endpoint, Endpoint::Ohlc);
            assert_eq!(retry_in, Duration::from_secs(20));
        }
        other => panic!("expected CircuitOpen, got {other:?}"),
    }
    assert!(
        breakers.check(Endpoint::Trades).is_ok(),
        "other endpoints stay closed"
    );
    tokio::time::advance(Duration::from_secs(20)).await;
    assert!(
        breakers.check(Endpoint::Ohlc).is_ok(),
        "half-open after the cooldown"
    );
}

#[tokio::test(start_paused = true)]
async fn a_failure_while_half_open_reopens_at_once() {
    let breakers = Breakers::new(POLICY);
    for _ in 0..3 {
        breakers.record(Endpoint::Ohlc, &server_error());
    }
    tokio::time::advance(POLICY.cooldown).await;
    assert!(breakers.check(Endpoint::Ohlc).is_ok());
    breakers.record(Endpoint::Ohlc, &server_error());
    assert!(matches!(
        breakers.check(Endpoint::Ohlc),
        Err(ExchangeError::CircuitOpen { .. })
    ));
}

#[tokio::test(start_paused = true)]
async fn a_success_closes_and_resets_the_count() {
    let breakers = Breakers::new(POLICY);
    for _ in 0..3 {
        breakers.record(Endpoint::Ohlc, &server_error());
    }
    tokio::time::advance(POLICY.cooldown).await;
    breakers.record(Endpoint::Ohlc, &Ok(()));
    for _ in 0..2 {
        breakers.record(Endpoint::Ohlc, &server_error());
    }
    assert!(
        breakers.check(Endpoint::Ohlc).is_ok(),
        "count restarted after success"
    );
}

#[tokio::test(start_paused = true)]
async fn caller_mistakes_do_not_count() {
    let breakers = Breakers::new(POLICY);
    for _ in 0..10 {
        let unknown: Result<(), _> = Err(ExchangeError::UnknownPair {
            endpoint: Endpoint::Ohlc,
            pair: "NOPEEUR".into(),
        });
        breakers.record(Endpoint::Ohlc, &unknown);
    }
    assert!(breakers.check(Endpoint::Ohlc).is_ok());
}

#[test]
fn the_state_machine_needs_no_runtime() {
    let mut breaker = CircuitBreaker::new(POLICY);
    let t0 = Instant::now();
    for _ in 0..3 {
        breaker.record_failure(t0);
    }
    assert_eq!(breaker.check(t0), Err(POLICY.cooldown));
    assert_eq!(breaker.check(t0 + POLICY.cooldown), Ok(()));
}
