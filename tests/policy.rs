//! Operator policy files and plugin identity, through the real binary:
//! `policy check` of every preset and of broken files, pinned and unpinned
//! plugins, the ABI check, manifest bounds, the gate's refusals, the
//! per-plugin weight share, and reloading on SIGHUP and on file change.

mod support;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};
use support::raw::{tool_body, Raw};
use support::*;

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

fn offline() -> std::process::Command {
    std_command("http://127.0.0.1:9")
}

fn run(cmd: &mut std::process::Command) -> Output {
    cmd.output().expect("run binance-mcp")
}

fn preset(name: &str) -> PathBuf {
    repo_root().join("policies").join(name)
}

fn built_fixture(file: &str) -> PathBuf {
    PathBuf::from(env!("BINANCE_MCP_TEST_PLUGIN_DIR")).join(file)
}

/// A fresh directory under the test tmpdir.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn every_preset_passes_policy_check_and_only_the_trading_ones_trade() {
    for name in [
        "read-only.toml",
        "testnet-trading.toml",
        "live-conservative.toml",
    ] {
        let out = run(offline().args(["policy", "check"]).arg(preset(name)));
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        assert!(stdout.contains(": valid"), "{name}: {stdout}");
        assert!(stdout.contains("grant market-data"), "{stdout}");
        assert!(stdout.contains("tools a model sees"), "{stdout}");
        let trades = stdout.contains("grant spot-trade");
        assert_eq!(trades, name != "read-only.toml", "{name}: {stdout}");
        assert!(
            stdout.contains("hidden get_deposit_address: needs deposit-address"),
            "{stdout}"
        );
    }
    // The testnet has no wallet endpoints: its preset hides those tools.
    let out = run(offline()
        .args(["policy", "check"])
        .arg(preset("testnet-trading.toml")));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("hidden get_deposit_history: needs wallet-read"),
        "{stdout}"
    );
    // `tools --policy` lists exactly what `policy check` says is shown.
    let out = run(offline()
        .arg("--policy")
        .arg(preset("testnet-trading.toml"))
        .arg("tools"));
    let tools = text(&out.stdout);
    assert!(tools.contains("get_account_info"), "{tools}");
    assert!(!tools.contains("get_deposit_history"), "{tools}");
}

