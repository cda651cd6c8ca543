use super::*;

const NO_WAIT: Duration = Duration::ZERO;

/// An answer carrying the exchange's weight count.
fn said(used: u32) -> Observed {
    Observed {
        status: 200,
        used_weight_1m: Some(used),
        ..Observed::default()
    }
}

fn status(status: u16, retry_after: Option<u32>) -> Observed {
    Observed {
        status,
        retry_after,
        ..Observed::default()
    }
}

/// A limiter that has learned the exchange's count (`used`) on `budget`.
fn learned(spot: u32, futures: u32, budget: Budget, used: u32) -> RateLimiter {
    let rl = RateLimiter::new(spot, futures);
    let r = rl.acquire(budget, 1, false, NO_WAIT).unwrap();
    rl.observe(r, said(used));
    rl
}

#[test]
fn a_fresh_minute_sends_one_request_alone_until_the_count_is_known() {
    let rl = RateLimiter::new(6000, 2400);
    let probe = rl.acquire(Budget::Spot, 1, false, NO_WAIT).unwrap();
    let e = rl.acquire(Budget::Spot, 1, false, NO_WAIT).unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert!(
        e.message.contains("waiting for the exchange"),
        "{}",
        e.message
    );
    // Another budget is independent.
    let f = rl.acquire(Budget::Futures, 1, false, NO_WAIT).unwrap();
    rl.release(f, false);
    // The answer says 5990 of 6000 were used already (an earlier process).
    rl.observe(probe, said(5990));
    assert_eq!(rl.usage(Budget::Spot), (5990, 6000));
    let r = rl.acquire(Budget::Spot, 10, false, NO_WAIT).unwrap();
    assert!(rl.acquire(Budget::Spot, 1, false, NO_WAIT).is_err());
    rl.observe(r, said(6000));
}

#[test]
fn a_waiting_request_goes_as_soon_as_the_first_answer_arrives() {
    let rl = std::sync::Arc::new(RateLimiter::new(6000, 2400));
    let probe = rl.acquire(Budget::Spot, 1, false, NO_WAIT).unwrap();
    let waiter = {
        let rl = rl.clone();
        std::thread::spawn(move || {
            let t = Instant::now();
            let r = rl.acquire(Budget::Spot, 1, false, Duration::from_secs(5));
            (r.map(|r| rl.release(r, false)).is_ok(), t.elapsed())
        })
    };
    std::thread::sleep(Duration::from_millis(100));
    rl.observe(probe, said(1));
    let (ok, waited) = waiter.join().unwrap();
    assert!(ok);
    assert!(waited < Duration::from_secs(2), "{waited:?}");
}

#[test]
fn in_flight_weight_counts_before_any_answer() {
    let rl = learned(100, 100, Budget::Spot, 0);
    let a = rl.acquire(Budget::Spot, 60, false, NO_WAIT).unwrap();
    let e = rl.acquire(Budget::Spot, 50, false, NO_WAIT).unwrap_err();
    assert_eq!(e.data["current_weight"], 61);
    assert_eq!(e.data["weight_limit"], 100);
    assert!((1..=61).contains(&e.retry_after_secs.unwrap()));
    // A refused connection gives its weight back; an answer keeps it counted.
    rl.release(a, false);
    assert_eq!(rl.usage(Budget::Spot), (1, 100));
    let b = rl.acquire(Budget::Spot, 50, false, NO_WAIT).unwrap();
    rl.observe(b, said(40));
    assert_eq!(
        rl.usage(Budget::Spot),
        (51, 100),
        "our own count when higher"
    );
    let c = rl.acquire(Budget::Spot, 1, false, NO_WAIT).unwrap();
    rl.observe(c, said(95));
    assert_eq!(
        rl.usage(Budget::Spot),
        (95, 100),
        "the exchange's when higher"
    );
}

#[test]
fn an_absurd_weight_header_counts_as_full_not_forever() {
    let rl = learned(6000, 2400, Budget::Spot, u32::MAX);
    assert_eq!(rl.usage(Budget::Spot), (6000, 6000));
    let e = rl.acquire(Budget::Spot, 1, false, NO_WAIT).unwrap_err();
    // Held only until the exchange's minute ends.
    assert!(e.retry_after_secs.unwrap() <= 61, "{e:?}");
}

