//! Order-book engine benchmarks, both sides in the same run:
//!
//! (a) `apply`: realistic diff-depth frames (Binance's wire format, 8-decimal
//!     strings, 4–40 changes each, clustered near the top of a 1000-level
//!     book, a quarter of them removals) applied to the engine's book —
//!     with JSON parsing (`engine/parse+apply`) and without
//!     (`engine/apply`) — and to a straightforward
//!     `BTreeMap<Decimal, Decimal>` book fed by `serde_json` structs
//!     (`btreemap/parse+apply`, `btreemap/apply`). Throughput is in level
//!     updates.
//! (b) `metrics`: `get_orderbook_metrics`' computation (L1, three bands,
//!     walls) on a 1000-level book.
//! (c) `memory`: printed once — heap bytes per live symbol at 1000 levels a
//!     side, for both books.
//!
//! Run: `cargo bench -p binance-mcp --bench book`.

use binance_mcp::book::{parse, Chain, DepthHeader, Levels, LocalBook};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::hint::black_box;
use std::str::FromStr;

const DEPTH: usize = 1000;
const FRAMES: usize = 2000;

/// A deterministic generator (xorshift), so every run measures the same frames.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Price in cents around 65,000.00 with a 0.01 tick; distance from the top
/// is skewed towards the best levels, as in real markets.
fn price(mid: u64, bid: bool, rng: &mut Rng) -> u64 {
    let d = rng.below(40).pow(2) / 2 + 1; // mostly within 20 ticks, up to ~800
    if bid {
        mid - d
    } else {
        mid + d
    }
}

fn cents(p: u64) -> String {
    format!("{}.{:02}000000", p / 100, p % 100)
}

