//! The router (every path the simulator serves) and the server task.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{middleware, Router};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::gate;
use crate::routes::{
    account, futures, futures_account as fa, futures_funding, futures_trade as ft, general, market,
    order_list, ticker, trade, wallet,
};
use crate::state::SimState;
use crate::stream::{socket, Venue};
use crate::weight::Weighted;

/// Builds the router: spot `/api/v3/...` (market data, USER_DATA, TRADE:
/// orders, order lists, cancels),
/// wallet `/sapi/v1/...` reads, futures `/fapi/...` (market data, account
/// reads, orders, conditional orders, settings), a 404 for anything
/// else, and the [`gate`] middleware around all of it (faults, rate limits,
/// weights; so even a 404 carries `X-MBX-USED-WEIGHT-1M`). Outside the
/// gate: the spot market streams (`/ws`, `/stream`) and the USD-M futures
/// public ones (`/public/ws`, `/public/stream`), see [`crate::stream`].
pub fn router(state: Arc<SimState>) -> Router {
    Router::new()
        .route("/api/v3/ping", get(general::ping))
        .route("/api/v3/time", get(general::time))
        .route("/api/v3/exchangeInfo", get(general::exchange_info))
        .route("/api/v3/depth", get(market::depth))
        .route("/api/v3/trades", get(market::trades))
        .route("/api/v3/klines", get(market::klines))
        .route("/api/v3/avgPrice", get(market::avg_price))
        .route("/api/v3/ticker/24hr", get(ticker::ticker_24hr))
        .route("/api/v3/ticker/price", get(ticker::ticker_price))
        .route("/api/v3/ticker/bookTicker", get(ticker::book_ticker))
        .route("/api/v3/account", get(account::account))
        .route("/api/v3/account/commission", get(account::commission))
        .route("/api/v3/myTrades", get(account::my_trades))
        .route(
            "/api/v3/openOrders",
            get(account::open_orders).delete(trade::cancel_open_orders),
        )
        .route("/api/v3/allOrders", get(account::all_orders))
        .route(
            "/api/v3/order",
            get(account::get_order)
                .post(trade::new_order)
                .delete(trade::cancel_order),
        )
        .route("/api/v3/order/test", post(trade::test_order))
        .route("/api/v3/orderList/oco", post(order_list::new_oco))
        .route(
            "/api/v3/orderList",
            get(order_list::get_list).delete(order_list::cancel_list),
        )
        .route("/api/v3/openOrderList", get(order_list::open_lists))
        .route("/api/v3/allOrderList", get(order_list::all_lists))
        .route("/api/v3/rateLimit/order", get(trade::order_rate_limit))
        .route("/sapi/v1/accountSnapshot", get(wallet::account_snapshot))
        .route(
            "/sapi/v1/capital/deposit/hisrec",
            get(wallet::deposit_history),
        )
        .route(
            "/sapi/v1/capital/withdraw/history",
            get(wallet::withdraw_history),
        )
        .route("/sapi/v1/asset/transfer", get(wallet::transfer_history))
        .route(
            "/sapi/v1/capital/deposit/address",
            get(wallet::deposit_address),
        )
        .route("/fapi/v1/ping", get(futures::ping))
        .route("/fapi/v1/time", get(futures::time))
        .route("/fapi/v1/exchangeInfo", get(futures::exchange_info))
        .route("/fapi/v1/depth", get(futures::depth))
        .route("/fapi/v1/ticker/price", get(futures::ticker_price))
        .route("/fapi/v1/premiumIndex", get(futures_funding::premium_index))
        .route("/fapi/v1/fundingRate", get(futures_funding::funding_rate))
        .route("/fapi/v3/account", get(fa::account))
        .route("/fapi/v2/positionRisk", get(fa::position_risk))
        .route("/fapi/v1/openOrders", get(fa::open_orders))
        .route(
            "/fapi/v1/order",
            get(fa::get_order)
                .post(ft::new_order)
                .delete(ft::cancel_order),
        )
        .route("/fapi/v1/allOpenOrders", delete(ft::cancel_all))
        .route("/fapi/v1/income", get(fa::income))
        .route("/fapi/v1/forceOrders", get(fa::force_orders))
        .route("/fapi/v1/openAlgoOrders", get(fa::open_algo_orders))
        .route(
            "/fapi/v1/algoOrder",
            get(fa::get_algo_order)
                .post(ft::new_algo_order)
                .delete(ft::cancel_algo_order),
        )
        .route("/fapi/v1/algoOpenOrders", delete(ft::cancel_all_algos))
        .route("/fapi/v1/leverage", post(ft::leverage))
        .route("/fapi/v1/marginType", post(ft::margin_type))
        .route(
            "/fapi/v1/countdownCancelAll",
            post(ft::countdown_cancel_all),
        )
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), gate::gate))
        // Market streams: outside the REST gate (no request weight; the
        // stream limits are their own, see `stream`).
        .route("/ws", get(socket::raw_empty))
        .route("/ws/{stream}", get(socket::raw))
        .route("/stream", get(socket::combined))
        // USD-M futures high-frequency public data (depth, bookTicker).
        .route("/public/ws", get(socket::public_raw_empty))
        .route("/public/ws/{stream}", get(socket::public_raw))
        .route("/public/stream", get(socket::public_combined))
        .with_state(state)
}

