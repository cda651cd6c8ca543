//! Confirmations a model cannot give itself, through the real binary
//! against the simulator: a preview token (expired, reused, altered order
//! refused); `elicitation/create` for a 2025-11-25 client (accept, decline,
//! cancel, an unticked form, a timeout); an `InputRequiredResult` round
//! for a 2026-07-28 client (the same answers, and a requestState that is
//! forged, replayed or echoed with another order refused). A client that can
//! be asked is never offered or allowed the token path. Every test counts
//! the orders the simulator received.

mod support;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, ElicitationAction, InputResponses, ProtocolVersion,
};
use rmcp::service::RunningService;
use rmcp::RoleClient;
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::time::Duration;
use support::asker::*;
use support::trading::*;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_confirms_exactly_one_identical_order_once() {
    let sim = sim(34).await;
    let policy = trading_policy("token", "max_order_notional = 1000\nconfirm = \"token\"");
    let st = state("token");
    let client = connect_with(keyed(&sim, &policy, &st), ProtocolVersion::V_2025_11_25).await;
    let price =
        (sim.state().price("BTCUSDT").unwrap() * rust_decimal::Decimal::new(9, 1)).round_dp(2);
    let order = limit("BTCUSDT", "0.001", &price.to_string());
    let preview = ok(&client, "place_order", order.clone()).await;
    assert_eq!(preview["status"], "CONFIRMATION_REQUIRED", "{preview}");
    let token = preview["confirmation"].as_str().unwrap().to_string();
    assert_eq!(orders(&sim), 0, "a preview sends nothing");

    // An altered order with the token is refused.
    let mut altered = limit("BTCUSDT", "0.002", &price.to_string());
    altered["confirmation"] = json!(token);
    let e = err(&client, "place_order", altered).await;
    assert!(
        e["message"].as_str().unwrap().contains("does not match"),
        "{e}"
    );
    assert_eq!(orders(&sim), 0);

    let mut confirmed = order.clone();
    confirmed["confirmation"] = json!(token);
    let placed = ok(&client, "place_order", confirmed.clone()).await;
    assert_eq!(placed["symbol"], "BTCUSDT", "{placed}");
    assert!(placed["orderId"].is_number(), "{placed}");
    assert_eq!(orders(&sim), 1);

    let e = err(&client, "place_order", confirmed).await;
    assert!(
        e["message"].as_str().unwrap().contains("already used"),
        "{e}"
    );
    assert_eq!(orders(&sim), 1, "never sent twice");

    // The journal holds the intent and the outcome.
    let journal = std::fs::read_to_string(st.join("journal.jsonl")).unwrap();
    assert_eq!(
        journal
            .lines()
            .filter(|l| l.contains("\"kind\":\"intent\""))
            .count(),
        1
    );
    assert_eq!(
        journal
            .lines()
            .filter(|l| l.contains("\"kind\":\"outcome\""))
            .count(),
        1
    );
    assert!(!journal.contains(binance_sim::SIM_SECRET_KEY));
    assert!(!journal.contains("signature"));
    client.cancel().await.ok();
}

fn place(order: &Value) -> CallToolRequestParams {
    CallToolRequestParams::new("place_order").with_arguments(order.as_object().unwrap().clone())
}

/// A BTCUSDT limit buy 10 % under the simulator's price (it rests).
fn resting_order(sim: &binance_sim::Simulator, qty: &str) -> Value {
    let price =
        (sim.state().price("BTCUSDT").unwrap() * rust_decimal::Decimal::new(9, 1)).round_dp(2);
    limit("BTCUSDT", qty, &price.to_string())
}

/// The answers a user can give, and whether each places the order.
const ANSWERS: [(ElicitationAction, bool, bool); 4] = [
    (ElicitationAction::Decline, false, false),
    (ElicitationAction::Cancel, false, false),
    (ElicitationAction::Accept, false, false),
    (ElicitationAction::Accept, true, true),
];