#[test]
fn a_429_pauses_the_budget_for_retry_after_queued_requests_included() {
    let rl = learned(6000, 6000, Budget::Spot, 1);
    let r = rl.acquire(Budget::Spot, 1, false, NO_WAIT).unwrap();
    rl.observe(r, status(429, Some(1)));
    let e = rl.acquire(Budget::Spot, 1, false, NO_WAIT).unwrap_err();
    assert!(e.message.contains("429"), "{}", e.message);
    assert_eq!(e.retry_after_secs, Some(1));
    // Within budget, the request waits the pause out instead of failing.
    let t = Instant::now();
    let r = rl
        .acquire(Budget::Spot, 1, false, Duration::from_secs(3))
        .unwrap();
    assert!(t.elapsed() >= Duration::from_millis(900));
    rl.release(r, false);
}

#[test]
fn retry_after_is_bounded() {
    let now_ms = 28_333_333 * 60_000 + 30_000; // 30 s into a minute
    let end = bounded_retry_after(429, Some(u32::MAX), now_ms);
    assert!(end <= Duration::from_secs(31), "{end:?}");
    assert_eq!(bounded_retry_after(429, None, now_ms), end);
    assert_eq!(
        bounded_retry_after(429, Some(7), now_ms),
        Duration::from_secs(7)
    );
    assert_eq!(bounded_retry_after(418, Some(u32::MAX), now_ms), MAX_BAN);
    assert_eq!(
        bounded_retry_after(418, Some(600), now_ms),
        Duration::from_secs(600)
    );
    assert_eq!(
        bounded_retry_after(418, None, now_ms),
        Duration::from_secs(120)
    );
    assert_eq!(whole_secs(Duration::from_millis(1)), 1);
    assert_eq!(whole_secs(Duration::from_millis(1500)), 2);
}

#[test]
fn a_418_refuses_at_once_even_with_budget_and_bans_sapi_too() {
    let rl = learned(6000, 6000, Budget::Spot, 1);
    let r = rl.acquire(Budget::Spot, 1, false, NO_WAIT).unwrap();
    rl.observe(r, status(418, Some(300)));
    let e = rl
        .acquire(Budget::Spot, 1, false, Duration::from_secs(30))
        .unwrap_err();
    assert!(e.message.contains("418"));
    assert!(e.retry_after_secs.unwrap() >= 299);
    assert!(rl
        .acquire(Budget::Sapi, 1, false, NO_WAIT)
        .unwrap_err()
        .message
        .contains("418"));
    let f = rl.acquire(Budget::Futures, 1, false, NO_WAIT).unwrap();
    rl.release(f, false);
}

#[test]
fn sapi_has_its_own_budget() {
    let rl = learned(100, 100, Budget::Spot, 100);
    let r = rl.acquire(Budget::Sapi, 2400, false, NO_WAIT).unwrap();
    rl.observe(r, said(2400));
    assert_eq!(rl.usage(Budget::Sapi), (2400, SAPI_WEIGHT_PER_MINUTE));
    assert!(rl.acquire(Budget::Spot, 1, false, NO_WAIT).is_err());
}

#[test]
fn order_counts_are_tracked() {
    let rl = learned(6000, 2400, Budget::Spot, 1);
    let r = rl.acquire(Budget::Spot, 1, false, NO_WAIT).unwrap();
    rl.observe(
        r,
        Observed {
            status: 200,
            used_weight_1m: Some(2),
            orders: (Some(ORDERS_PER_10S), Some(10)),
            retry_after: None,
        },
    );
    let e = rl.acquire(Budget::Spot, 1, true, NO_WAIT).unwrap_err();
    assert!(e.message.contains("order-rate"), "{}", e.message);
    assert!(e.retry_after_secs.unwrap() <= 11);
    let r = rl.acquire(Budget::Spot, 1, false, NO_WAIT).unwrap();
    rl.release(r, true);
}

#[test]
fn futures_orders_are_counted_per_10_s_and_per_minute() {
    let rl = learned(6000, 2400, Budget::Futures, 1);
    // Spot's 50 per 10 s is not futures' limit: 51 orders in a row go.
    for _ in 0..51 {
        let r = rl.acquire(Budget::Futures, 0, true, NO_WAIT).unwrap();
        rl.observe(r, said(2));
    }
    // The exchange says the minute holds 1,200: the next order waits for
    // the minute to end (at most 60 s), named as futures' limit.
    let r = rl.acquire(Budget::Futures, 0, false, NO_WAIT).unwrap();
    rl.observe(
        r,
        Observed {
            status: 200,
            used_weight_1m: Some(2),
            orders: (Some(60), Some(FUTURES_ORDERS_PER_MINUTE)),
            retry_after: None,
        },
    );
    let e = rl.acquire(Budget::Futures, 0, true, NO_WAIT).unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert!(
        e.message
            .contains("usdm-futures order-rate limit (300 per 10 s / 1200 per minute)"),
        "{}",
        e.message
    );
    assert!(
        e.retry_after_secs.unwrap() <= 61,
        "{:?}",
        e.retry_after_secs
    );
    // Spot's orders are counted apart.
    let r = rl.acquire(Budget::Spot, 1, true, NO_WAIT).unwrap();
    rl.release(r, true);
}

