//! get_document_attachments and get_document_content, from `documents/DocumentAttachments` (and
//! `documents/Documents` for the subjects). A file is read from the attachment's `Url` on Exact's
//! own site, never from another host, with the token in a header and never in a URL; files over
//! [`MAX_FILE_BYTES`] are not read: the answer gives their details and says why. Text comes back
//! as text, anything else as base64.
//!
//! Field lists: Exact's REST reference for Documents and DocumentAttachments.

use super::{
    ListSpec, ToolCtx, ToolError, check_limit, fetch_for_ids, fetch_rows, list_page, row, rows_of,
};
use crate::server::{exact::ExactError, mcp::odata};
use base64::Engine;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The largest file returned: 2 MiB (about 2.7 MB as base64).
pub const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;

const ATTACHMENTS: ListSpec = ListSpec {
    path: "documents/DocumentAttachments",
    key: "ID",
    select: "ID,Document,FileName,FileSize,Url",
    what: "document attachments",
    module: None,
};
const DOCUMENTS: ListSpec = ListSpec {
    path: "documents/Documents",
    key: "ID",
    select: "ID,Subject,TypeDescription,AccountName,DocumentDate",
    what: "documents",
    module: None,
};

/// The media type of a file name's extension (Exact's list does not give one).
fn media_type(file_name: &str) -> String {
    mime_guess::from_path(file_name)
        .first_or_octet_stream()
        .essence_str()
        .to_string()
}

fn is_text(media_type: &str) -> bool {
    let base = media_type.split(';').next().unwrap_or_default().trim();
    base.starts_with("text/") || matches!(base, "application/json" | "application/xml")
}

// ---------------------------------------------------------------------------------------------
// Attachments

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentsArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Only this document's attachments (its ID, a GUID); all attachments when omitted.
    pub document_id: Option<String>,
    /// Rows per page, 1 to 500 (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Attachment {
    /// Pass it to get_document_content.
    pub id: String,
    pub document_id: Option<String>,
    pub document_subject: Option<String>,
    pub document_type: Option<String>,
    pub account_name: Option<String>,
    pub document_date: Option<String>,
    pub file_name: Option<String>,
    pub size_bytes: u64,
    pub media_type: String,
    /// Whether get_document_content returns its content (at most 2 MiB).
    pub readable: bool,
    /// Where a person signed in to Exact Online opens it (no credentials in it).
    pub exact_url: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AttachmentsOutput {
    pub division: i64,
    pub attachments: Vec<Attachment>,
    pub count: usize,
    pub has_more: bool,
    pub cursor: Option<String>,
}

pub async fn attachments(
    ctx: &ToolCtx<'_>,
    args: AttachmentsArgs,
) -> Result<AttachmentsOutput, ToolError> {
    const TOOL: &str = "get_document_attachments";
    let limit = check_limit(args.limit, 100, 500)?;
    let filter = odata::guid_clause("Document", ("document_id", args.document_id.as_deref()))?;
    let target = ctx.target(args.division)?;
    let page = list_page(
        ctx,
        &target,
        (TOOL, &ATTACHMENTS),
        filter,
        limit,
        args.cursor.as_deref(),
    )
    .await?;
    let ids: Vec<String> = page
        .rows
        .iter()
        .filter_map(|r| row::text(r, "Document"))
        .collect();
    let documents = fetch_for_ids(ctx, &target, (&DOCUMENTS, "ID"), &ids, None, 1).await?;
    let attachments: Vec<Attachment> = page
        .rows
        .iter()
        .map(|a| attachment(a, &documents))
        .collect();
    Ok(AttachmentsOutput {
        division: target.division,
        count: attachments.len(),
        attachments,
        has_more: page.has_more(),
        cursor: page.cursor,
    })
}

fn attachment(a: &Value, documents: &[Value]) -> Attachment {
    let document_id = row::text(a, "Document");
    let doc = document_id
        .as_deref()
        .and_then(|d| rows_of(documents, "ID", d).next());
    let name = row::text(a, "FileName");
    let size = row::num(a, "FileSize").max(0.0) as u64;
    Attachment {
        id: row::text_or_empty(a, "ID"),
        document_subject: doc.and_then(|d| row::text(d, "Subject")),
        document_type: doc.and_then(|d| row::text(d, "TypeDescription")),
        account_name: doc.and_then(|d| row::text(d, "AccountName")),
        document_date: doc.and_then(|d| row::date(d, "DocumentDate")),
        document_id,
        media_type: media_type(name.as_deref().unwrap_or_default()),
        file_name: name,
        size_bytes: size,
        readable: size as usize <= MAX_FILE_BYTES,
        exact_url: row::text(a, "Url"),
    }
}