/// `order` with a `confirmation` token is refused: this client can be asked.
async fn token_refused(client: &RunningService<RoleClient, Asker>, order: &Value) {
    let mut with_token = order.clone();
    with_token["confirmation"] = json!("v1.1.1.00000000000000000000000000000000");
    let r = client.call_tool(place(&with_token)).await.unwrap();
    let (failed, body) = body(&r);
    assert!(
        failed
            && body["message"]
                .as_str()
                .unwrap()
                .contains("tokens are not accepted"),
        "{body}"
    );
}

/// Each of [`ANSWERS`] from a fresh `version` client: only an accepted,
/// ticked form places the order, the user is asked once, and the client is
/// refused the token path. rmcp's client drives a 2026-07-28 round (it
/// shows the form and retries).
async fn every_answer(
    sim: &binance_sim::Simulator,
    policy: &std::path::Path,
    version: ProtocolVersion,
    order: &Value,
) {
    for (action, confirm, placed) in ANSWERS {
        let before = orders(sim);
        let st = state(&format!("answer-{version}-{action:?}-{confirm}"));
        let asker = Asker::new(version.clone(), action.clone(), confirm);
        let (asked, messages) = (asker.asked.clone(), asker.messages.clone());
        let client = asking(keyed(sim, policy, &st), asker).await;
        let r = client.call_tool(place(order)).await.unwrap();
        let (failed, answer) = body(&r);
        assert_eq!(!failed, placed, "{version} {action:?} {confirm}: {answer}");
        assert_eq!(asked.load(Ordering::SeqCst), 1, "asked once");
        let message = messages.lock().unwrap().pop().unwrap();
        assert!(
            message.contains("BTCUSDT") && message.contains("Notional"),
            "{message}"
        );
        assert_eq!(orders(sim) - before, u64::from(placed), "{action:?}");
        if placed {
            assert_eq!(answer["symbol"], "BTCUSDT", "{answer}");
        } else {
            assert_eq!(answer["code"], -32006, "{answer}");
        }
        token_refused(&client, order).await;
        client.cancel().await.ok();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn elicitation_places_only_what_the_user_confirms() {
    let sim = sim(35).await;
    let policy = trading_policy(
        "elicit",
        "max_order_notional = 1000\nconfirm = \"elicitation\"",
    );
    let order = resting_order(&sim, "0.001");
    every_answer(&sim, &policy, ProtocolVersion::V_2025_11_25, &order).await;

    // A user who does not answer within the call's budget: nothing is sent.
    let before = orders(&sim);
    let st = state("elicit-timeout");
    let mut asker = Asker::new(
        ProtocolVersion::V_2025_11_25,
        ElicitationAction::Accept,
        true,
    );
    asker.delay = Duration::from_secs(8);
    let mut cmd = keyed(&sim, &policy, &st);
    cmd.args(["--call-timeout", "5"]);
    let client = asking(cmd, asker).await;
    let r = client.peer().call_tool(place(&order)).await.unwrap();
    let (failed, answer) = body(&r);
    assert!(failed, "{answer}");
    assert_eq!(answer["code"], -32006, "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("could not be completed"),
        "{answer}"
    );
    assert_eq!(orders(&sim), before, "a timeout sends nothing");
    client.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2026_client_confirms_by_an_input_required_round() {
    let sim = sim(36).await;
    let policy = trading_policy(
        "round",
        "max_order_notional = 1000\nconfirm = \"elicitation\"",
    );
    let order = resting_order(&sim, "0.001");
    every_answer(&sim, &policy, ProtocolVersion::V_2026_07_28, &order).await;

    // The round by hand: the requestState is sealed to the order, once.
    let st = state("round-by-hand");
    let asker = Asker::new(
        ProtocolVersion::V_2026_07_28,
        ElicitationAction::Accept,
        true,
    );
    let client = asking(keyed(&sim, &policy, &st), asker).await;
    let before = orders(&sim);
    let CallToolResponse::InputRequired(round) =
        client.call_tool_once(place(&order)).await.unwrap()
    else {
        panic!("a 2026-07-28 client that can be asked gets an input_required round");
    };
    assert_eq!(orders(&sim), before, "asking sends nothing");
    let requests = round.input_requests.expect("the confirmation form");
    assert_eq!(requests.len(), 1);
    let (key, _) = requests.iter().next().unwrap();
    let sealed = round.request_state.expect("a sealed requestState");
    let mut yes = InputResponses::new();
    yes.insert(
        key.clone(),
        serde_json::to_value(answer(ElicitationAction::Accept, true)).unwrap(),
    );
    let retry = |order: &Value, state: &str| {
        place(order)
            .with_input_responses(yes.clone())
            .with_request_state(state.to_string())
    };
    let refused = |r: CallToolResponse, needle: &str| {
        let CallToolResponse::Complete(r) = r else {
            panic!("a retry never asks again");
        };
        let (failed, body) = body(&r);
        assert!(failed, "{body}");
        assert_eq!(body["code"], -32006, "{body}");
        assert!(body["message"].as_str().unwrap().contains(needle), "{body}");
    };
    // Another order under this state, and a forged state: refused.
    let bigger = resting_order(&sim, "0.002");
    refused(
        client
            .call_tool_once(retry(&bigger, &sealed))
            .await
            .unwrap(),
        "does not match this order",
    );
    let forged = format!("r1.{}.0000000000000001.{}", u64::MAX / 2, "0".repeat(32));
    refused(
        client.call_tool_once(retry(&order, &forged)).await.unwrap(),
        "does not match this order",
    );
    refused(
        client
            .call_tool_once(retry(&order, &"x".repeat(10_000)))
            .await
            .unwrap(),
        "malformed",
    );
    assert_eq!(orders(&sim), before, "nothing sent");
    // The sealed state with its order: placed, once.
    let CallToolResponse::Complete(r) =
        client.call_tool_once(retry(&order, &sealed)).await.unwrap()
    else {
        panic!("the retry completes");
    };
    let (failed, placed) = body(&r);
    assert!(!failed, "{placed}");
    assert_eq!(orders(&sim), before + 1);
    refused(
        client.call_tool_once(retry(&order, &sealed)).await.unwrap(),
        "already used",
    );
    assert_eq!(orders(&sim), before + 1, "never sent twice");
    client.cancel().await.ok();

    // A 2026-07-28 client without elicitation gets the preview and token.
    let st = state("round-no-elicitation");
    let mut asker = Asker::new(
        ProtocolVersion::V_2026_07_28,
        ElicitationAction::Accept,
        true,
    );
    asker.elicitation = false;
    let client = asking(keyed(&sim, &policy, &st), asker).await;
    let r = client.call_tool(place(&order)).await.unwrap();
    let (failed, preview) = body(&r);
    assert!(!failed, "{preview}");
    assert_eq!(preview["status"], "CONFIRMATION_REQUIRED", "{preview}");
    assert_eq!(orders(&sim), before + 1);
    client.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_does_not_wait_for_a_user_deciding_on_an_order() {
    let sim = sim(37).await;
    let policy = trading_policy(
        "decide",
        "max_order_notional = 1000\nconfirm = \"elicitation\"",
    );
    let st = state("decide");
    let mut asker = Asker::new(
        ProtocolVersion::V_2025_11_25,
        ElicitationAction::Accept,
        true,
    );
    asker.delay = Duration::from_secs(4);
    let asked = asker.asked.clone();
    let client = asking(keyed(&sim, &policy, &st), asker).await;
    let order = resting_order(&sim, "0.001");
    let peer = client.peer().clone();
    let placing = tokio::spawn(async move { peer.call_tool(place(&order)).await });
    while asked.load(Ordering::SeqCst) == 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The user is deciding: a cancel goes through meanwhile.
    let r = client
        .peer()
        .call_tool(
            CallToolRequestParams::new("cancel_all_orders")
                .with_arguments(json!({"symbol": "BTCUSDT"}).as_object().unwrap().clone()),
        )
        .await
        .unwrap();
    assert!(
        !placing.is_finished(),
        "the cancel did not wait for the answer"
    );
    let (_, cancelled) = body(&r);
    assert_ne!(cancelled["code"], -32006, "{cancelled}");
    let (failed, placed) = body(&placing.await.unwrap().unwrap());
    assert!(!failed, "{placed}");
    assert_eq!(orders(&sim), 1);
    client.cancel().await.ok();
}
