//! Which components load, and under which stanza: plugin identity.
//!
//! A plugin is identified by the SHA-256 of its component, never by its
//! file name. The first-party plugins are embedded in the binary with the
//! digest recorded at build time and load under their own stanza by name; a
//! component from a file (`--plugins DIR`, or a stanza's `path`) loads only
//! when a stanza pins its digest, and it gets that stanza's grants. A file
//! nobody pinned stops start-up with one line saying what to add: a hostile
//! component saved as `account.wasm` gets nothing of `account`'s.

use super::{Digest, PluginPolicy, Policy, PolicyError};
use crate::runtime::plugin::PluginSource;
use std::path::{Path, PathBuf};

/// A first-party plugin compiled into the binary (`host/build.rs`).
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    pub name: &'static str,
    /// SHA-256 of `bytes`, hex, recorded when the binary was built.
    pub sha256: &'static str,
    pub bytes: &'static [u8],
}

impl Builtin {
    /// The recorded digest.
    pub fn digest(&self) -> Digest {
        // build.rs writes 64 hex digits; an unreadable record matches nothing.
        Digest::from_hex(self.sha256).unwrap_or(Digest([0; 32]))
    }
}

/// One plugin to load: its stanza and its component.
#[derive(Debug, Clone)]
pub struct Planned {
    pub stanza: PluginPolicy,
    pub source: PluginSource,
}

/// Why the plugins of a policy cannot be chosen.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error("cannot read the plugin directory {dir}: {reason}; pass --plugins an existing directory of *.wasm components")]
    Dir { dir: String, reason: String },
    #[error("cannot read plugin {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("plugin {path} is not pinned by {policy}: to load it, add a stanza with sha256 = \"{digest}\" and its grants to a policy file (`binance-mcp plugin inspect {path}` prints one to paste)")]
    Unpinned {
        path: String,
        digest: Digest,
        policy: String,
    },
}

/// Every `*.wasm` in `dir`, in name order.
pub fn plugin_files(dir: &Path) -> Result<Vec<PathBuf>, PlanError> {
    let entries = std::fs::read_dir(dir).map_err(|e| PlanError::Dir {
        dir: dir.display().to_string(),
        reason: crate::text::io_reason(&e),
    })?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "wasm") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

fn read(path: &Path) -> Result<PluginSource, PlanError> {
    let bytes = std::fs::read(path).map_err(|e| PlanError::Read {
        path: path.display().to_string(),
        reason: crate::text::io_reason(&e),
    })?;
    Ok(PluginSource::file(path, bytes))
}

/// Choose the component of every enabled stanza of `policy`, from the
/// built-in plugins, the files of `dir` and the stanzas' own paths. Every
/// file of `dir` must be pinned by some stanza (a disabled one included).
pub fn plan(
    policy: &Policy,
    builtins: &[Builtin],
    dir: Option<&Path>,
) -> Result<Vec<Planned>, PlanError> {
    let mut dir_files: Vec<PluginSource> = Vec::new();
    if let Some(dir) = dir {
        for path in plugin_files(dir)? {
            let source = read(&path)?;
            let pinned = policy
                .plugins
                .iter()
                .any(|p| p.sha256.as_ref().is_some_and(|(d, _)| *d == source.digest));
            if !pinned {
                return Err(PlanError::Unpinned {
                    path: path.display().to_string(),
                    digest: source.digest,
                    policy: policy.file().to_string(),
                });
            }
            dir_files.push(source);
        }
    }
    let mut planned = Vec::new();
    for stanza in policy.plugins.iter().filter(|p| p.enabled) {
        let source = match (&stanza.path, &stanza.sha256) {
            (Some((path, at)), Some((digest, pin_at))) => {
                let source = read(path).map_err(|e| match e {
                    PlanError::Read { path, reason } => PlanError::Policy(policy.error(
                        *at,
                        format!("plugins.{}.path: cannot read {path}: {reason}", stanza.name),
                    )),
                    other => other,
                })?;
                if source.digest != *digest {
                    return Err(mismatch(policy, stanza, *pin_at, &source));
                }
                source
            }
            (None, Some((digest, pin_at))) => {
                if let Some(file) = dir_files.iter().find(|f| f.digest == *digest) {
                    file.clone()
                } else if let Some(b) = builtins.iter().find(|b| b.digest() == *digest) {
                    PluginSource::builtin(b)
                } else if let Some(b) = builtins.iter().find(|b| b.name == stanza.name) {
                    return Err(policy
                        .error(
                            *pin_at,
                            format!(
                                "plugins.{}.sha256 pins {digest}, but the built-in {} plugin is {}: remove the pin to use the built-in, or add a path to the pinned file",
                                stanza.name,
                                b.name,
                                b.digest()
                            ),
                        )
                        .into());
                } else {
                    return Err(policy
                        .error(
                            *pin_at,
                            format!(
                                "plugins.{}: no component with sha256 {digest} was found: add a path, or put the file in the --plugins directory",
                                stanza.name
                            ),
                        )
                        .into());
                }
            }
            (None, None) => match builtins.iter().find(|b| b.name == stanza.name) {
                Some(b) => PluginSource::builtin(b),
                None => {
                    let known: Vec<&str> = builtins.iter().map(|b| b.name).collect();
                    return Err(policy
                        .error(
                            stanza.at,
                            format!(
                                "plugins.{}: not a built-in plugin (built in: {}); for a plugin from a file add path and sha256, or set enabled = false",
                                stanza.name,
                                if known.is_empty() { "none".to_string() } else { known.join(", ") }
                            ),
                        )
                        .into());
                }
            },
            // file.rs refuses a path without a pin.
            (Some((_, at)), None) => {
                return Err(policy
                    .error(*at, format!("plugins.{}.path needs a sha256", stanza.name))
                    .into())
            }
        };
        planned.push(Planned {
            stanza: stanza.clone(),
            source,
        });
    }
    Ok(planned)
}

