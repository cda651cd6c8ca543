"""Drive the real binance-mcp binary with the official Python MCP SDK.

An independent client: it probes `server/discover` first (mode="auto", the
SDK's default), validates every tool's structuredContent against its
outputSchema, and also connects with the legacy initialize handshake. In
`--exchange sim` mode the host signs account requests with the simulator's
test keys, so a signed account tool is exercised too.

Usage: python python_sdk_client.py /path/to/binance-mcp
Prints one line per check and `N passed, N failed` at the end; exits 1 on any failure.
"""

import asyncio
import json
import sys

from mcp import Client, StdioServerParameters
from mcp.types import PromptReference

CALLS = {
    "get_server_time": {},
    "get_exchange_info": {"symbols": ["BTCUSDT", "ETHUSDT"]},
    "get_ticker": {"symbol": "BTCUSDT"},
    "get_ticker_price": {},
    "get_book_ticker": {"symbol": "ETHUSDT"},
    "get_order_book": {"symbol": "BTCUSDT", "limit": 5},
    "get_recent_trades": {"symbol": "BTCUSDT", "limit": 3},
    "get_klines": {"symbol": "BTCUSDT", "interval": "1h", "limit": 2},
    "get_indicators": {"symbol": "BTCUSDT", "indicators": ["rsi:14", "bb:20:2"]},
    "get_average_price": {"symbol": "BTCUSDT"},
    "get_orderbook_metrics": {"symbol": "BTCUSDT"},
    "get_orderbook_depth": {"symbol": "BTCUSDT", "levels": 5},
    "get_orderbook_health": {},
}

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"{'ok  ' if ok else 'FAIL'} {name}{(': ' + detail) if detail and not ok else ''}")


async def session(binary, mode):
    params = StdioServerParameters(command=binary, args=["serve", "--exchange", "sim"], env={"RUST_LOG": "warn"})
    async with Client(params, mode=mode, raise_exceptions=True) as client:
        tools = await client.list_tools()
        names = sorted(t.name for t in tools.tools)
        check(f"[{mode}] tools/list", set(CALLS) <= set(names) and "get_account_info" in names, str(names))
        for name, args in CALLS.items():
            # The SDK validates structuredContent against outputSchema here.
            result = await client.call_tool(name, args)
            good = not result.is_error and result.structured_content is not None
            same = good and json.loads(result.content[0].text) == result.structured_content
            check(f"[{mode}] {name}", good and same, str(result)[:300])
        # In sim mode without keys the host signs with the simulator's test keys.
        acct = await client.call_tool("get_account_info", {})
        check(f"[{mode}] get_account_info (signed)", not acct.is_error and acct.structured_content is not None, str(acct)[:300])
        # Prompts, resources and completion, as this SDK parses them.
        prompts = await client.list_prompts()
        pnames = [p.name for p in prompts.prompts]
        check(f"[{mode}] prompts/list", {"trading_analysis", "portfolio_risk", "market_health_check"} <= set(pnames), str(pnames))
        got = await client.get_prompt("trading_analysis", {"symbol": "BTCUSDT"})
        text = got.messages[0].content.text if got.messages else ""
        check(f"[{mode}] prompts/get trading_analysis", "RSI(14)" in text and "Last price" in text, text[:300])
        templates = await client.list_resource_templates()
        check(f"[{mode}] resources/templates/list", any(t.uri_template == "binance://market/{symbol}" for t in templates.resource_templates), str(templates)[:300])
        read = await client.read_resource("binance://market/ETHUSDT")
        body = read.contents[0].text if read.contents else ""
        check(f"[{mode}] resources/read market", body.startswith("# ETHUSDT market"), body[:300])
        done = await client.complete(PromptReference(type="ref/prompt", name="trading_analysis"), {"name": "symbol", "value": "ETH"})
        check(f"[{mode}] completion/complete symbol", "ETHUSDT" in done.completion.values, str(done)[:300])
        bad = await client.call_tool("get_ticker_price", {"symbol": "NOPE"})
        body = json.loads(bad.content[0].text) if bad.content else {}
        check(f"[{mode}] invalid symbol is a tool error", bad.is_error and body.get("binance_code") == -1121, str(bad)[:300])


async def main(binary):
    for mode in ("auto", "legacy"):
        try:
            await session(binary, mode)
        except Exception as e:  # a broken connection is a failure, not a crash of this script
            check(f"[{mode}] session", False, repr(e)[:500])
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1])))