fn frames() -> (String, Vec<String>) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mid = 6_500_000u64;
    let side = |bid: bool| {
        (1..=DEPTH as u64)
            .map(|i| {
                let p = if bid { mid - i } else { mid + i };
                format!(
                    r#"["{}","{}.{:08}"]"#,
                    cents(p),
                    1 + i % 7,
                    i * 37 % 100_000_000
                )
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    let snapshot = format!(
        r#"{{"lastUpdateId":1000,"bids":[{}],"asks":[{}]}}"#,
        side(true),
        side(false)
    );
    let mut out = Vec::with_capacity(FRAMES);
    let mut id = 1001u64;
    for _ in 0..FRAMES {
        let n = 4 + rng.below(37) as usize;
        let lv = |bid: bool, rng: &mut Rng| {
            (0..n / 2)
                .map(|_| {
                    let p = price(mid, bid, rng);
                    let q = if rng.below(4) == 0 {
                        "0.00000000".to_string()
                    } else {
                        format!("{}.{:08}", rng.below(5), rng.below(100_000_000))
                    };
                    format!(r#"["{}","{}"]"#, cents(p), q)
                })
                .collect::<Vec<_>>()
                .join(",")
        };
        let (b, a) = (lv(true, &mut rng), lv(false, &mut rng));
        let last = id + n as u64 - 1;
        out.push(format!(
            r#"{{"stream":"btcusdt@depth@100ms","data":{{"e":"depthUpdate","E":1700000000000,"s":"BTCUSDT","U":{id},"u":{last},"b":[{b}],"a":[{a}]}}}}"#
        ));
        id = last + 1;
    }
    (snapshot, out)
}

#[derive(serde::Deserialize)]
struct SnapshotJson {
    #[serde(rename = "lastUpdateId")]
    last_update_id: u64,
    bids: Vec<[String; 2]>,
    asks: Vec<[String; 2]>,
}

#[derive(serde::Deserialize)]
struct Envelope {
    data: DiffJson,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct DiffJson {
    #[serde(rename = "U")]
    first: u64,
    #[serde(rename = "u")]
    last: u64,
    b: Vec<[String; 2]>,
    a: Vec<[String; 2]>,
}

/// The straightforward book: two ordered maps of decimals.
#[derive(Default, Clone)]
struct MapBook {
    bids: BTreeMap<Decimal, Decimal>,
    asks: BTreeMap<Decimal, Decimal>,
    id: u64,
}

impl MapBook {
    fn set(side: &mut BTreeMap<Decimal, Decimal>, p: &str, q: &str) {
        let (p, q) = (Decimal::from_str(p).unwrap(), Decimal::from_str(q).unwrap());
        if q.is_zero() {
            side.remove(&p);
        } else {
            side.insert(p, q);
        }
    }
    fn apply(&mut self, d: &DiffJson) {
        for [p, q] in &d.b {
            Self::set(&mut self.bids, p, q);
        }
        for [p, q] in &d.a {
            Self::set(&mut self.asks, p, q);
        }
        self.id = d.last;
    }
}

fn engine_book(snapshot: &SnapshotJson) -> LocalBook {
    let conv = |v: &[[String; 2]]| {
        v.iter()
            .map(|[p, q]| {
                (
                    binance_mcp::book::fixed::parse(p.as_bytes()).unwrap(),
                    binance_mcp::book::fixed::parse(q.as_bytes()).unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let mut b = LocalBook::new(Chain::Spot, DEPTH, 1000);
    b.load(
        snapshot.last_update_id,
        conv(&snapshot.bids),
        conv(&snapshot.asks),
    );
    b
}

fn map_book(snapshot: &SnapshotJson) -> MapBook {
    let mut m = MapBook {
        id: snapshot.last_update_id,
        ..Default::default()
    };
    for [p, q] in &snapshot.bids {
        MapBook::set(&mut m.bids, p, q);
    }
    for [p, q] in &snapshot.asks {
        MapBook::set(&mut m.asks, p, q);
    }
    m
}

fn apply(c: &mut Criterion) {
    let (snapshot_text, frames) = frames();
    let snapshot: SnapshotJson = serde_json::from_str(&snapshot_text).unwrap();
    let parsed: Vec<(DepthHeader, Levels)> = frames
        .iter()
        .map(|f| {
            let mut lv = Levels::default();
            match parse::parse(f, &mut lv).unwrap() {
                binance_mcp::book::Frame::Depth { header, .. } => (header, lv),
                other => panic!("{other:?}"),
            }
        })
        .collect();
    let diffs: Vec<DiffJson> = frames
        .iter()
        .map(|f| serde_json::from_str::<Envelope>(f).unwrap().data)
        .collect();
    let updates: u64 = diffs.iter().map(|d| (d.b.len() + d.a.len()) as u64).sum();

    // Both books agree after every frame (checked once, outside timing).
    let mut e = engine_book(&snapshot);
    let mut m = map_book(&snapshot);
    for ((h, lv), d) in parsed.iter().zip(&diffs) {
        e.apply(h, lv);
        m.apply(d);
    }
    let top = |e: &LocalBook| {
        e.bids()
            .iter()
            .take(50)
            .map(|l| l.price)
            .collect::<Vec<_>>()
    };
    let mtop = m
        .bids
        .keys()
        .rev()
        .take(50)
        .map(|p| binance_mcp::book::fixed::from_decimal(*p).unwrap())
        .collect::<Vec<_>>();
    assert_eq!(top(&e), mtop, "engine and BTreeMap books disagree");

    let mut g = c.benchmark_group("apply");
    g.throughput(Throughput::Elements(updates));
    g.bench_function("engine/parse+apply", |bch| {
        let base = engine_book(&snapshot);
        let mut lv = Levels::with_capacity(64);
        bch.iter_batched_ref(
            || base.clone(),
            |book| {
                for f in &frames {
                    if let Ok(binance_mcp::book::Frame::Depth { header, .. }) =
                        parse::parse(f, &mut lv)
                    {
                        black_box(book.apply(&header, &lv));
                    }
                }
            },
            criterion::BatchSize::LargeInput,
        )
    });
    g.bench_function("engine/apply", |bch| {
        let base = engine_book(&snapshot);
        bch.iter_batched_ref(
            || base.clone(),
            |book| {
                for (h, lv) in &parsed {
                    black_box(book.apply(h, lv));
                }
            },
            criterion::BatchSize::LargeInput,
        )
    });
    g.bench_function("btreemap/parse+apply", |bch| {
        let base = map_book(&snapshot);
        bch.iter_batched_ref(
            || base.clone(),
            |book| {
                for f in &frames {
                    let env: Envelope = serde_json::from_str(f).unwrap();
                    book.apply(&env.data);
                }
                black_box(book.id)
            },
            criterion::BatchSize::LargeInput,
        )
    });
    g.bench_function("btreemap/apply", |bch| {
        let base = map_book(&snapshot);
        bch.iter_batched_ref(
            || base.clone(),
            |book| {
                for d in &diffs {
                    book.apply(d);
                }
                black_box(book.id)
            },
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();

    let book = engine_book(&snapshot);
    c.bench_function("metrics/1000-levels", |bch| {
        bch.iter(|| {
            black_box(binance_mcp::book::metrics::compute(
                black_box(&book),
                &[10, 50, 100],
            ))
        })
    });

    // Memory per live symbol at 1000 levels a side.
    let e = engine_book(&snapshot);
    let engine_bytes = std::mem::size_of::<LocalBook>() + e.heap_bytes();
    // A BTreeMap node holds up to 11 entries of 32 bytes plus 8-byte edges;
    // estimated from the entries at the typical 2/3 fill.
    let entry = 2 * std::mem::size_of::<Decimal>();
    let map_bytes = std::mem::size_of::<MapBook>() + (2 * DEPTH * entry) * 3 / 2;
    eprintln!(
        "memory per symbol at {DEPTH} levels a side: engine {engine_bytes} B; BTreeMap<Decimal, Decimal> ≈ {map_bytes} B (estimate)"
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = apply
}
criterion_main!(benches);
