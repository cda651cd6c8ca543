//! The WIT bridge, compiled only for `wasm32`: generated bindings, the
//! imported `exchange` capability as an [`Exchange`], and the conversions the
//! [`export_plugin!`](crate::export_plugin) macro calls.

use crate::{ErrorKind, Exchange, Manifest, Method, Plugin, Request, Response, ToolError, Venue};

#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "tool-plugin",
        pub_export_macro: true,
        export_macro_name: "export",
        default_bindings_module: "binance_mcp_plugin::guest::bindings",
    });
}

use bindings::binance::mcp::{
    exchange as wit_exchange, futures_trading as wit_futures, log as wit_log,
    order_book as wit_book, spot_trading as wit_trading, types as wit,
};

/// The host's `order-book` import.
pub struct HostOrderBook;

fn venue_to_wit(v: Venue) -> wit_exchange::Venue {
    match v {
        Venue::Spot => wit_exchange::Venue::Spot,
        Venue::UsdmFutures => wit_exchange::Venue::UsdmFutures,
    }
}

fn venue_from_wit(v: wit_exchange::Venue) -> Venue {
    match v {
        wit_exchange::Venue::Spot => Venue::Spot,
        wit_exchange::Venue::UsdmFutures => Venue::UsdmFutures,
    }
}

mod order_book {
    use super::{from_wit_error, venue_from_wit, venue_to_wit, wit_book as w, HostOrderBook};
    use crate::book::*;
    use crate::{ErrorKind, ToolError, Venue};

    fn status(s: w::BookStatus) -> BookStatus {
        BookStatus {
            venue: venue_from_wit(s.venue),
            symbol: s.symbol,
            freshness: match s.freshness {
                w::Freshness::Live => Freshness::Live,
                w::Freshness::Stale => Freshness::Stale,
                w::Freshness::Syncing => Freshness::Syncing,
            },
            age_ms: s.age_ms,
            update_id: s.update_id,
            event_time: s.event_time,
            bid_levels: s.bid_levels,
            ask_levels: s.ask_levels,
            last_trade: s.last_trade.map(|t| LastTrade {
                id: t.id,
                price: t.price,
                time: t.time,
                age_ms: t.age_ms,
            }),
        }
    }

    fn depth(d: w::BookDepth) -> BookDepth {
        BookDepth {
            status: status(d.status),
            price_scale: d.price_scale,
            qty_scale: d.qty_scale,
            bids: d.bids,
            asks: d.asks,
        }
    }

    impl OrderBook for HostOrderBook {
        fn metrics(
            &self,
            venue: Venue,
            symbol: &str,
            bands: &[u32],
            wait_ms: u32,
        ) -> Result<BookMetrics, ToolError> {
            let m =
                w::metrics(venue_to_wit(venue), symbol, bands, wait_ms).map_err(from_wit_error)?;
            Ok(BookMetrics {
                status: status(m.status),
                best_bid: m.best_bid,
                best_bid_qty: m.best_bid_qty,
                best_ask: m.best_ask,
                best_ask_qty: m.best_ask_qty,
                mid: m.mid,
                spread: m.spread,
                spread_bps: m.spread_bps,
                microprice: m.microprice,
                imbalance: m.imbalance,
                bands: m
                    .bands
                    .into_iter()
                    .map(|b| Band {
                        bps: b.bps,
                        bid_qty: b.bid_qty,
                        ask_qty: b.ask_qty,
                        bid_notional: b.bid_notional,
                        ask_notional: b.ask_notional,
                        imbalance: b.imbalance,
                    })
                    .collect(),
                walls: m
                    .walls
                    .into_iter()
                    .map(|x| Wall {
                        bid: x.bid,
                        price: x.price,
                        qty: x.qty,
                        times_median: x.times_median,
                    })
                    .collect(),
                wall_rule: m.wall_rule,
            })
        }

        fn depth(
            &self,
            venue: Venue,
            symbol: &str,
            levels: u32,
            wait_ms: u32,
        ) -> Result<BookDepth, ToolError> {
            w::depth(venue_to_wit(venue), symbol, levels, wait_ms)
                .map(depth)
                .map_err(from_wit_error)
        }

        fn peek(&self, venue: Venue, symbol: &str, levels: u32) -> Option<BookDepth> {
            w::peek(venue_to_wit(venue), symbol, levels).map(depth)
        }

