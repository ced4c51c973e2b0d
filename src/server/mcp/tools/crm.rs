//! get_quotations, get_opportunities and get_sales_funnel, from `crm/Quotations` and
//! `crm/Opportunities`.
//!
//! Exact keeps every version of a quotation as its own row (one `QuotationNumber`, rising
//! `VersionNumber`) and closes the earlier one as "reviewed and closed" (status 6) when a new
//! version is made; the tool shows the current versions unless `reviewed` is asked for.
//! Opportunity stages are the administration's own; `Probability` is read as a fraction when it
//! is at most 1 (as Exact writes percentages elsewhere) and as a percentage above that.
//!
//! Field lists: Exact's REST reference for Quotations and Opportunities.

use super::{ListSpec, ToolCtx, ToolError, cents, check_limit, fetch_all, list_page, row};
use crate::server::mcp::odata;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

const QUOTATIONS: ListSpec = ListSpec {
    path: "crm/Quotations",
    key: "QuotationID",
    select: "QuotationID,QuotationNumber,VersionNumber,QuotationDate,DueDate,CloseDate,OrderAccount,OrderAccountName,Description,Currency,AmountDC,VATAmountFC,Status,Opportunity,SalesPersonFullName",
    what: "quotations",
    module: None,
};
const OPPORTUNITIES: ListSpec = ListSpec {
    path: "crm/Opportunities",
    key: "ID",
    select: "ID,Number,Name,Account,AccountName,AmountDC,Currency,Probability,OpportunityStage,OpportunityStageDescription,OpportunityStatus,ActionDate,CloseDate,Owner,OwnerFullName,ReasonCodeDescription,Created",
    what: "opportunities",
    module: None,
};

// ---------------------------------------------------------------------------------------------
// Quotations

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum QuotationStatus {
    /// Not yet sent.
    Draft,
    /// Sent and awaiting the customer (open, printed, awaiting online acceptance, processing).
    Sent,
    Accepted,
    Rejected,
    /// Earlier versions, closed when a new version was made.
    Reviewed,
    /// Every current version (default).
    #[default]
    All,
}

/// Exact's codes for a status filter.
fn quotation_codes(status: QuotationStatus) -> &'static [i64] {
    match status {
        QuotationStatus::Draft => &[20],
        QuotationStatus::Sent => &[25, 35, 40, 60],
        QuotationStatus::Accepted => &[50, 70],
        QuotationStatus::Rejected => &[5],
        QuotationStatus::Reviewed => &[6],
        QuotationStatus::All => &[],
    }
}

