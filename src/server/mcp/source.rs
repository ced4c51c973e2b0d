//! Where a tool's rows come from: a user's Exact connection (through the Exact client, with its
//! token refresh, rate-limit tracking, retries and circuit breaker), or, for demo keys, the
//! simulator's fictional companies read in-process (stateless and deterministic).

use crate::server::exact::{Exact, ExactError};
use serde_json::Value;

#[derive(Clone)]
pub enum Source {
    Exact { exact: Exact, connection_id: String },
    Demo,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Exact { connection_id, .. } => write!(f, "Exact({connection_id})"),
            Source::Demo => f.write_str("Demo"),
        }
    }
}

impl Source {
    /// The connection read, for the usage record (`None` for the demo).
    pub fn connection_id(&self) -> Option<String> {
        match self {
            Source::Exact { connection_id, .. } => Some(connection_id.clone()),
            Source::Demo => None,
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
}

impl ListQuery {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![("$select", self.select.to_string())];
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

impl Source {
    /// Up to `max_rows` rows of `path` (e.g. `crm/Accounts`) in `division`.
    pub async fn list(
        &self,
        division: i64,
        path: &str,
        query: &ListQuery,
        max_rows: usize,
    ) -> Result<Vec<Value>, ExactError> {
        let pairs = query.pairs();
        match self {
            Source::Exact {
                exact,
                connection_id,
            } => Ok(exact
                .list(
                    connection_id,
                    &format!("{division}/{path}"),
                    &pairs,
                    max_rows,
                )
                .await?
                .rows),
            Source::Demo => {
                let owned: Vec<(String, String)> =
                    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
                demo_books::query(division, path, &owned, max_rows).map_err(|e| match e {
                    demo_books::LocalError::NotFound => ExactError::NotFound,
                    demo_books::LocalError::BadRequest(message) => ExactError::BadRequest {
                        status: 400,
                        message,
                    },
                })
            }
        }
    }
}