fn mismatch(
    policy: &Policy,
    stanza: &PluginPolicy,
    at: super::Span,
    source: &PluginSource,
) -> PlanError {
    policy
        .error(
            at,
            format!(
                "plugins.{}.sha256 pins a different component than {} (sha256 {}): the file changed; if you trust the new one, pin its digest",
                stanza.name, source.origin, source.digest
            ),
        )
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{file, Source};

    const A: &[u8] = b"component a";
    const B: &[u8] = b"component b";

    fn builtins() -> Vec<Builtin> {
        // Leaked for 'static: a test's few bytes.
        let hex =
            |b: &[u8]| -> &'static str { Box::leak(Digest::of(b).to_string().into_boxed_str()) };
        vec![
            Builtin {
                name: "market",
                sha256: hex(A),
                bytes: A,
            },
            Builtin {
                name: "account",
                sha256: hex(B),
                bytes: B,
            },
        ]
    }

    fn policy(text: &str, base: &Path) -> Policy {
        file::parse(Source::new("p.toml".into(), text.into()), Some(base)).unwrap()
    }

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("bmcp-plan-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn builtins_load_by_name_and_unnamed_ones_do_not() {
        let dir = scratch("names");
        let p = policy("[plugins.market]\ngrants = []\n", &dir);
        let plan = plan(&p, &builtins(), None).unwrap();
        assert_eq!(plan.len(), 1);
        assert_eq!(plan[0].source.origin, "built-in");
        let p = policy("[plugins.market]\nenabled = false\ngrants = []\n", &dir);
        assert!(super::plan(&p, &builtins(), None).unwrap().is_empty());
        let p = policy("[plugins.other]\ngrants = []\n", &dir);
        let e = super::plan(&p, &builtins(), None).unwrap_err().to_string();
        assert!(e.starts_with("p.toml:1:10: "), "{e}");
        assert!(e.contains("built in: market, account"), "{e}");
    }

    #[test]
    fn a_file_loads_only_when_pinned_and_its_name_is_not_its_identity() {
        let dir = scratch("pins");
        std::fs::write(dir.join("account.wasm"), b"hostile").unwrap();
        let p = policy("[plugins.account]\ngrants = [\"account-read\"]\n", &dir);
        let e = plan(&p, &builtins(), Some(&dir)).unwrap_err().to_string();
        assert!(e.contains("account.wasm is not pinned by p.toml"), "{e}");
        assert!(e.contains(&Digest::of(b"hostile").to_string()), "{e}");
        assert!(!e.contains('\n'), "one line: {e}");

        let pinned = format!(
            "[plugins.account]\ngrants = []\n[plugins.extra]\ngrants = []\nsha256 = \"{}\"\n",
            Digest::of(b"hostile")
        );
        let plan = plan(&policy(&pinned, &dir), &builtins(), Some(&dir)).unwrap();
        let extra = plan.iter().find(|p| p.stanza.name == "extra").unwrap();
        assert!(extra.source.origin.ends_with("account.wasm"));
        let account = plan.iter().find(|p| p.stanza.name == "account").unwrap();
        assert_eq!(account.source.origin, "built-in");
    }

    #[test]
    fn a_changed_file_is_refused_at_its_pin() {
        let dir = scratch("changed");
        std::fs::write(dir.join("x.wasm"), b"version 2").unwrap();
        let text = format!(
            "[plugins.x]\ngrants = []\npath = \"x.wasm\"\nsha256 = \"{}\"\n",
            Digest::of(b"version 1")
        );
        let e = plan(&policy(&text, &dir), &builtins(), None)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("p.toml:4:10: "), "{e}");
        assert!(e.contains("the file changed"), "{e}");
        assert!(e.contains(&Digest::of(b"version 2").to_string()), "{e}");

        let missing = format!(
            "[plugins.x]\ngrants = []\npath = \"nope.wasm\"\nsha256 = \"{}\"\n",
            Digest::of(b"version 1")
        );
        let e = plan(&policy(&missing, &dir), &builtins(), None)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("p.toml:3:8: "), "{e}");
    }

    #[test]
    fn a_builtin_pin_must_match() {
        let dir = scratch("builtin-pin");
        let ok = format!(
            "[plugins.market]\ngrants = []\nsha256 = \"{}\"\n",
            Digest::of(A)
        );
        assert_eq!(
            plan(&policy(&ok, &dir), &builtins(), None).unwrap().len(),
            1
        );
        let bad = format!(
            "[plugins.market]\ngrants = []\nsha256 = \"{}\"\n",
            Digest::of(b"other")
        );
        let e = plan(&policy(&bad, &dir), &builtins(), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("the built-in market plugin is"), "{e}");
    }
}