        fn health(&self) -> Result<serde_json::Value, ToolError> {
            let text = w::health().map_err(from_wit_error)?;
            serde_json::from_str(&text).map_err(|e| {
                ToolError::new(
                    ErrorKind::Internal,
                    format!("health is not JSON: {e}"),
                    "report this bug",
                )
            })
        }
    }
}

/// The host's `exchange` import.
pub struct HostExchange;

/// The host's `spot-trading` import, for a plugin exported with
/// `export_plugin!(P, trading)`. Only such a plugin calls spot-trading, so
/// only its component imports it (unused imports are left out of a
/// component), and the host links it only when the policy grants
/// `spot-trade`. It sends no raw requests (so it does not import
/// `exchange` either): a trading plugin needs only its orders.
pub struct HostTradingExchange;

/// The host's `spot-trading` import.
pub struct HostTrading;

/// The host's `exchange` import for reads plus its `futures-trading`
/// import, for a plugin exported with `export_plugin!(P, futures)`.
pub struct HostFuturesExchange;

/// The host's `futures-trading` import.
pub struct HostFutures;

impl Exchange for HostFuturesExchange {
    fn send(&self, request: &Request) -> Result<Response, ToolError> {
        HostExchange.send(request)
    }

    fn futures(&self) -> Option<&dyn crate::futures::FuturesTrading> {
        Some(&HostFutures)
    }
}

impl Exchange for HostTradingExchange {
    fn send(&self, request: &Request) -> Result<Response, ToolError> {
        Err(ToolError::new(
            ErrorKind::NotPermitted,
            format!("a trading plugin sends no raw requests ({})", request.path),
            "use the spot-trading capability",
        ))
    }

    fn trading(&self) -> Option<&dyn crate::trading::Trading> {
        Some(&HostTrading)
    }
}

impl Exchange for HostExchange {
    fn order_book(&self) -> Option<&dyn crate::book::OrderBook> {
        Some(&HostOrderBook)
    }

    fn send(&self, request: &Request) -> Result<Response, ToolError> {
        let req = wit_exchange::Request {
            venue: venue_to_wit(request.venue),
            method: match request.method {
                Method::Get => wit_exchange::Method::Get,
                Method::Post => wit_exchange::Method::Post,
                Method::Put => wit_exchange::Method::Put,
                Method::Delete => wit_exchange::Method::Delete,
            },
            path: request.path.clone(),
            params: request.params.clone(),
        };
        wit_exchange::send(&req)
            .map(|r| Response {
                status: r.status,
                body: r.body,
                used_weight_1m: r.used_weight_1m,
            })
            .map_err(from_wit_error)
    }
}

mod trading_bridge {
    use super::{from_wit_error, wit_trading as w, HostTrading};
    use crate::trading::{Cancel, OcoOrder, Order, OrderType, Side, TimeInForce, Trading};
    use crate::ToolError;

    fn side(s: Side) -> w::Side {
        match s {
            Side::Buy => w::Side::Buy,
            Side::Sell => w::Side::Sell,
        }
    }

    fn tif(t: TimeInForce) -> w::TimeInForce {
        match t {
            TimeInForce::Gtc => w::TimeInForce::Gtc,
            TimeInForce::Ioc => w::TimeInForce::Ioc,
            TimeInForce::Fok => w::TimeInForce::Fok,
        }
    }

    fn order_type(t: OrderType) -> w::OrderType {
        match t {
            OrderType::Limit => w::OrderType::Limit,
            OrderType::Market => w::OrderType::Market,
            OrderType::StopLoss => w::OrderType::StopLoss,
            OrderType::StopLossLimit => w::OrderType::StopLossLimit,
            OrderType::TakeProfit => w::OrderType::TakeProfit,
            OrderType::TakeProfitLimit => w::OrderType::TakeProfitLimit,
            OrderType::LimitMaker => w::OrderType::LimitMaker,
        }
    }

    impl Trading for HostTrading {
        fn place_order(&self, o: &Order) -> Result<String, ToolError> {
            w::place_order(&w::Order {
                symbol: o.symbol.clone(),
                side: side(o.side),
                order_type: order_type(o.order_type),
                quantity: o.quantity.clone(),
                quote_quantity: o.quote_quantity.clone(),
                price: o.price.clone(),
                stop_price: o.stop_price.clone(),
                time_in_force: o.time_in_force.map(tif),
                client_order_id: o.client_order_id.clone(),
                dry_run: o.dry_run,
                confirmation: o.confirmation.clone(),
            })
            .map_err(from_wit_error)
        }

