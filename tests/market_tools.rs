//! Every market tool through the real binary (MCP over stdio) against the
//! simulator, checking the values against the simulator's own state and
//! every output against the tool's declared outputSchema.

mod support;

use binance_sim::Interval;
use serde_json::json;
use support::*;

#[tokio::test]
async fn every_market_tool_reports_the_simulators_values() {
    let sim = sim(7).await;
    let state = sim.state();
    let client = connect(&sim).await;
    let s = Schemas::load(&client).await;
    let btc = state.market("BTCUSDT").unwrap();

    // get_server_time: the simulator's clock is this machine's clock.
    let before = now_ms();
    let t = s.ok(&client, "get_server_time", json!({})).await;
    let server = t["serverTime"].as_i64().unwrap();
    assert!(server >= before - 1000 && server <= now_ms() + 1000, "{t}");
    assert!(t["iso"].as_str().unwrap().ends_with('Z'));

    // get_exchange_info: one symbol's rules, and the full list.
    let info = s
        .ok(&client, "get_exchange_info", json!({"symbol":"btcusdt"}))
        .await;
    let rules = table(&info);
    let sym = &rules[0];
    assert_eq!(rules.len(), 1);
    assert_eq!(sym["symbol"], "BTCUSDT");
    assert_eq!(sym["status"], btc.status.as_str());
    assert_eq!(sym["baseAsset"], btc.base_asset.as_str());
    assert_eq!(sym["quoteAsset"], btc.quote_asset.as_str());
    assert_eq!(sym["tickSize"], d(btc.tick_size));
    assert_eq!(sym["stepSize"], d(btc.step_size));
    assert_eq!(sym["minQty"], d(btc.min_qty));
    assert_eq!(sym["minNotional"], d(btc.min_notional));
    assert!(sym["orderTypes"].as_str().unwrap().contains("LIMIT"));
    let all = s.ok(&client, "get_exchange_info", json!({})).await;
    assert_eq!(table(&all).len(), state.symbols().len());
    assert!(all["asOf"].as_str().unwrap().ends_with('Z'));
    let broken = s
        .ok(
            &client,
            "get_exchange_info",
            json!({"symbolStatus":"BREAK"}),
        )
        .await;
    let broken_syms: Vec<String> = table(&broken)
        .iter()
        .map(|x| x["symbol"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<&str> = state
        .markets()
        .iter()
        .filter(|m| m.status == "BREAK")
        .map(|m| m.symbol.as_str())
        .collect();
    assert_eq!(broken_syms, expected);
    let two = s
        .ok(
            &client,
            "get_exchange_info",
            json!({"symbols":["ETHUSDT","LTCUSDT"]}),
        )
        .await;
    assert_eq!(table(&two).len(), 2);

    // get_ticker: every field equals the simulator's 24 h statistics.
    let tk = s
        .ok(&client, "get_ticker", json!({"symbol":"BTCUSDT"}))
        .await;
    let tk = &table(&tk)[0];
    let st = &btc.ticker;
    assert_eq!(tk["lastPrice"], d(st.last_price));
    assert_eq!(tk["openPrice"], d(st.open_price));
    assert_eq!(tk["highPrice"], d(st.high_price));
    assert_eq!(tk["lowPrice"], d(st.low_price));
    assert_eq!(tk["priceChange"], d(st.price_change));
    assert_eq!(tk["priceChangePercent"], d(st.price_change_percent));
    assert_eq!(tk["volume"], d(st.volume));
    assert_eq!(tk["quoteVolume"], d(st.quote_volume));
    assert_eq!(tk["bidPrice"], d(btc.bids[0].0));
    assert_eq!(tk["askPrice"], d(btc.asks[0].0));
    assert_eq!(tk["count"].as_u64().unwrap(), st.count);
    let all = s.ok(&client, "get_ticker", json!({})).await;
    assert_eq!(table(&all).len(), state.symbols().len());

    // get_ticker_price and get_book_ticker.
    let p = s
        .ok(&client, "get_ticker_price", json!({"symbol":"BTCUSDT"}))
        .await;
    assert_eq!(p["prices"], json!({ "BTCUSDT": d(btc.last_price()) }));
    let ps = s.ok(&client, "get_ticker_price", json!({})).await;
    assert_eq!(
        ps["prices"].as_object().unwrap().len(),
        state.symbols().len()
    );
    for m in state.markets() {
        assert_eq!(ps["prices"][&m.symbol], d(m.last_price()), "{}", m.symbol);
    }
    let bt = s
        .ok(
            &client,
            "get_book_ticker",
            json!({"symbols":["BTCUSDT","ETHUSDT"]}),
        )
        .await;
    for row in table(&bt) {
        let m = state.market(row["symbol"].as_str().unwrap()).unwrap();
        assert_eq!(row["bidPrice"], d(m.bids[0].0));
        assert_eq!(row["bidQty"], d(m.bids[0].1));
        assert_eq!(row["askPrice"], d(m.asks[0].0));
        assert_eq!(row["askQty"], d(m.asks[0].1));
    }

    // get_order_book: the top levels, exact totals, spread and mid.
    let ob = s
        .ok(
            &client,
            "get_order_book",
            json!({"symbol":"BTCUSDT","limit":10}),
        )
        .await;
    assert_eq!(ob["lastUpdateId"].as_u64().unwrap(), btc.last_update_id);
    let bids = ob["bids"].as_array().unwrap();
    assert_eq!(bids.len(), 10);
    for (i, level) in bids.iter().enumerate() {
        assert_eq!(level, &json!([d(btc.bids[i].0), d(btc.bids[i].1)]));
    }
    let total: binance_sim::Decimal = btc.asks[..10].iter().map(|(_, q)| *q).sum();
    assert_eq!(ob["askTotalQty"], d(total));
    assert_eq!(ob["spread"], d(btc.asks[0].0 - btc.bids[0].0));
    assert_eq!(
        ob["midPrice"],
        d((btc.asks[0].0 + btc.bids[0].0) / binance_sim::Decimal::TWO)
    );
    // Binance's whole limit range starts at 1: the top of the book alone.
    for limit in [1, 4] {
        let top = s
            .ok(
                &client,
                "get_order_book",
                json!({"symbol":"BTCUSDT","limit":limit}),
            )
            .await;
        assert_eq!(top["levelsFetched"], json!({"bids": limit, "asks": limit}));
        assert_eq!(top["bids"][0], json!([d(btc.bids[0].0), d(btc.bids[0].1)]));
        assert_eq!(top["bestAsk"], d(btc.asks[0].0));
        assert_eq!(top["spread"], ob["spread"]);
    }
    let e = err(
        &client,
        "get_order_book",
        json!({"symbol":"BTCUSDT","limit":0}),
    )
    .await;
    assert_eq!(e["code"], -32003);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("between 1 and 5000"),
        "{e}"
    );
    assert!(
        e.get("binance_code").is_none(),
        "refused before Binance: {e}"
    );

    // get_recent_trades: the newest trades, oldest first.
    let tr = s
        .ok(
            &client,
            "get_recent_trades",
            json!({"symbol":"BTCUSDT","limit":20}),
        )
        .await;
    let got = table(&tr);
    let want = &btc.trades[btc.trades.len() - 20..];
    assert_eq!(got.len(), 20);
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g["id"].as_u64().unwrap(), w.id);
        assert_eq!(g["price"], d(w.price));
        assert_eq!(g["qty"], d(w.qty));
        assert_eq!(g["quoteQty"], d(w.quote_qty));
        assert_eq!(g["time"], iso(w.time));
        assert_eq!(g["isBuyerMaker"].as_bool().unwrap(), w.is_buyer_maker);
    }

    // get_klines: fixed range, every candle equal to the simulator's.
    let start = btc.trades[0].time - 6 * 3_600_000;
    let kl = s
        .ok(
            &client,
            "get_klines",
            json!({"symbol":"BTCUSDT","interval":"1h","startTime":start,"limit":5}),
        )
        .await;
    let want = btc.klines(Interval::H1, Some(start), None, 5, now_ms());
    let got = table(&kl);
    assert_eq!(got.len(), 5);
    assert_eq!(want.len(), 5);
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g["openTime"], iso(w.open_time));
        assert_eq!(g["open"], d(w.open));
        assert_eq!(g["high"], d(w.high));
        assert_eq!(g["low"], d(w.low));
        assert_eq!(g["close"], d(w.close));
        assert_eq!(g["volume"], d(w.volume));
        assert_eq!(g["trades"].as_u64().unwrap(), w.trades);
    }
    // The same window written as ISO-8601 text gives the same candles.
    let by_iso = s
        .ok(
            &client,
            "get_klines",
            json!({"symbol":"BTCUSDT","interval":"1h","startTime":iso(start),"limit":5}),
        )
        .await;
    assert_eq!(by_iso["rows"], kl["rows"]);
    for interval in [
        "1s", "1m", "3m", "5m", "15m", "30m", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M",
    ] {
        let k = s
            .ok(
                &client,
                "get_klines",
                json!({"symbol":"ETHUSDT","interval":interval,"limit":3}),
            )
            .await;
        assert_eq!(table(&k).len(), 3, "{interval}");
    }

    // get_average_price.
    let avg = s
        .ok(&client, "get_average_price", json!({"symbol":"BTCUSDT"}))
        .await;
    assert_eq!(avg["price"], d(btc.avg_price));
    assert_eq!(avg["mins"].as_u64().unwrap(), btc.avg_price_mins as u64);

    client.cancel().await.unwrap();
}

