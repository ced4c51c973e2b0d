//! The REST side: `current/Me` and the entity sets under `/api/v1/{division}/`, with bearer
//! tokens, granted divisions, rate limits and OData paging as Exact does them.

use super::{
    COMPANIES, DEMO_USER_EMAIL, DEMO_USER_ID, DEMO_USER_NAME, Simulator, data, exact_error, odata,
};
use axum::{
    Json,
    extract::{OriginalUri, State},
    http::{HeaderMap, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

/// The divisions a bearer token may read; `None` for an expired or unknown token.
fn authorize(sim: &Simulator, headers: &HeaderMap) -> Option<Vec<i64>> {
    let now = sim.now();
    let mut world = sim.world();
    world.counters.api_requests += 1;
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .unwrap_or("");
    match world.access.get(token) {
        Some((divisions, expires_at)) if *expires_at > now => Some(divisions.clone()),
        _ => None,
    }
}

/// What Exact answers to a missing, expired or unknown bearer token.
fn unauthorized() -> Response {
    exact_error(
        StatusCode::UNAUTHORIZED,
        "Access token is expired or invalid.",
    )
}

/// Any path the simulator does not know, in Exact's error shape.
pub(super) async fn not_found(uri: Uri) -> Response {
    exact_error(
        StatusCode::NOT_FOUND,
        &format!("Resource not found: {}", uri.path()),
    )
}

fn me(divisions: &[i64]) -> Response {
    let current = divisions.first().copied().unwrap_or(COMPANIES[0].division);
    Json(json!({ "d": { "results": [{
        "CurrentDivision": current,
        "UserID": DEMO_USER_ID,
        "UserName": DEMO_USER_EMAIL,
        "FullName": DEMO_USER_NAME,
        "Email": DEMO_USER_EMAIL,
        "LanguageCode": "nl-NL",
    }] } }))
    .into_response()
}

/// `GET /api/v1/...`: authentication first (401), then the division (403 unless granted), the
/// rate limits (429), the entity set (404) and its query options (400).
pub(super) async fn api(
    State(sim): State<Simulator>,
    OriginalUri(original): OriginalUri,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let Some(granted) = authorize(&sim, &headers) else {
        return unauthorized();
    };
    let rest = uri.path().strip_prefix("/api/v1/").unwrap_or_default();
    if rest.eq_ignore_ascii_case("current/Me") {
        return me(&granted);
    }
    let (division, path) = rest.split_once('/').unwrap_or((rest, ""));
    let Ok(division) = division.parse::<i64>() else {
        return exact_error(
            StatusCode::NOT_FOUND,
            &format!("Resource not found: {}", uri.path()),
        );
    };
    if !granted.contains(&division) {
        return exact_error(
            StatusCode::FORBIDDEN,
            &format!("Forbidden: this access token has no access to division {division}."),
        );
    }
    let verdict = sim.count_call(division);
    let mut res = if verdict.exceeded.is_some() {
        exact_error(StatusCode::TOO_MANY_REQUESTS, "API rate limit exceeded.")
    } else {
        let request = Request {
            division,
            path,
            granted: &granted,
            host: host(&headers),
            original_path: original.path(),
            relative_path: uri.path(),
            query: uri.query().unwrap_or_default(),
        };
        entity_set(&sim, &request)
    };
    verdict.write_headers(res.headers_mut());
    res
}

struct Request<'a> {
    division: i64,
    /// The entity path after the division, e.g. `crm/Accounts`.
    path: &'a str,
    granted: &'a [i64],
    host: String,
    /// The path as the client sent it (with `/sim/exact` when the simulator is nested).
    original_path: &'a str,
    /// The path inside the simulator's router.
    relative_path: &'a str,
    query: &'a str,
}

/// The Host header when it looks like one, for building absolute URLs.
fn host(headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost")
        .to_string()
}

fn entity_set(sim: &Simulator, r: &Request<'_>) -> Response {
    let Some(set) = data::entity_set(r.path) else {
        return exact_error(
            StatusCode::NOT_FOUND,
            &format!("Resource not found: {}", r.relative_path),
        );
    };
    if let Some(module) = set.module
        && !sim.has_module(r.division, module)
    {
        // What Exact answers when the licence lacks the module: the user has no right to it.
        return exact_error(StatusCode::FORBIDDEN, "Forbidden");
    }
    *sim.world()
        .counters
        .api_by_path
        .entry(set.path.to_string())
        .or_default() += 1;

    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(r.query.as_bytes())
        .into_owned()
        .collect();
    let schema = odata::Schema {
        type_name: set.type_name,
        fields: set.fields,
    };
    let query = match odata::parse_query(&pairs, schema) {
        Ok(q) => q,
        Err(message) => return exact_error(StatusCode::BAD_REQUEST, &message),
    };

    let stored = match data::view(r.division, set, &pairs, sim.now().div_euclid(86_400)) {
        Ok(rows) => rows.unwrap_or_default(),
        Err(message) => return exact_error(StatusCode::BAD_REQUEST, &message),
    };
    let all = &stored[..];
    // The divisions sets list the user's administrations, only those the token was granted.
    let granted_only: Vec<odata::Row>;
    let rows = if set.path.ends_with("/Divisions") {
        granted_only = sim
            .divisions()
            .into_iter()
            .filter(|(code, _)| r.granted.contains(code))
            .map(|(code, name)| {
                all.iter()
                    .find(|row| row.get("Code").and_then(Value::as_i64) == Some(code))
                    .cloned()
                    .unwrap_or_else(|| extra_division(code, &name))
            })
            .collect();
        &granted_only[..]
    } else {
        all
    };

    // Exact answers `{"d": [...]}` for some endpoints when `$top` is given: no `results`, no
    // paging (all of `$top` in one answer).
    let bare = set.bare_with_top && query.top.is_some();
    let base = format!(
        "http://{}{}",
        r.host,
        r.original_path
            .strip_suffix(r.relative_path)
            .unwrap_or_default()
    );
    let metadata = |row: &odata::Row| {
        let key = row
            .get(set.key)
            .and_then(odata::skiptoken_of)
            .unwrap_or_default();
        Some(json!({
            "uri": format!("{base}/api/v1/{}/{}({key})", r.division, set.path),
            "type": set.type_name,
        }))
    };
    let mut page = match odata::apply(
        rows,
        &query,
        set.key,
        (!bare).then_some(sim.page_size()),
        metadata,
    ) {
        Ok(p) => p,
        Err(message) => return exact_error(StatusCode::BAD_REQUEST, &message),
    };
    // Attachments are served from the site itself (or where a test moved them).
    let site = sim.attachment_site().unwrap_or_else(|| base.clone());
    data::absolute_urls(set.path, &mut page.rows, &site);
    if bare {
        return Json(json!({ "d": page.rows })).into_response();
    }
    let mut d = json!({ "results": page.rows });
    if let Some((skiptoken, top)) = page.next {
        d["__next"] = json!(next_link(r, &pairs, &skiptoken, top));
    }
    Json(json!({ "d": d })).into_response()
}

/// A divisions row for an administration without books.
fn extra_division(code: i64, name: &str) -> odata::Row {
    match json!({ "Code": code, "Description": name, "Country": "NL", "Currency": "EUR" }) {
        Value::Object(row) => row,
        _ => odata::Row::new(),
    }
}

/// The absolute URL of the next page: the same path and query, `$top` reduced by what was sent,
/// and `$skiptoken` naming the last key sent.
fn next_link(
    r: &Request<'_>,
    pairs: &[(String, String)],
    skiptoken: &str,
    top: Option<usize>,
) -> String {
    let mut query: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "$skiptoken" && k != "$top")
        .cloned()
        .collect();
    if let Some(top) = top {
        query.push(("$top".to_string(), top.to_string()));
    }
    query.push(("$skiptoken".to_string(), skiptoken.to_string()));
    let query: Vec<String> = query
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    format!("http://{}{}?{}", r.host, r.original_path, query.join("&"))
}

