//! The MCP server handler: one per request (the endpoint is stateless), reading the caller the
//! authentication middleware attached to the HTTP request.

use super::meter::UsageNote;
use super::{caller::Caller, prompts, resources, tools};
use crate::server::state::AppState;
use rmcp::{
    ErrorData, ServerHandler,
    model::{
        CallToolRequestParams, CallToolResponse, GetPromptRequestParams, GetPromptResponse,
        Implementation, ListPromptsResult, ListResourcesResult, ListToolsResult,
        PaginatedRequestParams, ProtocolVersion, ReadResourceRequestParams, ReadResourceResponse,
        ReadResourceResult, ServerCapabilities, ServerConfig,
    },
    service::{RequestContext, RoleServer},
};
use std::{borrow::Cow, collections::HashMap, sync::Arc};

/// The protocol revisions this endpoint answers (all rmcp 3.9 implements from 2025-03-26 on).
pub const PROTOCOL_VERSIONS: &[ProtocolVersion] = &[
    ProtocolVersion::V_2025_03_26,
    ProtocolVersion::V_2025_06_18,
    ProtocolVersion::V_2025_11_25,
    ProtocolVersion::V_2026_07_28,
];

const INSTRUCTIONS: &str = "Read-only access to the user's Exact Online administrations (divisions). \
Start with list_divisions; tools use the default division unless `division` is given. List tools \
page with `limit`, `has_more` and `cursor`. Dates are YYYY-MM-DD, amounts in the division's \
currency (EUR unless stated). IDs of customers and suppliers come from get_relations or \
search_relations.";

#[derive(Clone)]
pub struct ExactMcp {
    state: AppState,
}

impl ExactMcp {
    pub fn new(state: AppState) -> ExactMcp {
        ExactMcp { state }
    }
}

/// What a handler needs from the HTTP request behind an MCP request.
struct Origin {
    caller: Arc<Caller>,
    request_id: String,
    /// Where the tool notes the division it read (absent only outside the metered route).
    note: Option<Arc<UsageNote>>,
}

fn caller_of(context: &RequestContext<RoleServer>) -> Result<Origin, ErrorData> {
    let parts = context
        .extensions
        .get::<http::request::Parts>()
        .ok_or_else(|| ErrorData::internal_error("request context missing", None))?;
    let caller = parts
        .extensions
        .get::<Arc<Caller>>()
        .cloned()
        .ok_or_else(|| ErrorData::internal_error("not authenticated", None))?;
    let request_id = parts
        .headers
        .get(crate::server::request_id::REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    let note = parts.extensions.get::<Arc<UsageNote>>().cloned();
    Ok(Origin {
        caller,
        request_id,
        note,
    })
}

impl ServerHandler for ExactMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_prompts()
                .enable_resources()
                .build(),
        )
        .with_server_info(
            Implementation::new("exact-mcp", env!("CARGO_PKG_VERSION")).with_title("exact-mcp"),
        )
        .with_instructions(INSTRUCTIONS)
    }

    fn supported_protocol_versions(&self) -> Cow<'static, [ProtocolVersion]> {
        Cow::Borrowed(PROTOCOL_VERSIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(tools::TOOLS.clone()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let Origin {
            caller,
            request_id,
            note,
        } = caller_of(&context)?;
        let ctx = tools::ToolCtx {
            state: &self.state,
            caller: &caller,
            request_id: &request_id,
            usage: note.as_deref(),
            budget: tools::Budget::default(),
            resolved: Default::default(),
        };
        let started = std::time::Instant::now();
        let result = tools::call(&ctx, &request.name, request.arguments).await;
        crate::server::timings::since(crate::server::timings::Step::Tool, started);
        match result {
            Some(result) => Ok(result.into()),
            None => Err(ErrorData::invalid_params(
                format!(
                    "Unknown tool '{}'. Call tools/list for the available tools.",
                    request.name.chars().take(64).collect::<String>()
                ),
                None,
            )),
        }
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Ok(ListPromptsResult::with_all_items(prompts::list()))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let arguments: HashMap<String, String> = request
            .arguments
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| {
                let text = match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                (k, text)
            })
            .collect();
        prompts::get(&request.name, &arguments)
            .map(Into::into)
            .ok_or_else(|| ErrorData::invalid_params("Unknown prompt. Call prompts/list.", None))
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(ListResourcesResult::with_all_items(resources::list()))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let caller = caller_of(&context)?.caller;
        resources::read(&caller, &request.uri)
            .map(|contents| ReadResourceResult::new(vec![contents]).into())
            .ok_or_else(|| {
                ErrorData::resource_not_found("Unknown resource. Call resources/list.", None)
            })
    }
}