/// Unknown paths: 404 with an empty body, no weight charged.
async fn not_found() -> Response {
    Weighted(0, StatusCode::NOT_FOUND).into_response()
}

/// Every `tick` of `venue`'s hub (unless it is paused), one step of
/// activity on each of its books with stream subscribers.
async fn evolve(state: Arc<SimState>, venue: Venue) {
    loop {
        tokio::time::sleep(state.streams_of(venue).timing().tick).await;
        if state.streams_of(venue).is_paused() {
            continue;
        }
        for symbol in state.streams_of(venue).active_symbols() {
            state.evolve_on(venue, &symbol);
        }
    }
}

/// A server running on a spawned task, stopped by [`ServerTask::stop`].
#[derive(Debug)]
pub struct ServerTask {
    /// The bound address.
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    /// Changes the books (spot and futures) of symbols with stream
    /// subscribers.
    evolver: Option<JoinHandle<()>>,
    state: Arc<SimState>,
}

impl ServerTask {
    /// Binds `127.0.0.1:port` (0 = any free port) and starts serving.
    pub async fn spawn(state: Arc<SimState>, port: u16) -> std::io::Result<ServerTask> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = oneshot::channel::<()>();
        let app = router(state.clone());
        let (spot, usdm) = (state.clone(), state.clone());
        let evolver = tokio::spawn(async move {
            tokio::join!(evolve(spot, Venue::Spot), evolve(usdm, Venue::UsdmFutures));
        });
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    // A dropped sender also means "stop".
                    let _ = rx.await;
                })
                .await
        });
        tracing::info!(%addr, "binance-sim listening");
        Ok(ServerTask {
            addr,
            shutdown: Some(tx),
            task: Some(task),
            evolver: Some(evolver),
            state,
        })
    }

    /// Signals a graceful shutdown without waiting for it.
    pub fn signal(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
            // Upgraded (WebSocket) connections are not part of the HTTP
            // server's graceful shutdown: close them too.
            self.state.streams().drop_connections();
            self.state.futures_streams().drop_connections();
        }
        if let Some(e) = &self.evolver {
            e.abort();
        }
    }

    /// Signals a graceful shutdown and waits until the listener is closed
    /// and in-flight requests are answered.
    pub async fn stop(&mut self) {
        self.signal();
        if let Some(e) = self.evolver.take() {
            let _ = e.await;
        }
        if let Some(task) = self.task.take() {
            match task.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "binance-sim server error"),
                Err(e) => tracing::warn!(error = %e, "binance-sim server task failed"),
            }
        }
    }
}

impl Drop for ServerTask {
    fn drop(&mut self) {
        self.signal();
    }
}