#[test]
fn a_futures_order_count_header_above_the_limit_counts_as_full() {
    let rl = learned(6000, 2400, Budget::Futures, 1);
    let r = rl.acquire(Budget::Futures, 0, false, NO_WAIT).unwrap();
    rl.observe(
        r,
        Observed {
            status: 200,
            used_weight_1m: Some(2),
            orders: (Some(u32::MAX), None),
            retry_after: None,
        },
    );
    let e = rl.acquire(Budget::Futures, 0, true, NO_WAIT).unwrap_err();
    assert!(e.retry_after_secs.unwrap() <= 11, "the 10 s window");
}

#[test]
fn windows_end_on_the_exchanges_boundaries() {
    assert_eq!(to_next(120_000, MINUTE_MS), Duration::from_secs(60));
    assert_eq!(to_next(179_999, MINUTE_MS), Duration::from_millis(1));
    assert_eq!(to_next(125_000, TEN_S_MS), Duration::from_secs(5));
    let mut s = BudgetState::new(100, OrderLimits::SPOT);
    s.roll(60_000, Instant::now());
    s.reported = Some(50);
    s.counted = 10;
    s.roll(119_999, Instant::now());
    assert_eq!(s.used(), 50, "same exchange minute");
    s.roll(120_000, Instant::now());
    assert_eq!((s.reported, s.counted), (None, 0), "a new exchange minute");
}

#[test]
fn weight_without_a_header_adds_to_the_exchanges_figure() {
    // An earlier process used 5000; this host's timed-out reads still count.
    let rl = learned(6000, 2400, Budget::Spot, 5000);
    for _ in 0..20 {
        let r = rl.acquire(Budget::Spot, 50, false, NO_WAIT).unwrap();
        rl.release(r, true);
    }
    assert_eq!(rl.usage(Budget::Spot), (6000, 6000));
    assert!(rl.acquire(Budget::Spot, 1, false, NO_WAIT).is_err());
}

#[test]
fn a_header_from_the_previous_minute_does_not_pin_the_new_one() {
    let rl = learned(6000, 2400, Budget::Spot, 10);
    let r = rl.acquire(Budget::Spot, 1, false, NO_WAIT).unwrap();
    // The minute turns while the request is out; its answer still reports
    // the old minute's count.
    rl.set_clock_offset(60_000);
    rl.observe(r, said(5990));
    let (used, _) = rl.usage(Budget::Spot);
    assert!(
        used <= 1,
        "the old minute's figure was not carried over: {used}"
    );
}

#[test]
fn a_dropped_reservation_is_released_and_still_counted() {
    let rl = learned(100, 100, Budget::Spot, 0);
    {
        let _r = rl.acquire(Budget::Spot, 30, false, NO_WAIT).unwrap();
    }
    assert_eq!(rl.usage(Budget::Spot), (31, 100));
    // Nothing is left in flight: a request is not held for an answer.
    let r = rl.acquire(Budget::Spot, 69, false, NO_WAIT).unwrap();
    rl.release(r, false);
}

#[test]
fn an_order_count_reported_just_after_binances_turn_is_kept_when_the_hosts_turns() {
    // Binance's minute turned 200 ms ago; the host's windows lag by the
    // 500 ms margin, so they still show the old minute.
    let rl = learned(6000, 2400, Budget::Futures, 1);
    let into_minute = |offset: i64| (local_ms() + offset).rem_euclid(MINUTE_MS);
    let offset = MINUTE_MS - into_minute(0) + 200;
    rl.set_clock_offset(offset);
    let r = rl.acquire(Budget::Futures, 0, true, NO_WAIT).unwrap();
    rl.observe(
        r,
        Observed {
            status: 200,
            used_weight_1m: Some(2),
            orders: (Some(1), Some(FUTURES_ORDERS_PER_MINUTE)),
            retry_after: None,
        },
    );
    // The host's window turns too: the count Binance reported for its new
    // minute still holds, so the next order is refused, not sent.
    rl.set_clock_offset(offset + 1000);
    let e = rl.acquire(Budget::Futures, 0, true, NO_WAIT).unwrap_err();
    assert!(e.message.contains("1200 per minute"), "{}", e.message);
    // The minute after starts empty.
    rl.set_clock_offset(offset + 1000 + MINUTE_MS);
    let r = rl.acquire(Budget::Futures, 0, true, NO_WAIT).unwrap();
    rl.release(r, true);
}
