//! The `tools` and `call` commands and configuration errors, through the
//! real binary.

mod support;

use std::process::Output;
use support::*;

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

fn run(cmd: &mut std::process::Command) -> Output {
    cmd.output().expect("run binance-mcp")
}

#[test]
fn tools_lists_every_tool_with_plugin_and_annotations() {
    let out = run(std_command("http://127.0.0.1:9")
        .arg("--policy")
        .arg(all_tools_policy())
        .arg("tools"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for (tool, plugin) in readme_tools() {
        let line = stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(tool.as_str()))
            .unwrap_or_else(|| panic!("{tool} missing:\n{stdout}"));
        assert!(
            line.contains(&plugin) && line.contains("read-only"),
            "{line}"
        );
    }
}

// Multi-threaded: the simulator must keep serving while this thread waits on the child.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_runs_the_full_path_and_exit_codes_tell_the_outcome() {
    let sim = sim(3).await;
    let btc = sim.state().market("BTCUSDT").unwrap();
    let out = run(std_command(&sim.spot_url()).args([
        "call",
        "get_ticker_price",
        r#"{"symbol":"BTCUSDT"}"#,
    ]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(v["prices"]["BTCUSDT"], d(btc.last_price()));

    let out = run(std_command(&sim.spot_url()).args([
        "call",
        "get_ticker_price",
        r#"{"symbol":"NOPE"}"#,
    ]));
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(v["binance_code"], -1121);

    let out = run(std_command(&sim.spot_url()).args(["call", "no_such_tool"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown tool 'no_such_tool'"));

    let out = run(std_command(&sim.spot_url()).args(["call", "get_ticker_price", "[1]"]));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sim_mode_needs_no_keys_and_no_network() {
    let out = run(std_command("http://127.0.0.1:9").args([
        "--exchange",
        "sim",
        "call",
        "get_average_price",
        r#"{"symbol":"ETHUSDT"}"#,
    ]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(v["symbol"], "ETHUSDT");
    assert!(
        v["price"]
            .as_str()
            .unwrap()
            .parse::<binance_sim::Decimal>()
            .is_ok(),
        "{v}"
    );
    // Account tools too: without keys, sim mode signs with the simulator's test keys.
    let out = run(std_command("http://127.0.0.1:9").args([
        "--exchange",
        "sim",
        "call",
        "get_account_info",
    ]));
    assert!(
        out.status.success(),
        "{} {}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(v["accountType"], "SPOT");
}

#[test]
fn bad_configuration_fails_fast_naming_the_variable() {
    let cases: [(&str, &str, &str); 6] = [
        (
            "BINANCE_BASE_URL",
            "http://api.binance.com",
            "BINANCE_BASE_URL: http:// is only allowed for loopback",
        ),
        (
            "BINANCE_FUTURES_BASE_URL",
            "https://fapi.binance.com/fapi",
            "BINANCE_FUTURES_BASE_URL: expected only https://host[:port], without a path",
        ),
        (
            "BINANCE_TESTNET",
            "maybe",
            "BINANCE_TESTNET: expected true or false",
        ),
        (
            "BINANCE_BASE_URL",
            "api.binance.com",
            "BINANCE_BASE_URL: expected a https/http URL",
        ),
        (
            "BINANCE_WS_URL",
            "https://x",
            "BINANCE_WS_URL: expected a wss/ws URL",
        ),
        (
            "BINANCE_MCP_POLICY",
            "/no/such/policy.toml",
            "BINANCE_MCP_POLICY: no policy file",
        ),
    ];
    for (var, value, expected) in cases {
        let out = run(std_command("http://127.0.0.1:9")
            .env(var, value)
            .arg("tools"));
        assert_eq!(out.status.code(), Some(2), "{var}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(expected), "{var}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
        assert!(out.stdout.is_empty());
    }
    let flags: [(&[&str], &str); 4] = [
        (
            &["--call-timeout", "0"],
            "--call-timeout: expected 1 to 3600 seconds",
        ),
        (
            &["--call-timeout", "99999999999"],
            "--call-timeout: expected 1 to 3600 seconds",
        ),
        (
            &["--recv-window", "70000"],
            "--recv-window: expected milliseconds from 1 to 60000",
        ),
        (
            &["--exchange", "paper"],
            "--exchange: expected live, testnet or sim",
        ),
    ];
    for (args, expected) in flags {
        let out = run(std_command("http://127.0.0.1:9").args(args).arg("tools"));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains(expected),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let out = run(std_command("http://127.0.0.1:9")
        .env("BINANCE_API_KEY", "k")
        .arg("tools"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("BINANCE_SECRET_KEY"),
        "{}",
        text(&out.stderr)
    );
    let out = run(std_command("http://127.0.0.1:9").args(["--plugins", "/no/such/dir", "tools"]));
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("/no/such/dir"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert_eq!(
        stderr.matches("No such file or directory").count(),
        1,
        "said once: {stderr}"
    );
}

#[test]
fn two_plugins_exporting_one_tool_are_refused_naming_both() {
    // `dupe` exports get_server_time, as the built-in market plugin does.
    let out = run(std_command("http://127.0.0.1:9")
        .arg("--plugins")
        .arg(fixture_dir("dupe"))
        .arg("--policy")
        .arg(fixture_policy("dupe", &["market-data"]))
        .arg("tools"));
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("get_server_time")
            && stderr.contains("market (built-in)")
            && stderr.contains("dupe.wasm"),
        "{stderr}"
    );
}

#[test]
fn a_pinned_file_replaces_the_built_in_of_its_stanza() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("override-plugins");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let market = std::path::Path::new(env!("BINANCE_MCP_BUILTIN_PLUGIN_DIR")).join("market.wasm");
    let copy = dir.join("my-market.wasm");
    std::fs::copy(&market, &copy).unwrap();
    let policy = write_policy(
        "override.toml",
        &format!(
            "[plugins.market]\nsha256 = \"{}\"\ngrants = [\"market-data\"]\n",
            sha256_of(&copy)
        ),
    );
    let out = run(std_command("http://127.0.0.1:9")
        .arg("--plugins")
        .arg(&dir)
        .args(["policy", "check"])
        .arg(&policy));
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.contains("my-market.wasm"), "{stdout}");
    assert!(stdout.contains("get_order_book"), "{stdout}");
    assert!(
        !stdout.contains("plugin account"),
        "only what the policy names: {stdout}"
    );
}

/// The first-party plugins are inside the binary: a copy elsewhere works
/// without the build tree, and carries no path into it.
#[test]
fn the_binary_is_relocatable() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("relocated");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("binance-mcp");
    std::fs::copy(bin(), &copy).unwrap();
    let out = run(std::process::Command::new(&copy)
        .env_clear()
        .env("BINANCE_MCP_CACHE_DIR", cache_dir())
        .arg("tools"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    // The default (read-only preset) shows every table row but the
    // deposit address and the futures reads, which a policy grants.
    for (tool, _) in readme_tools()
        .into_iter()
        .filter(|(t, p)| t != "get_deposit_address" && p != "futures")
    {
        assert!(stdout.contains(&tool), "{tool} missing:\n{stdout}");
    }
    let bytes = std::fs::read(&copy).unwrap();
    let build_dir = env!("BINANCE_MCP_BUILTIN_PLUGIN_DIR").as_bytes();
    assert!(
        !bytes.windows(build_dir.len()).any(|w| w == build_dir),
        "the binary refers to the build tree"
    );
}

/// `binance-mcp tools | head -1`: a reader that goes away is no failure.
#[test]
fn a_closed_stdout_ends_the_cli_quietly() {
    use std::io::Read;
    let mut child = std_command("http://127.0.0.1:9")
        .arg("tools")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader is gone before the first line
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.trim().is_empty(), "quiet: {stderr}");
}
