//! Shared helpers for the integration tests: start the simulator in-process,
//! start the real `binance-mcp` binary against it, and talk MCP to it with
//! rmcp's client over stdio.
#![allow(dead_code)]

pub mod asker;
pub mod raw;
pub mod trading;

use binance_sim::{SimConfig, Simulator};
use rmcp::model::{CallToolRequestParams, CallToolResult, ClientConfig, ProtocolVersion};
use rmcp::service::RunningService;
use rmcp::transport::TokioChildProcess;
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Mutex;
use tokio::process::Command;

/// The binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_binance-mcp"))
}

/// A compiled-component cache shared by every test run, so only the first
/// test pays for compiling the plugins.
pub fn cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("component-cache")
}

/// A plugin directory holding only the test fixture `name` (from
/// `tests/fixtures/<name>`), which the host loads beside its built-in
/// plugins. Made once per fixture; the copy is atomic, so tests running in
/// parallel never see half a file.
pub fn fixture_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("fixture-{name}"));
    let file = dir.join(format!("{name}.wasm"));
    let built = PathBuf::from(env!("BINANCE_MCP_TEST_PLUGIN_DIR")).join(format!("{name}.wasm"));
    // Copied again whenever the build changed it (a stale copy would be
    // another component).
    let fresh = std::fs::read(&file).ok() == std::fs::read(&built).ok();
    if !fresh {
        std::fs::create_dir_all(&dir).expect("create the fixture directory");
        let tmp = dir.join(format!(
            ".{name}.{}.{:?}.tmp",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::copy(&built, &tmp).expect("copy the fixture plugin");
        std::fs::rename(&tmp, &file).expect("install the fixture plugin");
    }
    dir
}

/// The repository's root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host/ is in the repository")
        .to_path_buf()
}

/// The read-only preset plus the `deposit-address` grant: every
/// first-party tool is shown.
pub fn all_tools_policy() -> PathBuf {
    repo_root().join("tests/policies/all-tools.toml")
}