        fn place_oco(&self, o: &OcoOrder) -> Result<String, ToolError> {
            w::place_oco(&w::OcoOrder {
                symbol: o.symbol.clone(),
                side: side(o.side),
                quantity: o.quantity.clone(),
                price: o.price.clone(),
                stop_price: o.stop_price.clone(),
                stop_limit_price: o.stop_limit_price.clone(),
                list_client_order_id: o.list_client_order_id.clone(),
                confirmation: o.confirmation.clone(),
            })
            .map_err(from_wit_error)
        }

        fn cancel_order(&self, c: &Cancel) -> Result<String, ToolError> {
            w::cancel_order(&w::Cancel {
                symbol: c.symbol.clone(),
                order_id: c.order_id,
                client_order_id: c.client_order_id.clone(),
            })
            .map_err(from_wit_error)
        }

        fn cancel_all(&self, symbol: &str) -> Result<String, ToolError> {
            w::cancel_all(symbol).map_err(from_wit_error)
        }
    }
}

mod futures_bridge {
    use super::{from_wit_error, wit_futures as w, wit_trading, HostFutures};
    use crate::futures::{
        FuturesCancel, FuturesOrder, FuturesOrderType, FuturesTimeInForce, FuturesTrading,
        MarginType, WorkingType,
    };
    use crate::trading::Side;
    use crate::ToolError;

    fn order_type(t: FuturesOrderType) -> w::FuturesOrderType {
        match t {
            FuturesOrderType::Limit => w::FuturesOrderType::Limit,
            FuturesOrderType::Market => w::FuturesOrderType::Market,
            FuturesOrderType::Stop => w::FuturesOrderType::Stop,
            FuturesOrderType::StopMarket => w::FuturesOrderType::StopMarket,
            FuturesOrderType::TakeProfit => w::FuturesOrderType::TakeProfit,
            FuturesOrderType::TakeProfitMarket => w::FuturesOrderType::TakeProfitMarket,
            FuturesOrderType::TrailingStopMarket => w::FuturesOrderType::TrailingStopMarket,
        }
    }

    fn tif(t: FuturesTimeInForce) -> w::FuturesTimeInForce {
        match t {
            FuturesTimeInForce::Gtc => w::FuturesTimeInForce::Gtc,
            FuturesTimeInForce::Ioc => w::FuturesTimeInForce::Ioc,
            FuturesTimeInForce::Fok => w::FuturesTimeInForce::Fok,
            FuturesTimeInForce::Gtx => w::FuturesTimeInForce::Gtx,
        }
    }

    impl FuturesTrading for HostFutures {
        fn set_leverage(
            &self,
            symbol: &str,
            leverage: u32,
            confirmation: Option<&str>,
        ) -> Result<String, ToolError> {
            w::set_leverage(symbol, leverage, confirmation).map_err(from_wit_error)
        }

        fn set_margin_type(
            &self,
            symbol: &str,
            margin_type: MarginType,
            confirmation: Option<&str>,
        ) -> Result<String, ToolError> {
            let m = match margin_type {
                MarginType::Isolated => w::MarginType::Isolated,
                MarginType::Crossed => w::MarginType::Crossed,
            };
            w::set_margin_type(symbol, m, confirmation).map_err(from_wit_error)
        }

        fn place_order(&self, o: &FuturesOrder) -> Result<String, ToolError> {
            w::place_order(&w::FuturesOrder {
                symbol: o.symbol.clone(),
                side: match o.side {
                    Side::Buy => wit_trading::Side::Buy,
                    Side::Sell => wit_trading::Side::Sell,
                },
                order_type: order_type(o.order_type),
                quantity: o.quantity.clone(),
                price: o.price.clone(),
                trigger_price: o.trigger_price.clone(),
                time_in_force: o.time_in_force.map(tif),
                reduce_only: o.reduce_only,
                close_position: o.close_position,
                working_type: o.working_type.map(|t| match t {
                    WorkingType::MarkPrice => w::WorkingType::MarkPrice,
                    WorkingType::ContractPrice => w::WorkingType::ContractPrice,
                }),
                activation_price: o.activation_price.clone(),
                callback_rate: o.callback_rate.clone(),
                client_order_id: o.client_order_id.clone(),
                confirmation: o.confirmation.clone(),
            })
            .map_err(from_wit_error)
        }

