//! Aging: get_aging_receivables and get_aging_payables bucket the open items of
//! `read/financial/ReceivablesList` / `PayablesList` by days past their due date (our rule, on our
//! clock); get_aging_analysis reports Exact's own aging lists (`read/financial/AgingReceivablesList`
//! / `AgingPayablesList`), whose four age groups Exact computes on its clock from the items'
//! dates.
//!
//! Field lists: Exact's REST reference for ReadFinancialReceivablesList, ReadFinancialPayablesList,
//! ReadFinancialAgingReceivablesList and ReadFinancialAgingPayablesList.

use super::{ListSpec, ToolCtx, ToolError, cents, fetch_all, row};
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

const OPEN_SELECT: &str = "HID,AccountId,AccountCode,AccountName,Amount,DueDate";
const RECEIVABLES: ListSpec = ListSpec {
    path: "read/financial/ReceivablesList",
    key: "HID",
    select: OPEN_SELECT,
    what: "receivables",
    module: None,
};
const PAYABLES: ListSpec = ListSpec {
    path: "read/financial/PayablesList",
    key: "HID",
    select: OPEN_SELECT,
    what: "payables",
    module: None,
};
const AGING_SELECT: &str = "AccountId,AccountCode,AccountName,AgeGroup1,AgeGroup1Amount,AgeGroup1Description,AgeGroup2,AgeGroup2Amount,AgeGroup2Description,AgeGroup3,AgeGroup3Amount,AgeGroup3Description,AgeGroup4,AgeGroup4Amount,AgeGroup4Description,TotalAmount";
const AGING_RECEIVABLES: ListSpec = ListSpec {
    path: "read/financial/AgingReceivablesList",
    key: "AccountId",
    select: AGING_SELECT,
    what: "the receivables aging list",
    module: None,
};
const AGING_PAYABLES: ListSpec = ListSpec {
    path: "read/financial/AgingPayablesList",
    key: "AccountId",
    select: AGING_SELECT,
    what: "the payables aging list",
    module: None,
};

/// The buckets of days past the due date: (name, label, last day overdue in it).
const BUCKETS: [(&str, &str, i64); 5] = [
    ("not_due", "Not yet due", 0),
    ("overdue_1_30", "1-30 days overdue", 30),
    ("overdue_31_60", "31-60 days overdue", 60),
    ("overdue_61_90", "61-90 days overdue", 90),
    ("overdue_over_90", "More than 90 days overdue", i64::MAX),
];

