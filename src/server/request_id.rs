//! The request id: the HTTP edge gives every request one (or keeps a plain one the client sent)
//! and echoes it in the response; whatever logs on a request's behalf (the MCP tools) reads it
//! from here, so a support case can be followed through the log by the id the client saw.

use axum::http::HeaderName;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