        fn close_position(
            &self,
            symbol: &str,
            confirmation: Option<&str>,
        ) -> Result<String, ToolError> {
            w::close_position(symbol, confirmation).map_err(from_wit_error)
        }

        fn cancel_order(&self, c: &FuturesCancel) -> Result<String, ToolError> {
            w::cancel_order(&w::FuturesCancel {
                symbol: c.symbol.clone(),
                order_id: c.order_id,
                client_order_id: c.client_order_id.clone(),
                conditional: c.conditional,
            })
            .map_err(from_wit_error)
        }

        fn cancel_all(&self, symbol: &str) -> Result<String, ToolError> {
            w::cancel_all(symbol).map_err(from_wit_error)
        }
    }
}

/// Emit a log event through the host.
pub fn log(level: crate::exchange::LogLevel, message: &str) {
    use crate::exchange::LogLevel as L;
    let level = match level {
        L::Debug => wit_log::Level::Debug,
        L::Info => wit_log::Level::Info,
        L::Warn => wit_log::Level::Warn,
    };
    wit_log::emit(level, message, &[]);
}

#[doc(hidden)]
pub fn manifest<P: Plugin>() -> wit::Manifest {
    let Manifest {
        name,
        version,
        tools,
        prompts,
        resources,
    } = P::manifest();
    wit::Manifest {
        name,
        version,
        tools: tools
            .into_iter()
            .map(|t| wit::ToolDescriptor {
                name: t.name,
                title: t.title,
                description: t.description,
                input_schema: t.input_schema.to_string(),
                output_schema: t.output_schema.to_string(),
                annotations: wit::Annotations {
                    read_only: t.annotations.read_only,
                    destructive: t.annotations.destructive,
                    idempotent: t.annotations.idempotent,
                    open_world: t.annotations.open_world,
                },
                capabilities: t.capabilities,
            })
            .collect(),
        prompts: prompts
            .into_iter()
            .map(|p| wit::PromptDescriptor {
                name: p.name,
                title: p.title,
                description: p.description,
                arguments: p
                    .arguments
                    .into_iter()
                    .map(|a| wit::PromptArgument {
                        name: a.name,
                        description: a.description,
                        required: a.required,
                    })
                    .collect(),
                capabilities: p.capabilities,
            })
            .collect(),
        resources: resources
            .into_iter()
            .map(|r| wit::ResourceDescriptor {
                uri: r.uri,
                name: r.name,
                title: r.title,
                description: r.description,
                mime_type: r.mime_type,
                capabilities: r.capabilities,
                updates: match r.updates {
                    crate::Updates::Never => wit::Updates::Never,
                    crate::Updates::LivePrice => wit::Updates::LivePrice,
                },
            })
            .collect(),
    }
}

mod content_bridge {
    use super::bindings::binance::mcp::content as w;
    use crate::content::*;

    pub fn contents(c: ResourceContents) -> w::ResourceContents {
        w::ResourceContents {
            uri: c.uri,
            mime_type: c.mime_type,
            body: match c.body {
                Body::Text(t) => w::ResourceBody::Text(t),
                Body::Blob(b) => w::ResourceBody::Blob(b),
            },
        }
    }

    pub fn block(b: ContentBlock) -> w::ContentBlock {
        match b {
            ContentBlock::Text(t) => w::ContentBlock::Text(t),
            ContentBlock::Image(Blob { mime_type, data }) => {
                w::ContentBlock::Image(w::Blob { mime_type, data })
            }
            ContentBlock::Resource(r) => w::ContentBlock::Embedded(contents(r)),
        }
    }

    pub fn prompt(p: RenderedPrompt) -> w::RenderedPrompt {
        w::RenderedPrompt {
            description: p.description,
            messages: p
                .messages
                .into_iter()
                .map(|m| w::PromptMessage {
                    role: match m.role {
                        Role::User => w::Role::User,
                        Role::Assistant => w::Role::Assistant,
                    },
                    content: block(m.content),
                })
                .collect(),
        }
    }

