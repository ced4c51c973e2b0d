//! Opaque continuation cursors: which list of the tool to continue, after which key, for which
//! query. A cursor is base64url JSON; it is validated like any argument when it comes back, and
//! refused when it belongs to another tool or other filters.

use super::{error::ToolError, odata};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Serialize, Deserialize)]
struct Data {
    /// The tool.
    t: String,
    /// A fingerprint of the query (division, filters).
    f: String,
    /// Which of the tool's lists (e.g. receivables 0, payables 1).
    p: u8,
    /// The `$skiptoken`: the key of the last row returned.
    k: String,
}

/// Where a list continues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub part: u8,
    pub skiptoken: String,
}

/// A short fingerprint of everything that shapes a query.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for p in parts {
        hash.update(p.as_bytes());
        hash.update([0]);
    }
    URL_SAFE_NO_PAD.encode(&hash.finalize()[..9])
}

pub fn encode(tool: &str, fingerprint: &str, position: &Position) -> String {
    let data = Data {
        t: tool.to_string(),
        f: fingerprint.to_string(),
        p: position.part,
        k: position.skiptoken.clone(),
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&data).unwrap_or_default())
}

pub fn decode(cursor: &str, tool: &str, fingerprint: &str) -> Result<Position, ToolError> {
    let unreadable = || {
        ToolError::invalid(
            "`cursor` is not one this tool returned; call the tool again without it to start over.",
        )
    };
    if cursor.len() > 512 {
        return Err(unreadable());
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| unreadable())?;
    let data: Data = serde_json::from_slice(&bytes).map_err(|_| unreadable())?;
    if data.t != tool || !odata::valid_skiptoken(&data.k) {
        return Err(unreadable());
    }
    if data.f != fingerprint {
        return Err(ToolError::invalid(
            "`cursor` belongs to a query with other filters or another division; repeat the same \
             arguments with the cursor, or leave the cursor out to start over.",
        ));
    }
    Ok(Position {
        part: data.p,
        skiptoken: data.k,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_for_the_same_tool_and_query() {
        let f = fingerprint(&["101", "IsSales eq true"]);
        let pos = Position {
            part: 1,
            skiptoken: "guid'3fa85f64-5717-4562-b3fc-2c963f66afa6'".into(),
        };
        let c = encode("get_relations", &f, &pos);
        assert_eq!(decode(&c, "get_relations", &f).unwrap(), pos);
        assert!(decode(&c, "get_items", &f).is_err());
        let other = fingerprint(&["202", "IsSales eq true"]);
        assert!(
            decode(&c, "get_relations", &other)
                .unwrap_err()
                .to_string()
                .contains("other filters")
        );
    }

    #[test]
    fn forged_cursors_cannot_smuggle_a_filter() {
        let f = fingerprint(&["101"]);
        let forged = URL_SAFE_NO_PAD.encode(
            serde_json::to_vec(&serde_json::json!({
                "t": "get_relations", "f": f, "p": 0, "k": "guid'x' or 1 eq 1"
            }))
            .unwrap(),
        );
        assert!(decode(&forged, "get_relations", &f).is_err());
        assert!(decode("not base64 !", "get_relations", &f).is_err());
        assert!(decode(&"A".repeat(600), "get_relations", &f).is_err());
    }

    #[test]
    fn fingerprints_separate_their_parts() {
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
    }
}