#[test]
fn broken_policy_files_are_refused_with_file_line_and_column() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "unknown-key.toml",
            "[plugins.market]\ngrants = [\"market-data\"]\nenable = true\n",
            ":3:1: unknown field `enable`",
        ),
        (
            "wrong-type.toml",
            "[plugins.market]\nenabled = \"yes\"\ngrants = []\n",
            ":2:11: ",
        ),
        (
            "unknown-capability.toml",
            "[plugins.market]\ngrants = [\"market-data\", \"spot-trading\"]\n",
            ":2:26: plugins.market.grants: unknown capability 'spot-trading'",
        ),
        (
            "unknown-tool.toml",
            "[plugins.market]\ngrants = [\"market-data\"]\ndeny_tools = [\"get_tikcer\"]\n",
            ":3:15: plugins.market.deny_tools: plugin market has no tool 'get_tikcer'",
        ),
        (
            "unpinned-path.toml",
            "[plugins.x]\ngrants = []\npath = \"x.wasm\"\n",
            ":3:8: plugins.x.path needs a pin",
        ),
        (
            "not-a-plugin.toml",
            "[plugins.marekt]\ngrants = [\"market-data\"]\n",
            ":1:10: plugins.marekt: not a built-in plugin",
        ),
        ("not-toml.toml", "[plugins.market\n", ":1:"),
    ];
    for (name, body, expected) in cases {
        let file = write_policy(name, body);
        let out = run(offline().args(["policy", "check"]).arg(&file));
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        let want = format!("{}{expected}", file.display());
        assert!(stderr.contains(&want), "{name}: want {want:?} in {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        // Serving under it is refused the same way, before anything starts.
        let out = run(offline().arg("--policy").arg(&file).arg("tools"));
        assert!(!out.status.success(), "{name}");
        assert!(
            text(&out.stderr).contains(&want),
            "{name}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn a_renamed_hostile_plugin_is_refused_with_the_stanza_to_add() {
    // The reproduction: a hostile component saved as account.wasm.
    let dir = scratch("hostile-account");
    std::fs::copy(built_fixture("misbehave.wasm"), dir.join("account.wasm")).unwrap();
    let out = run(offline().arg("--plugins").arg(&dir).arg("tools"));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let digest = sha256_of(&dir.join("account.wasm"));
    assert!(
        stderr.contains("account.wasm is not pinned by built-in read-only policy"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("sha256 = \"{digest}\"")),
        "{stderr}"
    );
    assert!(stderr.contains("plugin inspect"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(text(&out.stdout).is_empty());

    // Pinned under its own name it loads — with its stanza's grants, not
    // account's: it cannot read the account.
    let policy = format!(
        "{}\n[plugins.misbehave]\nsha256 = \"{digest}\"\ngrants = [\"market-data\"]\n",
        std::fs::read_to_string(preset("read-only.toml")).unwrap()
    );
    let policy = write_policy("hostile-pinned.toml", &policy);
    let out = run(offline()
        .env("BINANCE_API_KEY", "k")
        .env("BINANCE_SECRET_KEY", "s")
        .arg("--plugins")
        .arg(&dir)
        .arg("--policy")
        .arg(&policy)
        .args(["call", "read_account"]));
    let body: Value = serde_json::from_slice(&out.stdout).expect("a tool error");
    assert_eq!(body["code"], -32006, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("account-read"),
        "{body}"
    );
    // Pinned under `account`'s name it is refused: the manifest says misbehave.
    let policy = format!(
        "[plugins.account]\nsha256 = \"{digest}\"\ngrants = [\"account-read\"]\n[plugins.market]\ngrants = [\"market-data\"]\n"
    );
    let policy = write_policy("hostile-as-account.toml", &policy);
    let out = run(offline()
        .arg("--plugins")
        .arg(&dir)
        .arg("--policy")
        .arg(&policy)
        .arg("tools"));
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("it calls itself 'misbehave'"), "{stderr}");
}

#[test]
fn a_pinned_plugin_whose_file_changed_is_refused() {
    let dir = scratch("pinned-changed");
    let file = dir.join("extra.wasm");
    std::fs::copy(built_fixture("misbehave.wasm"), &file).unwrap();
    let old = sha256_of(&file);
    let policy = write_policy(
        "pinned-changed.toml",
        &format!(
            "[plugins.misbehave]\npath = {:?}\nsha256 = \"{old}\"\ngrants = [\"market-data\"]\n",
            file.display().to_string()
        ),
    );
    let out = run(offline().args(["policy", "check"]).arg(&policy));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("extra.wasm"),
        "{}",
        text(&out.stdout)
    );
    // The file is replaced by another component.
    std::fs::copy(built_fixture("dupe.wasm"), &file).unwrap();
    let out = run(offline().arg("--policy").arg(&policy).arg("tools"));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(":3:10: plugins.misbehave.sha256 pins a different component"),
        "{stderr}"
    );
    assert!(stderr.contains(&sha256_of(&file)), "{stderr}");
}

#[test]
fn a_plugin_of_another_abi_version_is_refused_naming_both() {
    let file = built_fixture("old_abi.wasm");
    let out = run(offline().args(["plugin", "inspect"]).arg(&file));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("binance:mcp@0.2.0"), "{stderr}");
    assert!(
        stderr.contains("this host links binance:mcp@0.8.0"),
        "{stderr}"
    );
    assert!(stderr.contains("rebuild"), "{stderr}");
    // Loading it under a pin fails the same way, at start-up.
    let policy = write_policy(
        "old-abi.toml",
        &format!(
            "[plugins.old-abi]\npath = {:?}\nsha256 = \"{}\"\ngrants = [\"market-data\"]\n",
            file.display().to_string(),
            sha256_of(&file)
        ),
    );
    let out = run(offline().arg("--policy").arg(&policy).arg("tools"));
    assert!(
        text(&out.stderr).contains("binance:mcp@0.2.0"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn plugin_inspect_prints_identity_tools_and_a_stanza_that_loads() {
    let file = built_fixture("misbehave.wasm");
    let out = run(offline().args(["plugin", "inspect"]).arg(&file));
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let digest = sha256_of(&file);
    for want in [
        format!("sha256:  {digest}"),
        "name:    misbehave".to_string(),
        "abi:     binance:mcp@0.8.0".to_string(),
        "binance:mcp/exchange".to_string(),
        "write_while_read_only".to_string(),
        "[plugins.misbehave]".to_string(),
    ] {
        assert!(stdout.contains(&want), "{want}: {stdout}");
    }
    // The stanza, pasted under the read-only preset, is a valid policy.
    let stanza = &stdout[stdout.find("[plugins.misbehave]").unwrap()..];
    let policy = format!(
        "{}\n{stanza}",
        std::fs::read_to_string(preset("read-only.toml")).unwrap()
    );
    let policy = write_policy("inspected.toml", &policy);
    let out = run(offline().args(["policy", "check"]).arg(&policy));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("snoop"));
}

#[test]
fn manifests_are_bounded_in_time_and_size() {
    for (file, expected) in [
        (
            "manifest_spin.wasm",
            "get-manifest did not finish within 5 s",
        ),
        (
            "manifest_bomb.wasm",
            "it declares 2020 tools; a plugin may declare at most 64",
        ),
    ] {
        let path = built_fixture(file);
        let name = file.trim_end_matches(".wasm").replace('_', "-");
        let policy = write_policy(
            &format!("{name}.toml"),
            &format!(
                "[plugins.{name}]\npath = {:?}\nsha256 = \"{}\"\ngrants = []\n",
                path.display().to_string(),
                sha256_of(&path)
            ),
        );
        let started = Instant::now();
        let out = run(offline().arg("--policy").arg(&policy).arg("tools"));
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{file}: {stderr}");
        assert!(stderr.contains(expected), "{file}: {stderr}");
        assert!(stderr.contains(file), "names the plugin: {stderr}");
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
    }
}

#[test]
fn a_read_only_tool_that_writes_is_refused_and_logged_as_a_fault() {
    let out = run(offline()
        .env("RUST_LOG", "warn")
        .env("BINANCE_API_KEY", "k")
        .env("BINANCE_SECRET_KEY", "s")
        .arg("--plugins")
        .arg(fixture_dir("misbehave"))
        .arg("--policy")
        .arg(fixture_policy(
            "misbehave",
            &["market-data", "account-read"],
        ))
        .args(["call", "write_while_read_only"]));
    let body: Value = serde_json::from_slice(&out.stdout).expect("a tool error");
    assert_eq!(body["code"], -32006, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("declared read-only and may not send POST /api/v3/order"),
        "{body}"
    );
    assert!(
        text(&out.stderr).contains("plugin fault"),
        "{}",
        text(&out.stderr)
    );
}

/// Far enough from the end of the minute that three quick calls land in one.
fn settle_into_a_minute() {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let into = ms % 60_000;
    if into > 45_000 {
        std::thread::sleep(Duration::from_millis(60_000 - into + 1_500));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugins_weight_share_holds_and_others_keep_theirs() {
    let sim = sim(21).await;
    // market may spend 10% of spot's 6000 a minute: two depth-5000 books (250 each).
    let policy = write_policy(
        "share.toml",
        "[plugins.market]\ngrants = [\"market-data\"]\nmax_weight_percent = 10\n\
         [plugins.account]\ngrants = [\"market-data\", \"account-read\"]\nmax_weight_percent = 50\n",
    );
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    cmd.env("BINANCE_API_KEY", binance_sim::SIM_API_KEY)
        .env("BINANCE_SECRET_KEY", binance_sim::SIM_SECRET_KEY)
        .args(["--call-timeout", "3", "--policy"])
        .arg(&policy);
    settle_into_a_minute();
    let client = connect_with(cmd, rmcp::model::ProtocolVersion::V_2025_11_25).await;
    let book = json!({"symbol": "BTCUSDT", "limit": 5000});
    ok(&client, "get_order_book", book.clone()).await;
    ok(&client, "get_order_book", book.clone()).await;
    let e = err(&client, "get_order_book", book).await;
    assert_eq!(e["code"], -32001, "{e}");
    let message = e["message"].as_str().unwrap();
    assert!(message.contains("plugin 'market'"), "{e}");
    assert!(message.contains("max_weight_percent = 10"), "{e}");
    assert!(
        e["retry_after_secs"].as_u64().is_some_and(|s| s >= 1),
        "{e}"
    );
    assert_eq!(e["data"]["plugin_weight_limit"], 600, "{e}");
    // The account plugin still has its own share.
    ok(&client, "get_account_info", json!({})).await;
    client.cancel().await.ok();
}

async fn tool_names(raw: &mut Raw, id: i64) -> Vec<String> {
    raw.send(&json!({"jsonrpc":"2.0","id":id,"method":"tools/list"}))
        .await;
    let r = raw.response(id).await;
    r["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

/// Wait up to `wait` for `notifications/tools/list_changed`.
async fn list_changed(raw: &mut Raw, wait: Duration) -> bool {
    notified(raw, "notifications/tools/list_changed", wait).await
}

/// Wait up to `wait` for a notification `method`.
async fn notified(raw: &mut Raw, method: &str, wait: Duration) -> bool {
    let until = Instant::now() + wait;
    while let Some(left) = until.checked_duration_since(Instant::now()) {
        match raw.next_within(left).await {
            Some(m) if m["method"] == method => return true,
            Some(_) => continue,
            None => return false,
        }
    }
    false
}

fn hangup(raw: &Raw) {
    let pid = raw.child.id().expect("running").to_string();
    let status = std::process::Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .expect("run kill");
    assert!(status.success());
}

fn replace(path: &Path, text: &str) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_and_file_changes_apply_a_valid_policy_and_keep_the_old_on_an_invalid_one() {
    let sim = sim(22).await;
    let read_only = std::fs::read_to_string(preset("read-only.toml")).unwrap();
    let policy = write_policy("reload.toml", &read_only);
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    cmd.env("RUST_LOG", "info").arg("--policy").arg(&policy);
    let mut raw = Raw::initialized(cmd).await;
    let before = tool_names(&mut raw, 1).await;
    assert!(before.contains(&"get_ticker_price".to_string()));

    // SIGHUP applies a valid policy: the tool disappears and the client is told.
    let hidden = read_only.replace(
        "grants = [\"market-data\", \"order-book\"]\nmax_weight_percent = 50",
        "grants = [\"market-data\", \"order-book\"]\nmax_weight_percent = 50\ndeny_tools = [\"get_ticker_price\"]",
    );
    assert_ne!(hidden, read_only);
    replace(&policy, &hidden);
    hangup(&raw);
    assert!(
        list_changed(&mut raw, Duration::from_secs(10)).await,
        "no list_changed"
    );
    // The prompts and resources a policy serves may change with it too.
    for method in [
        "notifications/prompts/list_changed",
        "notifications/resources/list_changed",
    ] {
        assert!(
            notified(&mut raw, method, Duration::from_secs(5)).await,
            "no {method}"
        );
    }
    let after = tool_names(&mut raw, 2).await;
    assert!(
        !after.contains(&"get_ticker_price".to_string()),
        "{after:?}"
    );
    assert_eq!(after.len(), before.len() - 1);
    raw.call(3, "get_ticker_price", json!({"symbol":"BTCUSDT"}))
        .await;
    let r = raw.response(3).await;
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown tool"),
        "{r}"
    );

    // An invalid file is rejected (logged) and the policy in force stays.
    replace(&policy, &format!("{hidden}\nsurprise = 1\n"));
    hangup(&raw);
    assert!(
        !list_changed(&mut raw, Duration::from_secs(3)).await,
        "an invalid policy was applied"
    );
    assert_eq!(tool_names(&mut raw, 4).await, after);
    raw.call(5, "get_server_time", json!({})).await;
    let (failed, body) = tool_body(&raw.response(5).await);
    assert!(!failed, "{body}");

    // A change to the file alone (no signal) is picked up too.
    replace(&policy, &read_only);
    assert!(
        list_changed(&mut raw, Duration::from_secs(10)).await,
        "no reload on change"
    );
    assert_eq!(tool_names(&mut raw, 6).await, before);

    let (_, stderr) = raw.finish(Duration::from_secs(10)).await;
    assert!(stderr.contains("reload.toml:"), "{stderr}");
    assert!(stderr.contains("unknown field `surprise`"), "{stderr}");
    assert!(
        stderr.contains("the previous policy stays in force"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// The reproduction: a hostile component's compiled artifact copied under
/// the genuine plugin's cache name. The binary must run the genuine plugin.
#[test]
fn a_planted_cache_artifact_does_not_run() {
    let genuine = scratch("planted-cache-genuine");
    let hostile = scratch("planted-cache-hostile");
    // The genuine market artifact, and a misbehave artifact from the same binary.
    let out = run(offline().arg("--cache-dir").arg(&genuine).arg("tools"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(offline()
        .arg("--cache-dir")
        .arg(&hostile)
        .arg("--plugins")
        .arg(fixture_dir("misbehave"))
        .arg("--policy")
        .arg(fixture_policy("misbehave", &["market-data"]))
        .arg("tools"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let find = |dir: &Path, prefix: &str| {
        std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                let n = p.file_name().unwrap().to_string_lossy();
                n.starts_with(prefix) && n.ends_with(".cwasm")
            })
            .unwrap_or_else(|| panic!("no {prefix} artifact in {}", dir.display()))
    };
    let market = find(&genuine, "market-");
    std::fs::copy(find(&hostile, "misbehave-"), &market).unwrap();
    let planted = std::fs::read(&market).unwrap();

    let out = run(offline()
        .env("RUST_LOG", "warn")
        .arg("--cache-dir")
        .arg(&genuine)
        .arg("tools"));
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.contains("get_order_book"), "{stdout}");
    assert!(!stdout.contains("spin"), "the planted plugin ran: {stdout}");
    assert!(
        text(&out.stderr).contains("market-"),
        "{}",
        text(&out.stderr)
    );
    assert_ne!(std::fs::read(&market).unwrap(), planted, "replaced");

    // A cache others may write to is not used at all.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&genuine, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = run(offline()
        .env("RUST_LOG", "warn")
        .arg("--cache-dir")
        .arg(&genuine)
        .arg("tools"));
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("chmod 700"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_file_that_is_not_a_component_is_refused_in_one_line() {
    let file = write_policy("not-a-component.wasm", "[plugins.x]\n");
    let out = run(offline().args(["plugin", "inspect"]).arg(&file));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("is not a valid component"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
}