    pub fn request(r: w::ResourceRequest) -> ResourceRequest {
        ResourceRequest {
            uri: r.uri,
            matched: r.matched,
            parameters: r.parameters,
        }
    }

    pub fn completion_request(r: w::CompletionRequest) -> CompletionRequest {
        CompletionRequest {
            target: match r.target {
                w::CompletionRef::Prompt(p) => CompletionRef::Prompt(p),
                w::CompletionRef::Template(u) => CompletionRef::Resource(u),
            },
            argument: r.argument,
            value: r.value,
            context: r.context,
        }
    }

    pub fn completion(c: Completion) -> w::Completion {
        w::Completion {
            values: c.values,
            total: c.total,
            has_more: c.has_more,
        }
    }
}

use bindings::binance::mcp::content as wit_content;

#[doc(hidden)]
pub fn call_tool<P: Plugin>(
    exchange: &dyn Exchange,
    name: &str,
    arguments: &str,
) -> Result<wit_content::ToolOutput, wit::ToolError> {
    let (structured, extra) = P::call_tool(exchange, name, arguments)
        .map_err(to_wit_error)?
        .into_parts();
    Ok(wit_content::ToolOutput {
        structured,
        extra: extra.into_iter().map(content_bridge::block).collect(),
    })
}

#[doc(hidden)]
pub fn get_prompt<P: Plugin>(
    exchange: &dyn Exchange,
    name: &str,
    arguments: &[(String, String)],
) -> Result<wit_content::RenderedPrompt, wit::ToolError> {
    P::get_prompt(exchange, name, arguments)
        .map(content_bridge::prompt)
        .map_err(to_wit_error)
}

#[doc(hidden)]
pub fn read_resource<P: Plugin>(
    exchange: &dyn Exchange,
    request: wit_content::ResourceRequest,
) -> Result<Vec<wit_content::ResourceContents>, wit::ToolError> {
    P::read_resource(exchange, &content_bridge::request(request))
        .map(|c| c.into_iter().map(content_bridge::contents).collect())
        .map_err(to_wit_error)
}

#[doc(hidden)]
pub fn complete<P: Plugin>(
    exchange: &dyn Exchange,
    request: wit_content::CompletionRequest,
) -> Result<wit_content::Completion, wit::ToolError> {
    P::complete(exchange, &content_bridge::completion_request(request))
        .map(content_bridge::completion)
        .map_err(to_wit_error)
}

fn to_wit_error(e: ToolError) -> wit::ToolError {
    wit::ToolError {
        kind: match e.kind {
            ErrorKind::InvalidArgument => wit::ErrorKind::InvalidArgument,
            ErrorKind::ExchangeRejected => wit::ErrorKind::ExchangeRejected,
            ErrorKind::ExchangeUnavailable => wit::ErrorKind::ExchangeUnavailable,
            ErrorKind::RateLimited => wit::ErrorKind::RateLimited,
            ErrorKind::Authentication => wit::ErrorKind::Authentication,
            ErrorKind::NotPermitted => wit::ErrorKind::NotPermitted,
            ErrorKind::Internal => wit::ErrorKind::Internal,
        },
        message: e.message,
        recovery: e.recovery,
        exchange_code: e.exchange_code,
        exchange_message: e.exchange_message,
        retry_after_secs: e.retry_after_secs,
        data: e.data.map(|d| d.to_string()),
    }
}

fn from_wit_error(e: wit::ToolError) -> ToolError {
    ToolError {
        kind: match e.kind {
            wit::ErrorKind::InvalidArgument => ErrorKind::InvalidArgument,
            wit::ErrorKind::ExchangeRejected => ErrorKind::ExchangeRejected,
            wit::ErrorKind::ExchangeUnavailable => ErrorKind::ExchangeUnavailable,
            wit::ErrorKind::RateLimited => ErrorKind::RateLimited,
            wit::ErrorKind::Authentication => ErrorKind::Authentication,
            wit::ErrorKind::NotPermitted => ErrorKind::NotPermitted,
            wit::ErrorKind::Internal => ErrorKind::Internal,
        },
        message: e.message,
        recovery: e.recovery,
        exchange_code: e.exchange_code,
        exchange_message: e.exchange_message,
        retry_after_secs: e.retry_after_secs,
        data: e
            .data
            .and_then(|d| serde_json::from_str(&d).ok())
            .map(Box::new),
    }
}