/// The SHA-256 of a file, hex.
pub fn sha256_of(path: &std::path::Path) -> String {
    use sha2::Digest;
    let bytes = std::fs::read(path).expect("read the file to hash");
    sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Write `text` to a fresh policy file `name` under the test tmpdir
/// (atomically: tests run in parallel).
pub fn write_policy(name: &str, text: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("policies");
    std::fs::create_dir_all(&dir).expect("create the policy directory");
    let file = dir.join(name);
    let tmp = dir.join(format!(
        ".{name}.{}.{:?}.tmp",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&tmp, text).expect("write the policy");
    std::fs::rename(&tmp, &file).expect("install the policy");
    file
}

/// The read-only preset plus a stanza pinning test fixture `name` (whose
/// manifest name is `name` with `_` as `-`), granted `grants`: the policy to
/// pass with `--plugins fixture_dir(name)`.
pub fn fixture_policy(name: &str, grants: &[&str]) -> PathBuf {
    let file = fixture_dir(name).join(format!("{name}.wasm"));
    let preset = std::fs::read_to_string(repo_root().join("policies/read-only.toml"))
        .expect("read the read-only preset");
    let grants: Vec<String> = grants.iter().map(|g| format!("{g:?}")).collect();
    let text = format!(
        "{preset}\n[plugins.{}]\nsha256 = \"{}\"\ngrants = [{}]\n",
        name.replace('_', "-"),
        sha256_of(&file),
        grants.join(", ")
    );
    write_policy(
        &format!("fixture-{name}-{}.toml", grants.join("-").replace('"', "")),
        &text,
    )
}

/// Start a simulator with `seed` on a free loopback port.
pub async fn sim(seed: u64) -> Simulator {
    Simulator::start(SimConfig {
        seed,
        port: 0,
        ..Default::default()
    })
    .await
    .expect("start the simulator")
}

/// The binary with a clean environment pointed at `spot_url`.
pub fn command(spot_url: &str, futures_url: &str) -> Command {
    let mut cmd = Command::new(bin());
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .env("BINANCE_BASE_URL", spot_url)
        .env("BINANCE_FUTURES_BASE_URL", futures_url)
        // The simulator's market streams are on the same server.
        .env("BINANCE_WS_URL", spot_url.replacen("http://", "ws://", 1))
        .env(
            "BINANCE_FUTURES_WS_URL",
            futures_url.replacen("http://", "ws://", 1),
        )
        .env("BINANCE_MCP_CACHE_DIR", cache_dir());
    cmd
}

/// The same as a blocking `std` command (for CLI tests).
pub fn std_command(spot_url: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new(bin());
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("BINANCE_BASE_URL", spot_url)
        .env("BINANCE_FUTURES_BASE_URL", spot_url)
        .env("BINANCE_MCP_CACHE_DIR", cache_dir());
    cmd
}

/// An MCP client that initializes with a chosen protocol revision.
#[derive(Clone)]
pub struct TestClient {
    pub version: ProtocolVersion,
}

impl ClientHandler for TestClient {
    fn get_info(&self) -> ClientConfig {
        let mut info = ClientConfig::default();
        info.protocol_version = self.version.clone();
        info
    }
}

pub type Client = RunningService<RoleClient, TestClient>;

/// Start `binance-mcp serve` with `cmd`'s environment and initialize with `version`.
pub async fn connect_with(mut cmd: Command, version: ProtocolVersion) -> Client {
    cmd.arg("serve");
    let transport = TokioChildProcess::new(cmd).expect("spawn binance-mcp serve");
    TestClient { version }
        .serve(transport)
        .await
        .expect("MCP initialize")
}

/// Start `binance-mcp serve` against `sim` with the 2025-11-25 revision.
pub async fn connect(sim: &Simulator) -> Client {
    connect_with(
        command(&sim.spot_url(), &sim.futures_url()),
        ProtocolVersion::V_2025_11_25,
    )
    .await
}

/// Call a tool; returns (is_error, JSON body). The body is the structured
/// content for a success and the parsed text for an error.
pub async fn call(client: &Client, tool: &str, args: Value) -> (bool, Value) {
    let mut params = CallToolRequestParams::new(tool.to_string());
    if let Value::Object(map) = args {
        params = params.with_arguments(map);
    }
    let result: CallToolResult = client.peer().call_tool(params).await.expect("tools/call");
    body(&result)
}

/// The JSON of a result, checking that text and structured content agree.
pub fn body(result: &CallToolResult) -> (bool, Value) {
    let is_error = result.is_error == Some(true);
    let text = result
        .content
        .iter()
        .find_map(|c| c.as_text())
        .expect("a text block")
        .text
        .clone();
    let parsed: Value = serde_json::from_str(&text).expect("the text block is JSON");
    if let Some(structured) = &result.structured_content {
        assert_eq!(structured, &parsed, "structuredContent and text differ");
    } else {
        assert!(is_error, "a success must carry structuredContent");
    }
    (is_error, parsed)
}

/// Call a tool that must succeed; returns its output.
pub async fn ok(client: &Client, tool: &str, args: Value) -> Value {
    let (is_error, body) = call(client, tool, args.clone()).await;
    assert!(!is_error, "{tool} {args} failed: {body}");
    body
}

/// Call a tool that must fail; returns the error body.
pub async fn err(client: &Client, tool: &str, args: Value) -> Value {
    let (is_error, body) = call(client, tool, args.clone()).await;
    assert!(is_error, "{tool} {args} should have failed: {body}");
    for key in ["code", "message", "recovery"] {
        assert!(body.get(key).is_some(), "error without {key}: {body}");
    }
    body
}

/// A decimal as the tools print it (normalised, exact).
pub fn d(x: binance_sim::Decimal) -> Value {
    Value::String(x.normalize().to_string())
}

/// A millisecond time as the tools write it (ISO-8601 UTC).
pub fn iso(ms: i64) -> Value {
    Value::String(binance_mcp_plugin::time::iso8601_ms(ms))
}

/// A `columns` + `rows` answer as one object per row, for readable checks.
/// Panics (failing the test) when a row's width differs from the header's.
pub fn table(answer: &Value) -> Vec<serde_json::Map<String, Value>> {
    let columns: Vec<&str> = answer["columns"]
        .as_array()
        .unwrap_or_else(|| panic!("no columns: {answer}"))
        .iter()
        .map(|c| c.as_str().expect("column names are strings"))
        .collect();
    answer["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("no rows: {answer}"))
        .iter()
        .map(|row| {
            let cells = row.as_array().expect("a row is an array");
            assert_eq!(cells.len(), columns.len(), "row width: {row}");
            columns
                .iter()
                .map(|c| c.to_string())
                .zip(cells.iter().cloned())
                .collect()
        })
        .collect()
}

/// The README's tool table: (tool, plugin) rows between the markers.
pub fn readme_tools() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let start = readme
        .find("<!-- tools:start -->")
        .expect("tools:start marker in README");
    let end = readme
        .find("<!-- tools:end -->")
        .expect("tools:end marker in README");
    readme[start..end]
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].trim_matches('`').to_string(), cells[2].to_string())
        })
        .collect()
}

