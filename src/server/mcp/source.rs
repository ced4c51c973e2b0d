//! Where a tool's rows come from: a user's Exact connection (through the Exact client, with its
//! token refresh, rate-limit tracking, retries and circuit breaker), or, for demo keys, the
//! simulator's fictional companies read in-process (stateless and deterministic).

use crate::server::exact::{Downloaded, Exact, ExactError, split_list};
use serde_json::Value;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

#[derive(Clone)]
pub enum Source {
    Exact {
        exact: Exact,
        connection_id: String,
    },
    /// The demo companies, as of `today` (days since the epoch; Exact's aging lists depend on it).
    Demo {
        today: i64,
    },
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Exact { connection_id, .. } => write!(f, "Exact({connection_id})"),
            Source::Demo { .. } => f.write_str("Demo"),
        }
    }
}

impl Source {
    /// The connection read, for the usage record (`None` for the demo).
    pub fn connection_id(&self) -> Option<String> {
        match self {
            Source::Exact { connection_id, .. } => Some(connection_id.clone()),
            Source::Demo { .. } => None,
        }
    }
}

/// The OData options of one list request. Filters come from [`super::odata`] only.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub select: &'static str,
    pub filter: Option<String>,
    pub orderby: Option<&'static str>,
    pub top: Option<usize>,
    pub skiptoken: Option<String>,
    /// A `read/…` function's parameters (`year=2026`), typed by the tool that sets them.
    pub params: Vec<(&'static str, String)>,
}

impl ListQuery {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = self.params.clone();
        pairs.push(("$select", self.select.to_string()));
        if let Some(f) = &self.filter {
            pairs.push(("$filter", f.clone()));
        }
        if let Some(o) = self.orderby {
            pairs.push(("$orderby", o.to_string()));
        }
        if let Some(t) = self.top {
            pairs.push(("$top", t.to_string()));
        }
        if let Some(s) = &self.skiptoken {
            pairs.push(("$skiptoken", s.clone()));
        }
        pairs
    }
}

/// Exact requests one tool call may make in all, across every list it reads. Exact allows 60
/// calls a minute and 5,000 a day per division: without a cap one call could spend the day's
/// budget and hold its request for hours. Enforced in [`Source::list`], the only way tools read.
pub const MAX_REQUESTS_PER_CALL: usize = 10;

/// Rows one tool call may read in all (bulk endpoints page 1,000 rows at a time).
pub const MAX_ROWS_PER_CALL: usize = 5_000;

/// What one tool call has spent of its Exact requests and rows, and whether a read stopped
/// early because of them. Shared by every read of the call.
#[derive(Debug, Default)]
pub struct Budget {
    requests: AtomicUsize,
    rows: AtomicUsize,
    cut: AtomicBool,
}

impl Budget {
    /// Takes up to `wanted` requests; returns how many were granted.
    fn take_requests(&self, wanted: usize) -> usize {
        let mut granted = 0;
        let _ = self
            .requests
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |spent| {
                granted = wanted.min(MAX_REQUESTS_PER_CALL.saturating_sub(spent));
                Some(spent + granted)
            });
        granted
    }

    fn requests_left(&self) -> usize {
        MAX_REQUESTS_PER_CALL.saturating_sub(self.requests())
    }

    fn rows_left(&self) -> usize {
        MAX_ROWS_PER_CALL.saturating_sub(self.rows.load(Ordering::SeqCst))
    }

    fn add_rows(&self, n: usize) {
        self.rows.fetch_add(n, Ordering::SeqCst);
    }

    /// Whether no request or no row is left for this call.
    pub fn exhausted(&self) -> bool {
        self.requests() >= MAX_REQUESTS_PER_CALL || self.rows_left() == 0
    }

    /// Notes that a read stopped before its end because of this budget (or a scan cap).
    pub fn mark_cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
    }

    /// Whether some read of this call stopped early: its lists and totals are partial.
    pub fn was_cut(&self) -> bool {
        self.cut.load(Ordering::SeqCst)
    }

    /// Exact requests spent (counted the same way for the demo's in-process pages).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Rows read, and whether more follow (because `max_rows` was reached or the budget ran out).
#[derive(Debug, Default)]
pub struct Listed {
    pub rows: Vec<Value>,
    pub more: bool,
}

impl Source {
    /// Up to `max_rows` rows of `path` (e.g. `crm/Accounts`) in `division`, following Exact's
    /// pages within what is left of `budget`. When the budget stops the read before
    /// `max_rows` rows or the end of the list, the budget is marked cut.
    pub async fn list(
        &self,
        budget: &Budget,
        division: i64,
        path: &str,
        query: &ListQuery,
        max_rows: usize,
    ) -> Result<Listed, ExactError> {
        let allowed = max_rows.min(budget.rows_left());
        let listed = match self {
            Source::Exact {
                exact,
                connection_id,
            } => {
                let path = format!("{division}/{path}");
                // A read cut short by the budget asks for one row more, to know whether it was.
                let wanted = if allowed < max_rows {
                    allowed + 1
                } else {
                    allowed
                };
                exact_pages(exact, connection_id, &path, query, budget, allowed, wanted).await?
            }
            Source::Demo { today } => demo_pages(division, path, query, budget, allowed, *today)?,
        };
        if listed.more && (allowed < max_rows || listed.rows.len() < allowed) {
            budget.mark_cut();
        }
        budget.add_rows(listed.rows.len());
        Ok(listed)
    }
}

