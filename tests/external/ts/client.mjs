// Drive the real binance-mcp binary with the official TypeScript MCP SDK.
//
// The SDK compiles every outputSchema with ajv as JSON Schema draft-07 and
// checks each structuredContent against it inside callTool (a mismatch
// throws). On top of that every schema is compiled by a *strict* ajv, which
// refuses keywords draft-07 does not know (e.g. `prefixItems`, which a lax
// validator skips silently). In `--exchange sim` mode the host signs with
// the simulator's test keys, so the account tools run too.
//
// Usage: node client.mjs /path/to/binance-mcp
// Prints one line per check and `N passed, N failed`; exits 1 on any failure.

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import Ajv from "ajv";

const binary = process.argv[2];
let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${!ok && detail ? ": " + detail : ""}`);
}

const transport = new StdioClientTransport({
  command: binary,
  args: ["serve", "--exchange", "sim", "--policy", "tests/policies/all-tools.toml"],
  env: { RUST_LOG: "warn", PATH: process.env.PATH ?? "" },
  stderr: "ignore",
});
const client = new Client({ name: "ts-sdk-check", version: "1" });
await client.connect(transport);

const { tools } = await client.listTools();
// Unknown keywords and ignored tuple forms are refused; `required` names
// outside `properties` and union types are allowed (valid draft-07; only
// style rules).
const strict = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
for (const t of tools) {
  try {
    strict.compile(t.outputSchema);
    strict.compile(t.inputSchema);
    check(`${t.name}: schemas compile as strict draft-07`, true);
  } catch (e) {
    check(`${t.name}: schemas compile as strict draft-07`, false, String(e));
  }
}

const calls = {
  get_server_time: {},
  get_exchange_info: { symbols: ["BTCUSDT", "ETHUSDT"] },
  get_ticker: {},
  get_ticker_price: {},
  get_book_ticker: {},
  get_order_book: { symbol: "BTCUSDT", limit: 5 },
  get_recent_trades: { symbol: "BTCUSDT", limit: 3 },
  get_klines: { symbol: "BTCUSDT", interval: "1h", limit: 2, startTime: "2020-01-01" },
  get_indicators: { symbol: "BTCUSDT", indicators: ["macd", "atr:14", "vwap"] },
  get_average_price: { symbol: "BTCUSDT" },
  get_orderbook_metrics: { symbol: "BTCUSDT" },
  get_orderbook_depth: { symbol: "BTCUSDT", levels: 5 },
  get_orderbook_health: {},
  get_account_info: {},
  get_account_trades: { symbol: "BTCUSDT" },
  get_open_orders: {},
  get_all_orders: { symbol: "BTCUSDT" },
  get_fee_info: { symbol: "BTCUSDT" },
  get_account_snapshot: {},
  get_pnl: {},
  get_deposit_history: {},
  get_withdraw_history: {},
  get_universal_transfer_history: { type: "MAIN_FUNDING" },
  get_deposit_address: { coin: "BTC" },
  get_futures_account: {},
  get_futures_positions: {},
  get_funding_rate: { symbol: "BTCUSDT" },
  get_futures_open_orders: {},
  get_futures_income: {},
  get_liquidation_history: {},
  get_chart: { symbol: "BTCUSDT", limit: 30 },
};
/** Deep equality of parsed JSON, object member order aside. */
function sameJson(a, b) {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return sameJson(ka, kb) && ka.every((k) => sameJson(a[k], b[k]));
  }
  return a === b;
}

const results = {};
for (const [name, args] of Object.entries(calls)) {
  try {
    // The SDK validates structuredContent against outputSchema here.
    const r = await client.callTool({ name, arguments: args });
    const same = !r.isError && sameJson(JSON.parse(r.content[0].text), r.structuredContent);
    results[name] = r.structuredContent;
    const imageOk = name !== "get_chart" || (r.content[1]?.type === "image" && r.content[1]?.mimeType === "image/png" && Buffer.from(r.content[1].data, "base64").subarray(1, 4).toString() === "PNG");
    check(name, !r.isError && r.structuredContent !== undefined && same && imageOk, JSON.stringify(r).slice(0, 300));
  } catch (e) {
    check(name, false, String(e).slice(0, 300));
  }
}
const orderId = results.get_all_orders?.orders?.[0]?.orderId;
try {
  const r = await client.callTool({ name: "get_order", arguments: { symbol: "BTCUSDT", orderId } });
  check("get_order", !r.isError && r.structuredContent?.order?.orderId === orderId, JSON.stringify(r).slice(0, 300));
} catch (e) {
  check("get_order", false, String(e).slice(0, 300));
}
const listed = new Set(tools.map((t) => t.name));
const called = new Set([...Object.keys(calls), "get_order"]);
check("every listed tool was called", [...listed].every((n) => called.has(n)), [...listed].filter((n) => !called.has(n)).join(","));

// Prompts, resources and completion through this SDK's own schemas.
try {
  const { prompts } = await client.listPrompts();
  check("prompts/list", ["trading_analysis", "portfolio_risk", "market_health_check"].every((n) => prompts.some((p) => p.name === n)), JSON.stringify(prompts).slice(0, 300));
  const p = await client.getPrompt({ name: "market_health_check", arguments: { symbol: "BTCUSDT" } });
  check("prompts/get market_health_check", p.messages[0]?.content?.text?.includes("Market health check: BTCUSDT"), JSON.stringify(p).slice(0, 300));
  const risk = await client.getPrompt({ name: "portfolio_risk", arguments: {} });
  check("prompts/get portfolio_risk embeds a resource", risk.messages[0]?.content?.type === "resource", JSON.stringify(risk).slice(0, 300));
  const { resources } = await client.listResources();
  check("resources/list", resources.some((r) => r.uri === "binance://account/balances"), JSON.stringify(resources).slice(0, 300));
  const r = await client.readResource({ uri: "binance://account/balances" });
  check("resources/read balances", r.contents[0]?.text?.includes("| Asset | Free |"), JSON.stringify(r).slice(0, 300));
  const c = await client.complete({ ref: { type: "ref/resource", uri: "binance://market/{symbol}" }, argument: { name: "symbol", value: "BTC" } });
  check("completion/complete", c.completion.values.includes("BTCUSDT"), JSON.stringify(c).slice(0, 300));
} catch (e) {
  check("prompts and resources", false, String(e).slice(0, 300));
}

await client.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
