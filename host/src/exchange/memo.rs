//! A short-lived memo of exchange information (`/api/v3/exchangeInfo`,
//! `/fapi/v1/exchangeInfo`): the public answer that is large (megabytes on
//! Binance), weighs 20 on spot, changes a few times a day, and that argument
//! completion asks for on every keystroke. An answer is reused for
//! [`MEMO_TTL`] by any caller the gate admits (the policy check happens
//! first, every time); a reuse costs no weight. Nothing signed is ever kept.

use super::catalogue::{Endpoint, Method, Security};
use super::Response;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long an answer is reused: new listings show within a minute.
pub const MEMO_TTL: Duration = Duration::from_secs(60);
/// Most answers kept (by their parameters): a model asking for many
/// different symbol sets gets the oldest forgotten.
pub const MEMO_ENTRIES: usize = 8;

/// The memo.
#[derive(Debug, Default)]
pub struct Memo {
    entries: Mutex<HashMap<String, (Instant, Response)>>,
}

/// Whether answers of `endpoint` are memoised.
pub fn memoised(endpoint: &Endpoint) -> bool {
    endpoint.method == Method::Get
        && endpoint.security == Security::None
        && endpoint.path.ends_with("/exchangeInfo")
}

fn key(endpoint: &Endpoint, params: &[(String, String)]) -> String {
    let mut k = format!("{:?} {}", endpoint.venue, endpoint.path);
    for (n, v) in params {
        k.push_str(&format!("&{n}={v}"));
    }
    k
}

impl Memo {
    /// A fresh answer for these parameters, if one is kept.
    pub fn get(&self, endpoint: &Endpoint, params: &[(String, String)]) -> Option<Response> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let (at, answer) = entries.get(&key(endpoint, params))?;
        (at.elapsed() < MEMO_TTL).then(|| answer.clone())
    }

    /// Keep a successful answer.
    pub fn put(&self, endpoint: &Endpoint, params: &[(String, String)], answer: &Response) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.retain(|_, (at, _)| at.elapsed() < MEMO_TTL);
        if entries.len() >= MEMO_ENTRIES {
            if let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, (at, _))| *at)
                .map(|(k, _)| k.clone())
            {
                entries.remove(&oldest);
            }
        }
        entries.insert(key(endpoint, params), (Instant::now(), answer.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::catalogue::{classify, Venue};

    fn answer(body: &str) -> Response {
        Response {
            status: 200,
            body: body.into(),
            used_weight_1m: Some(20),
        }
    }

    #[test]
    fn only_exchange_information_is_kept_by_its_parameters() {
        let info = classify(Venue::Spot, Method::Get, "/api/v3/exchangeInfo").unwrap();
        let account = classify(Venue::Spot, Method::Get, "/api/v3/account").unwrap();
        let depth = classify(Venue::Spot, Method::Get, "/api/v3/depth").unwrap();
        assert!(memoised(info));
        assert!(!memoised(account) && !memoised(depth));
        let memo = Memo::default();
        let p = vec![("symbol".to_string(), "BTCUSDT".to_string())];
        assert!(memo.get(info, &p).is_none());
        memo.put(info, &p, &answer("{}"));
        assert_eq!(memo.get(info, &p).unwrap().body, "{}");
        assert!(memo.get(info, &[]).is_none());
        for i in 0..MEMO_ENTRIES + 3 {
            memo.put(info, &[("symbol".into(), format!("S{i}"))], &answer("x"));
        }
        assert!(memo.entries.lock().unwrap().len() <= MEMO_ENTRIES);
    }
}
