//! Builds the tool plugins (`plugins/*` crates that build a `cdylib`) for `wasm32-wasip2`
//! with a nested cargo, so that a plain `cargo build` / `cargo test` /
//! `cargo run` of the host works on a fresh clone. The pattern is wasmtime's
//! `crates/test-programs/artifacts/build.rs`: a separate `CARGO_TARGET_DIR`
//! (here `target/plugins`, shared by debug and release host builds) so the
//! nested build never waits on the outer one's lock.
//!
//! The built components are copied to `$OUT_DIR/plugins` and embedded in
//! the binary (`$OUT_DIR/builtin_plugins.rs`, `include_bytes!`), so a copied
//! or `cargo install`ed binary carries its first-party plugins and needs no
//! build tree. Test fixture plugins (`tests/fixtures/*`) are built alongside
//! and copied to `$OUT_DIR/test-plugins`, never embedded.

use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-wasip2";
const PROFILE: &str = "plugin";

fn main() {
    let manifest_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest_dir
        .parent()
        .expect("host/ lives in the workspace root")
        .to_path_buf();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    for watched in [
        "plugins",
        "tests/fixtures",
        "wit",
        "Cargo.toml",
        "Cargo.lock",
        "rust-toolchain.toml",
        ".cargo/config.toml",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    println!("cargo:rerun-if-env-changed=BINANCE_MCP_SKIP_PLUGIN_BUILD");

    let dest = out_dir.join("plugins");
    let fixtures_dest = out_dir.join("test-plugins");
    println!(
        "cargo:rustc-env=BINANCE_MCP_BUILTIN_PLUGIN_DIR={}",
        dest.display()
    );
    println!(
        "cargo:rustc-env=BINANCE_MCP_TEST_PLUGIN_DIR={}",
        fixtures_dest.display()
    );
    let embed = out_dir.join("builtin_plugins.rs");
    if std::env::var_os("BINANCE_MCP_SKIP_PLUGIN_BUILD").is_some() {
        println!("cargo:warning=BINANCE_MCP_SKIP_PLUGIN_BUILD is set: plugins were not built");
        write_embedding(&embed, &dest, &[]);
        return;
    }

    check_target_installed();
    let plugins = plugin_crates(&root.join("plugins"));
    let fixtures = plugin_crates(&root.join("tests").join("fixtures"));
    let target_dir = root.join("target").join("plugins");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&root)
        .args(["build", "--target", TARGET, "--profile", PROFILE])
        .env("CARGO_TARGET_DIR", &target_dir)
        // The outer build's flags are for the host target, not for wasm.
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .env_remove("CARGO_BUILD_RUSTFLAGS");
    for p in plugins.iter().chain(&fixtures) {
        cmd.args(["-p", p]);
    }
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("could not run cargo to build the plugins: {e}"));
    if !output.status.success() {
        panic!(
            "building the plugins for {TARGET} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    let built = target_dir.join(TARGET).join(PROFILE);
    install(&built, &plugins, &dest);
    install(&built, &fixtures, &fixtures_dest);
    write_embedding(&embed, &dest, &plugins);
}

/// Write the table of embedded plugins: name, the SHA-256 of the component
/// (their identity, recorded here at build time) and the component.
fn write_embedding(file: &Path, dir: &Path, crates: &[String]) {
    use sha2::Digest;
    let mut code = String::from(
        "/// The first-party plugins compiled into this binary.\n\
         pub const BUILTIN_PLUGINS: &[crate::policy::plugins::Builtin] = &[\n",
    );
    for p in crates {
        let path = dir.join(format!("{}.wasm", p.replace('-', "_")));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        let digest: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        code.push_str(&format!(
            "    crate::policy::plugins::Builtin {{ name: {p:?}, sha256: {digest:?}, bytes: include_bytes!({:?}) }},\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n");
    std::fs::write(file, code).expect("write builtin_plugins.rs");
}

/// Copy the built components of `crates` from `built` into a fresh `dest`.
fn install(built: &Path, crates: &[String], dest: &Path) {
    let _ = std::fs::remove_dir_all(dest);
    std::fs::create_dir_all(dest).expect("create the plugin output directory");
    for p in crates {
        let file = format!("{}.wasm", p.replace('-', "_"));
        std::fs::copy(built.join(&file), dest.join(&file))
            .unwrap_or_else(|e| panic!("plugin {p} was built but {file} is missing: {e}"));
    }
}

/// Every plugin crate in `dir`: each subdirectory whose Cargo.toml builds a
/// `cdylib` (a component). Library crates there (the guest SDK, the
/// indicator library) are dependencies of plugins, not plugins.
fn plugin_crates(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .flatten()
        .filter(|e| {
            std::fs::read_to_string(e.path().join("Cargo.toml"))
                .is_ok_and(|toml| toml.contains("\"cdylib\""))
        })
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Fail with the exact command to run when the wasm target is missing
/// (machines with RUSTUP_AUTO_INSTALL=0 fetch nothing on their own).
fn check_target_installed() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let installed = sysroot.is_some_and(|s| s.join("lib").join("rustlib").join(TARGET).is_dir());
    if !installed {
        panic!(
            "\n\nThe Rust target {TARGET} is not installed, and the plugins need it.\n\
             Run, in the repository root:\n\n    rustup toolchain install\n\n\
             (or: rustup target add {TARGET})\n\n"
        );
    }
}