/// Validate every successful output against the tool's outputSchema, and
/// remember which tools were validated.
pub struct Schemas {
    /// Per tool, its outputSchema compiled as draft-07 (the TypeScript SDK)
    /// and as 2020-12 (the MCP default, the Python SDK).
    pub validators: HashMap<String, [jsonschema::Validator; 2]>,
    seen: Mutex<BTreeSet<String>>,
}

/// `schema` compiled by a draft-07 and a 2020-12 validator, after checking it
/// against both meta-schemas.
pub fn both_dialects(name: &str, schema: &Value) -> [jsonschema::Validator; 2] {
    if let Err(e) = jsonschema::draft7::meta::validate(schema) {
        panic!("{name}: not a valid draft-07 schema: {e}\n{schema}");
    }
    if let Err(e) = jsonschema::draft202012::meta::validate(schema) {
        panic!("{name}: not a valid 2020-12 schema: {e}\n{schema}");
    }
    [
        jsonschema::draft7::new(schema)
            .unwrap_or_else(|e| panic!("{name}: draft-07 cannot compile it: {e}")),
        jsonschema::draft202012::new(schema)
            .unwrap_or_else(|e| panic!("{name}: 2020-12 cannot compile it: {e}")),
    ]
}

impl Schemas {
    pub async fn load(client: &Client) -> Self {
        let mut validators = HashMap::new();
        for t in client.peer().list_all_tools().await.unwrap() {
            let schema = Value::Object(
                t.output_schema
                    .clone()
                    .expect("outputSchema")
                    .as_ref()
                    .clone(),
            );
            validators.insert(t.name.to_string(), both_dialects(&t.name, &schema));
        }
        Schemas {
            validators,
            seen: Mutex::new(BTreeSet::new()),
        }
    }

    /// Call `tool`, expect success, and check the structured output against
    /// its outputSchema in both dialects.
    pub async fn ok(&self, client: &Client, tool: &str, args: Value) -> Value {
        let out = ok(client, tool, args).await;
        self.check(tool, &out);
        out
    }

    /// Check `out` against `tool`'s outputSchema in both dialects.
    pub fn check(&self, tool: &str, out: &Value) {
        let [draft7, draft2020] = self
            .validators
            .get(tool)
            .unwrap_or_else(|| panic!("{tool} is not listed"));
        for (dialect, v) in [("draft-07", draft7), ("2020-12", draft2020)] {
            if let Err(e) = v.validate(out) {
                panic!("{tool} output does not match its outputSchema ({dialect}): {e}\n{out}");
            }
        }
        self.seen.lock().unwrap().insert(tool.to_string());
    }

    pub fn seen(&self) -> BTreeSet<String> {
        self.seen.lock().unwrap().clone()
    }
}
