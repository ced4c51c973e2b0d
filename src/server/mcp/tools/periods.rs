//! The financial year and periods a report covers, from its arguments and today: one rule for
//! every report tool (the current year by default; up to this month in this year, else to 12).

use super::{ToolCtx, ToolError};
use crate::server::mcp::odata;
use chrono::Datelike;

/// The year (default: this year) and a last period named `name` (default: this month in this
/// year, else 12), both checked.
pub fn year_and_period(
    ctx: &ToolCtx<'_>,
    year: Option<i64>,
    (name, period): (&str, Option<i64>),
) -> Result<(i64, i64), ToolError> {
    let today = ctx.today();
    let this_year = i64::from(today.year());
    let year = odata::check_year("year", year.unwrap_or(this_year))?;
    let default = if year == this_year {
        i64::from(today.month())
    } else {
        12
    };
    Ok((year, odata::check_period(name, period.unwrap_or(default))?))
}

/// A year and a range of periods: `period_from` (default 1) through `period_to` (defaults as
/// [`year_and_period`]), in order.
pub fn period_range(
    ctx: &ToolCtx<'_>,
    year: Option<i64>,
    period_from: Option<i64>,
    period_to: Option<i64>,
) -> Result<(i64, i64, i64), ToolError> {
    let (year, to) = year_and_period(ctx, year, ("period_to", period_to))?;
    let from = odata::check_period("period_from", period_from.unwrap_or(1))?;
    if from > to {
        return Err(ToolError::invalid(
            "`period_from` is after `period_to`; swap them.",
        ));
    }
    Ok((year, from, to))
}