fn quotation_word(code: Option<i64>) -> &'static str {
    match code {
        Some(20) => "draft",
        Some(25 | 35 | 40 | 60) => "sent",
        Some(50 | 70) => "accepted",
        Some(5) => "rejected",
        Some(6) => "reviewed",
        Some(10) => "recovery",
        _ => "unknown",
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuotationsArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// draft, sent, accepted, rejected, reviewed (earlier versions) or all current versions
    /// (default).
    #[serde(default)]
    pub status: QuotationStatus,
    /// Only this customer's quotations: the customer's ID (GUID) from get_relations or search_relations.
    pub customer_id: Option<String>,
    /// Quotations dated on or after this day (YYYY-MM-DD).
    pub from_date: Option<String>,
    /// Quotations dated on or before this day (YYYY-MM-DD).
    pub to_date: Option<String>,
    /// Rows per page, 1 to 500 (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Quotation {
    pub id: String,
    pub quotation_number: Option<i64>,
    pub version: Option<i64>,
    /// Quotation date, YYYY-MM-DD.
    pub date: Option<String>,
    /// Valid until.
    pub valid_until: Option<String>,
    /// When the customer accepted or rejected it (or it was closed).
    pub close_date: Option<String>,
    pub customer_id: Option<String>,
    pub customer_name: Option<String>,
    pub description: Option<String>,
    pub currency: String,
    /// Including VAT.
    pub amount: f64,
    pub vat_amount: f64,
    pub amount_excl_vat: f64,
    /// draft, sent, accepted, rejected or reviewed.
    pub status: String,
    /// Exact's own status code (e.g. 40 printed, 60 awaiting online acceptance).
    pub exact_status: Option<i64>,
    pub opportunity_id: Option<String>,
    pub salesperson: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct QuotationsOutput {
    pub division: i64,
    pub quotations: Vec<Quotation>,
    pub count: usize,
    /// Sum of `amount_excl_vat` over this page.
    pub total_excl_vat: f64,
    pub has_more: bool,
    pub cursor: Option<String>,
}

pub async fn quotations(
    ctx: &ToolCtx<'_>,
    args: QuotationsArgs,
) -> Result<QuotationsOutput, ToolError> {
    const TOOL: &str = "get_quotations";
    let limit = check_limit(args.limit, 100, 500)?;
    let mut clauses = Vec::new();
    clauses.extend(odata::guid_clause(
        "OrderAccount",
        ("customer_id", args.customer_id.as_deref()),
    )?);
    clauses.extend(odata::date_clauses(
        "QuotationDate",
        odata::date_range(args.from_date.as_deref(), args.to_date.as_deref())?,
    ));
    clauses.push(match quotation_codes(args.status) {
        [] => "Status ne 6".to_string(),
        codes => codes
            .iter()
            .map(|c| format!("Status eq {c}"))
            .collect::<Vec<_>>()
            .join(" or "),
    });
    let target = ctx.target(args.division)?;
    let page = list_page(
        ctx,
        &target,
        (TOOL, &QUOTATIONS),
        odata::all_of(clauses),
        limit,
        args.cursor.as_deref(),
    )
    .await?;
    let quotations: Vec<Quotation> = page.rows.iter().map(quotation).collect();
    Ok(QuotationsOutput {
        division: target.division,
        count: quotations.len(),
        total_excl_vat: cents(quotations.iter().map(|q| q.amount_excl_vat).sum()),
        quotations,
        has_more: page.has_more(),
        cursor: page.cursor,
    })
}

fn quotation(r: &Value) -> Quotation {
    let (amount, vat) = (row::num(r, "AmountDC"), row::num(r, "VATAmountFC"));
    let code = row::int(r, "Status");
    Quotation {
        id: row::text_or_empty(r, "QuotationID"),
        quotation_number: row::int(r, "QuotationNumber"),
        version: row::int(r, "VersionNumber"),
        date: row::date(r, "QuotationDate"),
        valid_until: row::date(r, "DueDate"),
        close_date: row::date(r, "CloseDate"),
        customer_id: row::text(r, "OrderAccount"),
        customer_name: row::text(r, "OrderAccountName"),
        description: row::text(r, "Description"),
        currency: row::text(r, "Currency").unwrap_or_else(|| "EUR".into()),
        amount: cents(amount),
        vat_amount: cents(vat),
        amount_excl_vat: cents(amount - vat),
        status: quotation_word(code).to_string(),
        exact_status: code,
        opportunity_id: row::text(r, "Opportunity"),
        salesperson: row::text(r, "SalesPersonFullName"),
    }
}

// ---------------------------------------------------------------------------------------------
// Opportunities

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OpportunityStatus {
    Open,
    Won,
    Lost,
    /// Every opportunity (default).
    #[default]
    All,
}

fn opportunity_word(code: Option<i64>) -> &'static str {
    match code {
        Some(1) => "open",
        Some(2) => "won",
        Some(3) => "lost",
        _ => "unknown",
    }
}