#[tokio::test]
async fn long_answers_are_cut_with_a_marker_and_stay_valid() {
    let sim = sim(7).await;
    let client = connect(&sim).await;
    let s = Schemas::load(&client).await;
    let tr = s
        .ok(
            &client,
            "get_recent_trades",
            json!({"symbol":"BTCUSDT","limit":1000}),
        )
        .await;
    let btc = sim.state().market("BTCUSDT").unwrap();
    let trades = table(&tr);
    assert_eq!(trades.len(), 500);
    assert_eq!(tr["truncated"]["available"], 1000);
    assert_eq!(
        trades[499]["id"].as_u64().unwrap(),
        btc.trades.last().unwrap().id
    );
    let kl = s
        .ok(
            &client,
            "get_klines",
            json!({"symbol":"BTCUSDT","interval":"1m","startTime":0,"limit":1000}),
        )
        .await;
    let candles = table(&kl);
    assert_eq!(candles.len(), 300);
    // The cursor is the open time of the first candle not listed, and the
    // next page starts exactly there.
    let next = kl["truncated"]["nextStartTime"].clone();
    let page = s
        .ok(
            &client,
            "get_klines",
            json!({"symbol":"BTCUSDT","interval":"1m","startTime":next,"limit":2}),
        )
        .await;
    assert_eq!(table(&page)[0]["openTime"], next);
    assert!(candles[299]["openTime"].as_str() < next.as_str());
    let ob = s
        .ok(
            &client,
            "get_order_book",
            json!({"symbol":"BTCUSDT","limit":5000}),
        )
        .await;
    assert!(ob["bids"].as_array().unwrap().len() <= 500);
    assert_eq!(
        ob["levelsFetched"]["bids"].as_u64().unwrap() as usize,
        btc.bids.len().min(5000)
    );
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn exchange_errors_come_back_as_actionable_tool_errors() {
    let sim = sim(7).await;
    let client = connect(&sim).await;
    let e = err(&client, "get_ticker_price", json!({"symbol":"NOPEUSDT"})).await;
    assert_eq!(e["code"], -32003);
    assert_eq!(e["binance_code"], -1121);
    assert_eq!(e["binance_msg"], "Invalid symbol.");
    assert!(e["recovery"]
        .as_str()
        .unwrap()
        .contains("get_exchange_info"));
    let e = err(
        &client,
        "get_klines",
        json!({"symbol":"BTCUSDT","interval":"7m"}),
    )
    .await;
    assert_eq!(e["code"], -32003);
    assert!(e["recovery"].as_str().unwrap().contains("1h"));
    // A time that is neither ms nor ISO-8601 is refused before Binance.
    let e = err(
        &client,
        "get_klines",
        json!({"symbol":"BTCUSDT","interval":"1h","startTime":"last tuesday"}),
    )
    .await;
    assert_eq!(e["code"], -32003);
    assert!(e["message"].as_str().unwrap().contains("startTime"), "{e}");
    assert!(e["message"].as_str().unwrap().contains("ISO-8601"), "{e}");
    assert!(e.get("binance_code").is_none(), "{e}");
    let e = err(
        &client,
        "get_order_book",
        json!({"symbol":"BTCUSDT","depth":5}),
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("depth"));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn an_unreachable_exchange_is_a_tool_error_naming_the_fix() {
    // A port nothing listens on: bind, read the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let client = connect_with(
        command(&url, &url),
        rmcp::model::ProtocolVersion::V_2025_11_25,
    )
    .await;
    let e = err(&client, "get_server_time", json!({})).await;
    assert_eq!(e["code"], -32005);
    assert!(e["message"].as_str().unwrap().contains(&url), "{e}");
    assert!(e["recovery"].as_str().unwrap().contains("BINANCE_BASE_URL"));
    client.cancel().await.unwrap();
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}