/// Percent-encodes a query component, leaving the characters OData URLs show literally
/// (`$`, quotes, parentheses, commas, colons) readable.
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~$'(),:*@!/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `GET /docs/SysAttachment.aspx?ID=…&_Division_=…&Download=1`: an attachment's file, for a
/// bearer token granted its division (without `Download=1`, Exact shows a page about it).
pub(super) async fn attachment(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let Some(granted) = authorize(&sim, &headers) else {
        return unauthorized();
    };
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let division = get("_Division_").and_then(|d| d.parse::<i64>().ok());
    let Some(division) = division.filter(|d| granted.contains(d)) else {
        return exact_error(StatusCode::FORBIDDEN, "Forbidden");
    };
    let Some((name, bytes)) = get("ID").and_then(|id| demo_books::attachment(division, id)) else {
        return exact_error(StatusCode::NOT_FOUND, "Attachment not found.");
    };
    if get("Download") != Some("1") {
        let page = format!("<html><body><p>{name}</p></body></html>");
        return ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response();
    }
    (
        [
            (header::CONTENT_TYPE, demo_books::media_type(&name)),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn query_components_keep_odata_punctuation_and_escape_the_rest() {
        assert_eq!(
            encode("Name eq 'O''Brien & Zonen'"),
            "Name%20eq%20'O''Brien%20%26%20Zonen'"
        );
        assert_eq!(encode("guid'ab-1'"), "guid'ab-1'");
        assert_eq!(encode("a+b=c#d%"), "a%2Bb%3Dc%23d%25");
        assert_eq!(encode("é"), "%C3%A9");
    }
}