/// A probability as a percentage: Exact's fraction (0.4) or, above 1, a percentage already.
fn percent(probability: f64) -> f64 {
    let p = if probability <= 1.0 {
        probability * 100.0
    } else {
        probability
    };
    (p.clamp(0.0, 100.0) * 10.0).round() / 10.0
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpportunitiesArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// open, won, lost or all (default).
    #[serde(default)]
    pub status: OpportunityStatus,
    /// Only this account's opportunities (its ID, a GUID, from get_relations or search_relations).
    pub account_id: Option<String>,
    /// Only this owner's opportunities (the owner's user ID, a GUID, from an earlier result).
    pub owner_id: Option<String>,
    /// Text the opportunity's name contains.
    pub search: Option<String>,
    /// Rows per page, 1 to 500 (default 100).
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<u32>,
    /// The `cursor` of the previous page, to continue.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Opportunity {
    pub id: String,
    pub number: Option<i64>,
    pub name: Option<String>,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    pub currency: String,
    pub amount: f64,
    /// The chance of winning, 0 to 100.
    pub probability_percent: f64,
    /// amount x probability.
    pub weighted_amount: f64,
    pub stage: Option<String>,
    /// open, won or lost.
    pub status: String,
    /// Open: the expected close date; won or lost: the day it closed.
    pub close_date: Option<String>,
    /// The date of the next action.
    pub next_action_date: Option<String>,
    pub owner_id: Option<String>,
    pub owner: Option<String>,
    /// Why it was lost.
    pub reason: Option<String>,
    pub created: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OpportunitiesOutput {
    pub division: i64,
    pub opportunities: Vec<Opportunity>,
    pub count: usize,
    /// Sums over this page.
    pub total_amount: f64,
    pub total_weighted: f64,
    pub has_more: bool,
    pub cursor: Option<String>,
}

pub async fn opportunities(
    ctx: &ToolCtx<'_>,
    args: OpportunitiesArgs,
) -> Result<OpportunitiesOutput, ToolError> {
    const TOOL: &str = "get_opportunities";
    let limit = check_limit(args.limit, 100, 500)?;
    let mut clauses = Vec::new();
    clauses.extend(odata::guid_clause(
        "Account",
        ("account_id", args.account_id.as_deref()),
    )?);
    clauses.extend(odata::guid_clause(
        "Owner",
        ("owner_id", args.owner_id.as_deref()),
    )?);
    if let Some(s) = odata::optional_text("search", args.search.as_deref())? {
        clauses.push(format!("substringof({}, Name) eq true", odata::text(&s)));
    }
    match args.status {
        OpportunityStatus::Open => clauses.push("OpportunityStatus eq 1".into()),
        OpportunityStatus::Won => clauses.push("OpportunityStatus eq 2".into()),
        OpportunityStatus::Lost => clauses.push("OpportunityStatus eq 3".into()),
        OpportunityStatus::All => {}
    }
    let target = ctx.target(args.division)?;
    let page = list_page(
        ctx,
        &target,
        (TOOL, &OPPORTUNITIES),
        odata::all_of(clauses),
        limit,
        args.cursor.as_deref(),
    )
    .await?;
    let opportunities: Vec<Opportunity> = page.rows.iter().map(opportunity).collect();
    Ok(OpportunitiesOutput {
        division: target.division,
        count: opportunities.len(),
        total_amount: cents(opportunities.iter().map(|o| o.amount).sum()),
        total_weighted: cents(opportunities.iter().map(|o| o.weighted_amount).sum()),
        opportunities,
        has_more: page.has_more(),
        cursor: page.cursor,
    })
}

fn opportunity(r: &Value) -> Opportunity {
    let amount = row::num(r, "AmountDC");
    let probability = percent(row::num(r, "Probability"));
    Opportunity {
        id: row::text_or_empty(r, "ID"),
        number: row::int(r, "Number"),
        name: row::text(r, "Name"),
        account_id: row::text(r, "Account"),
        account_name: row::text(r, "AccountName"),
        currency: row::text(r, "Currency").unwrap_or_else(|| "EUR".into()),
        amount: cents(amount),
        probability_percent: probability,
        weighted_amount: cents(amount * probability / 100.0),
        stage: row::text(r, "OpportunityStageDescription"),
        status: opportunity_word(row::int(r, "OpportunityStatus")).to_string(),
        close_date: row::date(r, "CloseDate"),
        next_action_date: row::date(r, "ActionDate"),
        owner_id: row::text(r, "Owner"),
        owner: row::text(r, "OwnerFullName"),
        reason: row::text(r, "ReasonCodeDescription"),
        created: row::date(r, "Created"),
    }
}

// ---------------------------------------------------------------------------------------------
// Sales funnel

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FunnelArgs {
    /// Division code (see list_divisions); the default division when omitted.
    pub division: Option<i64>,
    /// Only opportunities created on or after this day (YYYY-MM-DD).
    pub date_from: Option<String>,
    /// Only opportunities created on or before this day (YYYY-MM-DD).
    pub date_to: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Stage {
    pub stage: String,
    /// Open opportunities in this stage.
    pub count: usize,
    pub amount: f64,
    /// Sum of amount x probability.
    pub weighted_amount: f64,
    /// Average probability of the stage's open opportunities, 0 to 100.
    pub average_probability_percent: f64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Outcome {
    pub count: usize,
    pub amount: f64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct FunnelOutput {
    pub division: i64,
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    /// The open pipeline per stage, from the lowest average probability to the highest.
    pub stages: Vec<Stage>,
    pub open: Outcome,
    pub open_weighted_amount: f64,
    pub won: Outcome,
    pub lost: Outcome,
    /// won / (won + lost) by count, 0 to 100; null when nothing closed.
    pub win_rate_percent: Option<f64>,
    /// won / (won + lost) by amount, 0 to 100; null when nothing closed.
    pub win_rate_by_amount_percent: Option<f64>,
    pub method: String,
}

pub async fn funnel(ctx: &ToolCtx<'_>, args: FunnelArgs) -> Result<FunnelOutput, ToolError> {
    let dates = odata::named_date_range(
        ("date_from", args.date_from.as_deref()),
        ("date_to", args.date_to.as_deref()),
    )?;
    let target = ctx.target(args.division)?;
    let rows = fetch_all(
        ctx,
        &target,
        &OPPORTUNITIES,
        odata::all_of(odata::date_clauses("Created", dates)),
    )
    .await?;
    let all: Vec<Opportunity> = rows.iter().map(opportunity).collect();
    let mut stages: BTreeMap<String, Vec<&Opportunity>> = BTreeMap::new();
    for o in all.iter().filter(|o| o.status == "open") {
        let name = o.stage.clone().unwrap_or_else(|| "(no stage)".into());
        stages.entry(name).or_default().push(o);
    }
    let mut stages: Vec<Stage> = stages
        .into_iter()
        .map(|(stage, os)| Stage {
            count: os.len(),
            amount: cents(os.iter().map(|o| o.amount).sum()),
            weighted_amount: cents(os.iter().map(|o| o.weighted_amount).sum()),
            average_probability_percent: (os.iter().map(|o| o.probability_percent).sum::<f64>()
                / os.len() as f64
                * 10.0)
                .round()
                / 10.0,
            stage,
        })
        .collect();
    stages.sort_by(|a, b| {
        a.average_probability_percent
            .total_cmp(&b.average_probability_percent)
            .then_with(|| a.stage.cmp(&b.stage))
    });
    let outcome = |status: &str| {
        let os: Vec<&Opportunity> = all.iter().filter(|o| o.status == status).collect();
        Outcome {
            count: os.len(),
            amount: cents(os.iter().map(|o| o.amount).sum()),
        }
    };
    let (open, won, lost) = (outcome("open"), outcome("won"), outcome("lost"));
    let rate = |w: f64, l: f64| (w + l > 0.0).then(|| (w / (w + l) * 1_000.0).round() / 10.0);
    Ok(FunnelOutput {
        division: target.division,
        date_from: dates.0.map(|d| d.to_string()),
        date_to: dates.1.map(|d| d.to_string()),
        open_weighted_amount: cents(stages.iter().map(|s| s.weighted_amount).sum()),
        win_rate_percent: rate(won.count as f64, lost.count as f64),
        win_rate_by_amount_percent: rate(won.amount, lost.amount),
        stages,
        open,
        won,
        lost,
        method: "Opportunities created in the date range (all when none is given). Open ones per \
                 stage with amount x probability as the weighted amount; win rate = won / (won + \
                 lost)."
            .to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_read_as_fractions_or_percentages() {
        assert_eq!(percent(0.4), 40.0);
        assert_eq!(percent(1.0), 100.0);
        assert_eq!(percent(0.0), 0.0);
        assert_eq!(percent(65.0), 65.0);
        assert_eq!(percent(250.0), 100.0);
    }

    #[test]
    fn quotation_statuses_cover_exacts_codes() {
        for s in [
            QuotationStatus::Draft,
            QuotationStatus::Sent,
            QuotationStatus::Accepted,
            QuotationStatus::Rejected,
            QuotationStatus::Reviewed,
        ] {
            let word = format!("{s:?}").to_lowercase();
            for code in quotation_codes(s) {
                assert_eq!(quotation_word(Some(*code)), word);
            }
        }
    }
}