/// The bucket (index into [`BUCKETS`]) of an item `overdue_days` past its due date (0 or less:
/// not yet due).
pub fn bucket_of(overdue_days: i64) -> usize {
    BUCKETS
        .iter()
        .position(|(_, _, last)| overdue_days <= *last)
        .unwrap_or(BUCKETS.len() - 1)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Bucket {
    /// not_due, overdue_1_30, overdue_31_60, overdue_61_90 or overdue_over_90.
    pub bucket: String,
    pub label: String,
    pub amount: f64,
    pub count: usize,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AccountAging {
    pub account_id: String,
    pub account_code: Option<String>,
    pub account_name: Option<String>,
    pub open: f64,
    pub overdue: f64,
    /// Amounts per bucket, in the order of `buckets`.
    pub amounts: Vec<f64>,
    /// The most days any of its items is overdue.
    pub max_days_overdue: i64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OpenOutput {
    pub division: i64,
    /// The day the items are aged on.
    pub as_of: String,
    pub currency: String,
    pub total_open: f64,
    pub total_overdue: f64,
    pub count: usize,
    pub buckets: Vec<Bucket>,
    /// Per relation, most overdue first.
    pub accounts: Vec<AccountAging>,
    /// How the buckets are made.
    pub method: String,
}

pub async fn receivables(ctx: &ToolCtx<'_>, args: OpenArgs) -> Result<OpenOutput, ToolError> {
    open_items(ctx, args, &RECEIVABLES).await
}

pub async fn payables(ctx: &ToolCtx<'_>, args: OpenArgs) -> Result<OpenOutput, ToolError> {
    open_items(ctx, args, &PAYABLES).await
}

async fn open_items(
    ctx: &ToolCtx<'_>,
    args: OpenArgs,
    spec: &ListSpec,
) -> Result<OpenOutput, ToolError> {
    let today = ctx.today();
    let target = ctx.target(args.division)?;
    let rows = fetch_all(ctx, &target, spec, None).await?;
    Ok(age(target.division, today, &rows))
}

/// Buckets the open items by days past due on `today`, per relation too.
fn age(division: i64, today: NaiveDate, rows: &[Value]) -> OpenOutput {
    let mut buckets: Vec<Bucket> = BUCKETS
        .iter()
        .map(|(name, label, _)| Bucket {
            bucket: name.to_string(),
            label: label.to_string(),
            amount: 0.0,
            count: 0,
        })
        .collect();
    let mut accounts: BTreeMap<String, AccountAging> = BTreeMap::new();
    for r in rows {
        let amount = row::num(r, "Amount");
        let days = row::naive_date(r, "DueDate").map_or(0, |d| (today - d).num_days());
        let b = bucket_of(days);
        buckets[b].amount += amount;
        buckets[b].count += 1;
        let id = row::text_or_empty(r, "AccountId");
        let account = accounts.entry(id.clone()).or_insert_with(|| AccountAging {
            account_id: id,
            account_code: row::text(r, "AccountCode"),
            account_name: row::text(r, "AccountName"),
            open: 0.0,
            overdue: 0.0,
            amounts: vec![0.0; BUCKETS.len()],
            max_days_overdue: 0,
        });
        account.open += amount;
        account.amounts[b] += amount;
        if days > 0 {
            account.overdue += amount;
            account.max_days_overdue = account.max_days_overdue.max(days);
        }
    }
    let mut accounts: Vec<AccountAging> = accounts
        .into_values()
        .map(|mut a| {
            a.open = cents(a.open);
            a.overdue = cents(a.overdue);
            a.amounts = a.amounts.into_iter().map(cents).collect();
            a
        })
        .collect();
    accounts.sort_by(|a, b| {
        b.overdue
            .total_cmp(&a.overdue)
            .then(b.max_days_overdue.cmp(&a.max_days_overdue))
    });
    let total_open: f64 = buckets.iter().map(|b| b.amount).sum();
    let total_overdue: f64 = buckets.iter().skip(1).map(|b| b.amount).sum();
    for b in &mut buckets {
        b.amount = cents(b.amount);
    }
    OpenOutput {
        division,
        as_of: today.format("%Y-%m-%d").to_string(),
        currency: "EUR".to_string(),
        total_open: cents(total_open),
        total_overdue: cents(total_overdue),
        count: rows.len(),
        buckets,
        accounts,
        method:
            "Each open item goes in a bucket by whole days from its due date to the as-of day: \
                 0 or fewer is not yet due, then 1-30, 31-60, 61-90 and over 90 days overdue. \
                 Amounts are summed per bucket and rounded to the cent."
                .to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Exact's aging lists

#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AgingType {
    /// What customers owe.
    #[default]
    Receivables,
    /// What is owed to suppliers.
    Payables,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalysisArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// receivables (default) or payables.
    #[serde(rename = "type", default)]
    pub kind: AgingType,
    /// Also list the age groups per customer or supplier (default false).
    #[serde(default)]
    pub group_by_account: bool,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AgeGroup {
    /// Exact's age group number, 1 to 4.
    pub group: i64,
    /// Exact's description of the group, e.g. "0 - 30 dagen".
    pub description: String,
    pub amount: f64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AccountAgeGroups {
    pub account_id: String,
    pub account_code: Option<String>,
    pub account_name: Option<String>,
    pub total: f64,
    pub groups: Vec<AgeGroup>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AnalysisOutput {
    pub division: i64,
    /// receivables or payables.
    #[serde(rename = "type")]
    pub kind: String,
    pub currency: String,
    pub total: f64,
    pub account_count: usize,
    /// Exact's four age groups, summed over all relations.
    pub groups: Vec<AgeGroup>,
    /// Per relation, largest first (only with `group_by_account`).
    pub accounts: Option<Vec<AccountAgeGroups>>,
}

fn groups_of(r: &Value) -> Vec<AgeGroup> {
    (1..=4)
        .map(|n| AgeGroup {
            group: row::int(r, &format!("AgeGroup{n}")).unwrap_or(n),
            description: row::text_or_empty(r, &format!("AgeGroup{n}Description")),
            amount: row::num(r, &format!("AgeGroup{n}Amount")),
        })
        .collect()
}

pub async fn analysis(ctx: &ToolCtx<'_>, args: AnalysisArgs) -> Result<AnalysisOutput, ToolError> {
    let (spec, kind) = match args.kind {
        AgingType::Receivables => (&AGING_RECEIVABLES, "receivables"),
        AgingType::Payables => (&AGING_PAYABLES, "payables"),
    };
    let target = ctx.target(args.division)?;
    let rows = fetch_all(ctx, &target, spec, None).await?;
    let mut groups: Vec<AgeGroup> = Vec::new();
    let mut accounts: Vec<AccountAgeGroups> = Vec::new();
    for r in &rows {
        let own = groups_of(r);
        for (n, g) in own.iter().enumerate() {
            match groups.get_mut(n) {
                Some(sum) => sum.amount += g.amount,
                None => groups.push(AgeGroup {
                    group: g.group,
                    description: g.description.clone(),
                    amount: g.amount,
                }),
            }
        }
        accounts.push(AccountAgeGroups {
            account_id: row::text_or_empty(r, "AccountId"),
            account_code: row::text(r, "AccountCode"),
            account_name: row::text(r, "AccountName"),
            total: cents(row::num(r, "TotalAmount")),
            groups: own
                .into_iter()
                .map(|g| AgeGroup {
                    amount: cents(g.amount),
                    ..g
                })
                .collect(),
        });
    }
    for g in &mut groups {
        g.amount = cents(g.amount);
    }
    accounts.sort_by(|a, b| b.total.total_cmp(&a.total));
    Ok(AnalysisOutput {
        division: target.division,
        kind: kind.to_string(),
        currency: "EUR".to_string(),
        total: cents(rows.iter().map(|r| row::num(r, "TotalAmount")).sum()),
        account_count: rows.len(),
        groups,
        accounts: args.group_by_account.then_some(accounts),
    })
}

#[cfg(test)]
mod tests {
    use super::bucket_of;

    #[test]
    fn buckets_by_days_past_due() {
        assert_eq!(bucket_of(-5), 0);
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(1), 1);
        assert_eq!(bucket_of(30), 1);
        assert_eq!(bucket_of(31), 2);
        assert_eq!(bucket_of(90), 3);
        assert_eq!(bucket_of(91), 4);
    }
}
