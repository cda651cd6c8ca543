//! Serving MCP over stdio: stdout carries only MCP messages (logs go to
//! stderr through `tracing`).

use super::McpServer;
use rmcp::ServiceExt;

/// Serve until the client closes stdin.
pub async fn serve(server: McpServer) -> anyhow::Result<()> {
    let running = server.serve(rmcp::transport::stdio()).await?;
    let reason = running.waiting().await?;
    tracing::info!(?reason, "MCP session ended");
    Ok(())
}
