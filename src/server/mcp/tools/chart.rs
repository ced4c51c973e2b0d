//! The chart of accounts as the report tools need it. Exact's `financial/ReportingBalance` and
//! `budget/Budgets` name GL accounts but not their kind (a reporting balance's `Type` is the
//! transaction type), so whether an account is revenue, costs, cash or VAT is read here, from
//! `financial/GLAccounts`, once per call.

use super::{ListSpec, ToolCtx, ToolError, fetch_all, row};
use crate::server::mcp::{caller::Target, odata};
use std::collections::HashMap;

const GL_ACCOUNTS: ListSpec = ListSpec {
    path: "financial/GLAccounts",
    key: "ID",
    select: "ID,Code,Type,BalanceType",
    what: "GL accounts",
    module: None,
};

/// Exact's GL account types (`financial/GLAccounts.Type`) the tools group by.
pub const CASH: i64 = 10;
pub const BANK: i64 = 12;
pub const REVENUE: i64 = 110;
pub const COST_OF_GOODS: i64 = 111;

/// One GL account.
#[derive(Debug, Clone)]
pub struct Account {
    /// Exact's account type, e.g. 12 bank, 110 revenue.
    pub kind: Option<i64>,
    /// Balance sheet (`B`) or profit and loss (`W`).
    pub profit_loss: bool,
}

/// The accounts of one division by code.
#[derive(Debug, Default)]
pub struct Chart {
    by_code: HashMap<String, Account>,
}

impl Chart {
    pub fn get(&self, code: &str) -> Option<&Account> {
        self.by_code.get(code)
    }

    pub fn kind(&self, code: &str) -> Option<i64> {
        self.get(code).and_then(|a| a.kind)
    }

    /// Where a profit-and-loss account goes in a P&L: revenue, cost of sales or operating
    /// expenses (everything else).
    pub fn category(&self, code: &str) -> &'static str {
        match self.kind(code) {
            Some(REVENUE) => "revenue",
            Some(COST_OF_GOODS) => "cost_of_sales",
            _ => "operating_expenses",
        }
    }

    /// `GLAccountCode eq 'a' or …` for the accounts of `kinds`; `None` when there are none.
    pub fn filter_codes(&self, kinds: &[i64]) -> Option<String> {
        let mut codes: Vec<&String> = self
            .by_code
            .iter()
            .filter(|(_, a)| a.kind.is_some_and(|k| kinds.contains(&k)))
            .map(|(c, _)| c)
            .collect();
        codes.sort();
        (!codes.is_empty()).then(|| {
            codes
                .iter()
                .map(|c| format!("GLAccountCode eq {}", odata::text(c)))
                .collect::<Vec<_>>()
                .join(" or ")
        })
    }
}

/// Reads the division's chart of accounts.
pub async fn read(ctx: &ToolCtx<'_>, target: &Target) -> Result<Chart, ToolError> {
    let rows = fetch_all(ctx, target, &GL_ACCOUNTS, None).await?;
    let by_code = rows
        .iter()
        .filter_map(|r| {
            let code = row::text(r, "Code")?;
            Some((
                code,
                Account {
                    kind: row::int(r, "Type"),
                    profit_loss: row::text(r, "BalanceType").as_deref() == Some("W"),
                },
            ))
        })
        .collect();
    Ok(Chart { by_code })
}
