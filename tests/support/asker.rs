//! A client that can be asked: it answers every confirmation form
//! (`elicitation/create`, or a 2026-07-28 `InputRequiredResult` round
//! driven by rmcp) as its test tells it, and records what it was shown.

use rmcp::model::{
    ClientConfig, ElicitRequestParams, ElicitResult, ElicitationAction, ElicitationCapability,
    ProtocolVersion,
};
use rmcp::service::{ClientLifecycleMode, ClientServiceExt, RequestContext, RunningService};
use rmcp::transport::TokioChildProcess;
use rmcp::{ClientHandler, ErrorData as McpError, RoleClient, ServiceExt};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A client whose user answers every confirmation form with `action` (and
/// `confirm`), after `delay`; it counts the forms it was shown.
#[derive(Clone)]
pub struct Asker {
    pub version: ProtocolVersion,
    pub elicitation: bool,
    pub action: ElicitationAction,
    pub confirm: bool,
    pub delay: Duration,
    /// Forms shown so far.
    pub asked: Arc<AtomicUsize>,
    /// Each form's message, in order.
    pub messages: Arc<Mutex<Vec<String>>>,
}

impl Asker {
    pub fn new(version: ProtocolVersion, action: ElicitationAction, confirm: bool) -> Self {
        Asker {
            version,
            elicitation: true,
            action,
            confirm,
            delay: Duration::ZERO,
            asked: Arc::default(),
            messages: Arc::default(),
        }
    }
}

impl ClientHandler for Asker {
    fn get_info(&self) -> ClientConfig {
        let mut info = ClientConfig::default();
        info.protocol_version = self.version.clone();
        if self.elicitation {
            info.capabilities.elicitation = Some(ElicitationCapability::new());
        }
        info
    }

    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, McpError> {
        let ElicitRequestParams::FormElicitationParams { message, .. } = request else {
            return Err(McpError::invalid_params("form only", None));
        };
        self.messages.lock().unwrap().push(message);
        self.asked.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(self.delay).await;
        Ok(answer(self.action.clone(), self.confirm))
    }
}

pub fn answer(action: ElicitationAction, confirm: bool) -> ElicitResult {
    let result = ElicitResult::new(action.clone());
    if action == ElicitationAction::Accept {
        result.with_content(json!({"confirm": confirm}))
    } else {
        result
    }
}

/// Serve `cmd` to `asker`: a 2026-07-28 asker discovers (no handshake), an
/// earlier one initializes.
pub async fn asking(
    mut cmd: tokio::process::Command,
    asker: Asker,
) -> RunningService<RoleClient, Asker> {
    cmd.arg("serve");
    let transport = TokioChildProcess::new(cmd).unwrap();
    if asker.version == ProtocolVersion::V_2026_07_28 {
        asker
            .serve_with_lifecycle(
                transport,
                ClientLifecycleMode::Discover {
                    preferred_versions: vec![ProtocolVersion::V_2026_07_28],
                },
            )
            .await
            .unwrap()
    } else {
        asker.serve(transport).await.unwrap()
    }
}