// ---------------------------------------------------------------------------------------------
// Content

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ContentFormat {
    /// Text files as text, others as base64 (default).
    #[default]
    Auto,
    /// Always base64.
    Base64,
    /// Do not read the file: only its details and the Exact address a person opens it at.
    Url,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContentArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// The attachment's ID (a GUID) from get_document_attachments.
    pub attachment_id: String,
    /// auto (default: text as text, else base64), base64, or url (details only).
    #[serde(default)]
    pub format: ContentFormat,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ContentOutput {
    pub division: i64,
    pub attachment_id: String,
    pub document_id: Option<String>,
    pub file_name: Option<String>,
    pub media_type: String,
    pub size_bytes: u64,
    /// text, base64, or none (not read).
    pub encoding: String,
    /// The file's content in `encoding`; null when not read.
    pub content: Option<String>,
    /// Where a person signed in to Exact Online opens it (no credentials in it).
    pub exact_url: Option<String>,
    /// Why the content is not here, when it is not.
    pub message: Option<String>,
}

pub async fn content(ctx: &ToolCtx<'_>, args: ContentArgs) -> Result<ContentOutput, ToolError> {
    let id = odata::parse_guid("attachment_id", &args.attachment_id)?;
    let target = ctx.target(args.division)?;
    let listed = fetch_rows(
        ctx,
        &target,
        &ATTACHMENTS,
        Some(format!("ID eq {}", odata::guid(&id))),
        None,
        1,
    )
    .await?;
    let Some(row) = listed.rows.first() else {
        return Err(ToolError::invalid(
            "There is no attachment with this `attachment_id` in this division; list them with \
             get_document_attachments.",
        ));
    };
    let found = attachment(row, &[]);
    let mut out = ContentOutput {
        division: target.division,
        attachment_id: found.id.clone(),
        document_id: found.document_id.clone(),
        file_name: found.file_name.clone(),
        media_type: found.media_type.clone(),
        size_bytes: found.size_bytes,
        encoding: "none".into(),
        content: None,
        exact_url: found.exact_url.clone(),
        message: None,
    };
    if args.format == ContentFormat::Url {
        out.message = Some("Not read (format url): open it in Exact Online at exact_url.".into());
        return Ok(out);
    }
    if !found.readable {
        out.message = Some(too_large(found.size_bytes));
        return Ok(out);
    }
    let Some(url) = found.exact_url.as_deref() else {
        out.message = Some("Exact gives no address for this file.".into());
        return Ok(out);
    };
    let file = match target
        .source
        .download(&ctx.budget, target.division, url, MAX_FILE_BYTES)
        .await
    {
        Ok(Some(file)) => file,
        Ok(None) => {
            out.message = Some("Not read: this call has no Exact request left.".into());
            return Ok(out);
        }
        Err(ExactError::ResponseTooLarge { .. }) => {
            out.message = Some(too_large(MAX_FILE_BYTES as u64 + 1));
            return Ok(out);
        }
        Err(ExactError::ForeignUrl) => {
            tracing::warn!(
                request_id = ctx.request_id,
                "attachment URL is not on Exact's site; not followed"
            );
            out.message = Some(
                "Not read: the file's address does not point to Exact Online, so it was not \
                 opened and no credentials were sent."
                    .into(),
            );
            return Ok(out);
        }
        Err(source) => {
            return Err(ToolError::Exact {
                what: "the attachment's file",
                module: None,
                source,
            });
        }
    };
    out.size_bytes = file.bytes.len() as u64;
    let text = args.format == ContentFormat::Auto
        && is_text(file.content_type.as_deref().unwrap_or(&found.media_type));
    match text.then(|| String::from_utf8(file.bytes.clone())) {
        Some(Ok(text)) => {
            out.encoding = "text".into();
            out.content = Some(text);
        }
        _ => {
            out.encoding = "base64".into();
            out.content = Some(base64::engine::general_purpose::STANDARD.encode(&file.bytes));
        }
    }
    Ok(out)
}

fn too_large(size: u64) -> String {
    format!(
        "Not read: the file is {:.1} MiB, more than the {} MiB this tool returns. Open it in \
         Exact Online at exact_url.",
        size as f64 / 1_048_576.0,
        MAX_FILE_BYTES / 1_048_576
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_types_come_back_as_text() {
        assert!(is_text("text/plain; charset=utf-8"));
        assert!(is_text("text/csv"));
        assert!(is_text("application/json"));
        assert!(!is_text("application/pdf"));
        assert!(!is_text("image/tiff"));
        assert_eq!(media_type("Factuur 1.PDF"), "application/pdf");
        assert_eq!(media_type("no extension"), "application/octet-stream");
        assert!(too_large(3 * 1_048_576).contains("3.0 MiB"));
    }
}
