//! Reading the audit trail back: the admin panel's search, the CSV export of a range, and the
//! retention an admin sets (stored over the `AUDIT_RETENTION_DAYS` default, read by the clean-up
//! job at each run, changed with an audit row of its own).

use super::{
    audit::{self, Actor, Change},
    clock::Clock,
    db::{Db, DbError, audit_log, service_settings},
};
use crate::domain::{AUDIT_PER_PAGE, AUDIT_RETENTION_RANGE, AuditRow, AuditSearch};
use serde_json::json;

const RETENTION_SETTING: &str = "audit_retention_days";
/// Most rows one export holds; a larger range is cut, newest first, and says so.
pub const EXPORT_MAX_ROWS: i64 = 100_000;

/// A page of the rows the search finds, and how many it finds in all.
pub async fn search(db: &Db, s: &AuditSearch) -> Result<(Vec<AuditRow>, i64), DbError> {
    let per_page = i64::from(AUDIT_PER_PAGE);
    let rows = audit_log::search(db, s, per_page, i64::from(s.page) * per_page).await?;
    let total = audit_log::count(db, s).await?;
    Ok((rows, total))
}

/// The rows the search finds (every page, up to [`EXPORT_MAX_ROWS`]) as CSV, newest first,
/// with whether the export was cut.
pub async fn export_csv(db: &Db, s: &AuditSearch) -> Result<(String, bool), DbError> {
    let rows = audit_log::search(db, s, EXPORT_MAX_ROWS + 1, 0).await?;
    let cut = rows.len() as i64 > EXPORT_MAX_ROWS;
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "time_utc",
        "actor",
        "action",
        "target_type",
        "target_id",
        "detail",
        "ip",
    ];
    let write = |w: &mut csv::Writer<Vec<u8>>, cells: &[&str]| {
        w.write_record(cells.iter().map(|c| inert(c)))
            .map_err(|e| DbError::Sqlx(sqlx::Error::Protocol(e.to_string())))
    };
    write(&mut out, &header)?;
    for r in rows.iter().take(EXPORT_MAX_ROWS as usize) {
        let time = crate::domain::format_utc(r.created_at);
        write(
            &mut out,
            &[
                &time,
                &r.actor,
                &r.action,
                &r.target_type,
                &r.target_id,
                &r.detail,
                &r.ip,
            ],
        )?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| DbError::Sqlx(sqlx::Error::Protocol(e.to_string())))?;
    Ok((String::from_utf8_lossy(&bytes).into_owned(), cut))
}

/// A cell a spreadsheet will not run: text that starts like a formula gets a leading `'`.
fn inert(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// The audit retention in force: an admin's setting, else the environment's default.
pub async fn retention_days(db: &Db, default: u32) -> Result<u32, DbError> {
    let stored = service_settings::get(db, RETENTION_SETTING).await?;
    Ok(stored
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|d| AUDIT_RETENTION_RANGE.contains(d))
        .unwrap_or(default))
}

/// The retention an admin asked for is outside [`AUDIT_RETENTION_RANGE`].
#[derive(Debug, thiserror::Error)]
pub enum RetentionError {
    #[error("the retention must be between {} and {} days", AUDIT_RETENTION_RANGE.start(), AUDIT_RETENTION_RANGE.end())]
    OutOfRange,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Sets the retention; audited with the value it replaced.
pub async fn set_retention_days(
    db: &Db,
    clock: &dyn Clock,
    actor: Actor<'_>,
    default: u32,
    days: u32,
) -> Result<(), RetentionError> {
    if !AUDIT_RETENTION_RANGE.contains(&days) {
        return Err(RetentionError::OutOfRange);
    }
    let before = retention_days(db, default).await?;
    let now = clock.now();
    let _turn = db.write_turn().await;
    let mut tx = db.begin_write().await?;
    service_settings::set(&mut tx, RETENTION_SETTING, &days.to_string(), now).await?;
    let change = Change {
        action: "settings.audit_retention",
        target_type: "setting",
        target_id: RETENTION_SETTING,
        detail: json!({ "days": { "old": before, "new": days } }),
    };
    audit::record_in(&mut tx, now, actor, change).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn formula_like_cells_are_made_inert() {
        assert_eq!(super::inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(super::inert("-1+2"), "'-1+2");
        assert_eq!(super::inert("user.set_plan"), "user.set_plan");
    }
}
