//! Copy-ready configuration snippets for MCP clients, built from the endpoint's URL and a key (or a
//! placeholder). Plain text so that the dashboard, the landing page's demo and tests share them.

use serde_json::json;

/// The name the snippets register the server under in each client.
/// How many tools `/mcp` offers (the landing page says so; a test holds it to the registry).
pub const TOOL_COUNT: usize = 47;

pub const SERVER_NAME: &str = "exact-online";

/// The `Authorization` header value for a key.
fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

/// Claude Code: one terminal command.
pub fn claude_code_snippet(url: &str, key: &str) -> String {
    format!(
        "claude mcp add --transport http {SERVER_NAME} {url} --header \"Authorization: {}\"",
        bearer(key)
    )
}

/// Claude Code, signing in through OAuth instead of a key (`/mcp` in Claude Code starts it).
pub fn claude_code_oauth_snippet(url: &str) -> String {
    format!("claude mcp add --transport http {SERVER_NAME} {url}")
}

/// Claude Desktop: `claude_desktop_config.json`. Claude Desktop starts local (stdio) servers only,
/// so the `mcp-remote` bridge forwards to the HTTP endpoint with the header.
pub fn claude_desktop_snippet(url: &str, key: &str) -> String {
    let config = json!({
        "mcpServers": {
            SERVER_NAME: {
                "command": "npx",
                "args": ["-y", "mcp-remote", url, "--header", format!("Authorization: {}", bearer(key))],
            }
        }
    });
    pretty(&config)
}

/// Cursor: `~/.cursor/mcp.json`, which speaks Streamable HTTP itself.
pub fn cursor_snippet(url: &str, key: &str) -> String {
    let config = json!({
        "mcpServers": {
            SERVER_NAME: {
                "url": url,
                "headers": { "Authorization": bearer(key) },
            }
        }
    });
    pretty(&config)
}

/// MCP Inspector: the command, then what to enter in its connection pane. The settings are shell
/// comments so that pasting the whole block into a terminal runs only the command.
pub fn inspector_snippet(url: &str, key: &str) -> String {
    format!(
        "npx @modelcontextprotocol/inspector\n\
         # Transport Type: Streamable HTTP\n\
         # URL: {url}\n\
         # Header: Authorization: {}",
        bearer(key)
    )
}

fn pretty(value: &serde_json::Value) -> String {
    // Serialising a `Value` cannot fail; the fallback only keeps this free of panics.
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    const URL: &str = "https://mcp.example.nl/mcp";
    const KEY: &str = "emcp_AbC1234567890";

    #[test]
    fn claude_code_is_one_command_with_the_header() {
        assert_eq!(
            claude_code_snippet(URL, KEY),
            "claude mcp add --transport http exact-online https://mcp.example.nl/mcp \
             --header \"Authorization: Bearer emcp_AbC1234567890\""
        );
    }

    #[test]
    fn claude_code_can_sign_in_instead_of_taking_a_key() {
        assert_eq!(
            claude_code_oauth_snippet(URL),
            "claude mcp add --transport http exact-online https://mcp.example.nl/mcp"
        );
    }

    #[test]
    fn claude_desktop_bridges_through_mcp_remote() {
        let v: Value = serde_json::from_str(&claude_desktop_snippet(URL, KEY)).unwrap();
        let server = &v["mcpServers"]["exact-online"];
        assert_eq!(server["command"], "npx");
        assert_eq!(
            server["args"],
            json!([
                "-y",
                "mcp-remote",
                URL,
                "--header",
                "Authorization: Bearer emcp_AbC1234567890"
            ])
        );
    }

    #[test]
    fn cursor_speaks_http_with_headers() {
        let v: Value = serde_json::from_str(&cursor_snippet(URL, "<YOUR_KEY>")).unwrap();
        let server = &v["mcpServers"]["exact-online"];
        assert_eq!(server["url"], URL);
        assert_eq!(server["headers"]["Authorization"], "Bearer <YOUR_KEY>");
    }

    #[test]
    fn inspector_runs_only_the_command_when_pasted() {
        let s = inspector_snippet(URL, KEY);
        let mut lines = s.lines();
        assert_eq!(lines.next(), Some("npx @modelcontextprotocol/inspector"));
        assert!(lines.clone().all(|l| l.starts_with("# ")));
        assert!(s.contains("Streamable HTTP"));
        assert!(s.contains(URL));
        assert!(s.contains("Authorization: Bearer emcp_AbC1234567890"));
    }
}