/// Rows Exact answers per page on its standard endpoints.
pub const EXACT_PAGE_ROWS: usize = 60;

/// Follows `__next` one request at a time while the budget lasts. A read of `wanted` rows that
/// fits in one page says so with `$top`, so Exact does not send, and we do not parse, a whole
/// page of 60 for a page of 10 (callers that need to know whether more follow ask for one more).
async fn exact_pages(
    exact: &Exact,
    connection_id: &str,
    path: &str,
    query: &ListQuery,
    budget: &Budget,
    allowed: usize,
    wanted: usize,
) -> Result<Listed, ExactError> {
    let topped;
    // A whole page is read without `$top`: Exact's `__next` then says whether more follow (with
    // `$top` some endpoints answer without it), and callers that page on rely on that.
    let query = if query.top.is_none() && wanted < EXACT_PAGE_ROWS {
        topped = ListQuery {
            top: Some(wanted),
            ..query.clone()
        };
        &topped
    } else {
        query
    };
    let mut rows = Vec::new();
    let mut next: Option<String> = None;
    let mut started = false;
    while rows.len() < allowed && (!started || next.is_some()) {
        if budget.take_requests(1) == 0 {
            return Ok(Listed { rows, more: true });
        }
        let body = match next.take() {
            None => exact.get_json(connection_id, path, &query.pairs()).await?,
            Some(url) => exact.get_next(connection_id, &url).await?,
        };
        started = true;
        let (page, following) = split_list(body)?;
        rows.extend(page);
        next = following;
    }
    let more = !started || next.is_some() || rows.len() > allowed;
    rows.truncate(allowed);
    Ok(Listed { rows, more })
}

impl Source {
    /// The file at `url` (a document attachment's `Url`), up to `max_bytes`; `None` when the
    /// call has no Exact request left. Only Exact's own site is read (see
    /// [`crate::server::exact::on_exact_site`]).
    pub async fn download(
        &self,
        budget: &Budget,
        division: i64,
        url: &str,
        max_bytes: usize,
    ) -> Result<Option<Downloaded>, ExactError> {
        if budget.take_requests(1) == 0 {
            budget.mark_cut();
            return Ok(None);
        }
        match self {
            Source::Exact {
                exact,
                connection_id,
            } => exact
                .download(connection_id, url, max_bytes)
                .await
                .map(Some),
            Source::Demo { .. } => demo_file(division, url, max_bytes).map(Some),
        }
    }
}

/// A demo attachment's file, from its URL on Exact's site.
fn demo_file(division: i64, url: &str, max_bytes: usize) -> Result<Downloaded, ExactError> {
    let site = url::Url::parse(demo_books::EXACT_SITE)
        .map_err(|_| ExactError::Internal("demo site".into()))?;
    let url = crate::server::exact::on_exact_site(&site, url)?;
    let id = url
        .query_pairs()
        .find(|(k, _)| k.eq_ignore_ascii_case("ID"))
        .map(|(_, v)| v.into_owned())
        .ok_or(ExactError::NotFound)?;
    let (name, bytes) = demo_books::attachment(division, &id).ok_or(ExactError::NotFound)?;
    if bytes.len() > max_bytes {
        return Err(ExactError::ResponseTooLarge { limit: max_bytes });
    }
    Ok(Downloaded {
        bytes,
        content_type: Some(demo_books::media_type(&name)),
    })
}

/// The demo's rows, read in process, counted against the budget as Exact's pages of
/// [`demo_books::PAGE_SIZE`] would be.
fn demo_pages(
    division: i64,
    path: &str,
    query: &ListQuery,
    budget: &Budget,
    allowed: usize,
    today: i64,
) -> Result<Listed, ExactError> {
    let page = demo_books::PAGE_SIZE;
    let left = budget.requests_left();
    if left == 0 {
        return Ok(Listed {
            rows: Vec::new(),
            more: true,
        });
    }
    let allowed = allowed.min(left.saturating_mul(page));
    let owned: Vec<(String, String)> = query
        .pairs()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let mut rows = demo_books::query(division, path, &owned, allowed.saturating_add(1), today)
        .map_err(|e| match e {
            demo_books::LocalError::NotFound => ExactError::NotFound,
            demo_books::LocalError::Forbidden => ExactError::Forbidden { status: 403 },
            demo_books::LocalError::BadRequest(message) => ExactError::BadRequest {
                status: 400,
                message,
            },
        })?;
    let more = rows.len() > allowed;
    rows.truncate(allowed);
    budget.take_requests(rows.len().div_ceil(page).max(1));
    Ok(Listed { rows, more })
}
