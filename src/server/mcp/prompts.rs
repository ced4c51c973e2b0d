//! The predecessor's prompts, kept: ready-made instructions that tell the model which tools to
//! combine for a common question.

use rmcp::model::{GetPromptResult, Prompt, PromptArgument, PromptMessage, Role};
use std::collections::HashMap;

struct Spec {
    name: &'static str,
    title: &'static str,
    description: &'static str,
    /// (name, description)
    arguments: &'static [(&'static str, &'static str)],
    /// The instruction; `{name}` is replaced by the argument's value (or a default phrase).
    template: &'static str,
}

const DIVISION: (&str, &str) = (
    "division",
    "Division code to analyse (see list_divisions); the default division when omitted.",
);

const PROMPTS: &[Spec] = &[
    Spec {
        name: "financial_analysis",
        title: "Financial analysis",
        description: "A structured analysis of results, liquidity and working capital.",
        arguments: &[
            DIVISION,
            (
                "year",
                "Financial year to analyse; the current year when omitted.",
            ),
        ],
        template: "Analyse the finances of Exact Online division {division} for year {year}. Call \
                   get_financial_snapshot and get_profit_loss (and the previous year's get_profit_loss \
                   to compare). Report revenue, gross margin, operating expenses and result; cash, \
                   receivables and payables; the three most important observations; and concrete \
                   recommendations. State amounts in euros and name the periods they cover.",
    },
    Spec {
        name: "invoice_summary",
        title: "Invoice summary",
        description: "Sales invoices of a period: totals, open and paid, largest customers.",
        arguments: &[
            DIVISION,
            ("from_date", "First invoice date, YYYY-MM-DD."),
            ("to_date", "Last invoice date, YYYY-MM-DD."),
        ],
        template: "Summarise the sales invoices of division {division} dated from {from_date} to \
                   {to_date}. Use get_sales_invoices with those dates (follow `cursor` while \
                   `has_more` is true). Give the number of invoices, the total invoiced, how much is \
                   still open, the five largest customers by amount and anything unusual.",
    },
    Spec {
        name: "cash_flow_overview",
        title: "Cash flow overview",
        description: "Cash position and what comes in and goes out in the coming weeks.",
        arguments: &[DIVISION],
        template: "Give a cash flow overview of division {division}. Call get_cashflow_forecast \
                   (forecast_days 30) for today's cash, the expected inflows and outflows per week and \
                   the lowest point, and get_bank_transactions for the last month's movements. List \
                   the weeks with their closing balance, the overdue receivables that would help most \
                   if collected (get_aging_receivables), and any shortfall risk.",
    },
    Spec {
        name: "financial_health_check",
        title: "Financial health check",
        description: "Key ratios and warning signs, each with a traffic-light verdict.",
        arguments: &[DIVISION],
        template: "Run a financial health check of division {division}. Use get_financial_snapshot, \
                   get_profit_loss, get_aging_receivables and get_budget_comparison. Assess liquidity (cash against \
                   payables), collection (overdue share of receivables), profitability (gross margin \
                   and result) and give each a green, amber or red verdict with one sentence why.",
    },
    Spec {
        name: "debtor_collection",
        title: "Debtor collection",
        description: "Which customers to chase first, and what to say.",
        arguments: &[
            DIVISION,
            (
                "min_days_overdue",
                "Only invoices at least this many days overdue; 1 when omitted.",
            ),
        ],
        template: "Prepare debtor collection for division {division}. Call get_aging_receivables for \
                   the overdue amounts per customer and bucket, and get_outstanding_invoices with type \
                   receivable and min_days_overdue {min_days_overdue} for the invoices. Rank customers \
                   by overdue amount and age; for the top five call get_customer_360 and propose the \
                   next step (reminder, call, payment plan or stop deliveries) with a short, polite \
                   message in Dutch and English.",
    },
    Spec {
        name: "vat_preparation",
        title: "VAT preparation",
        description: "Material for a VAT return: the VAT booked in a quarter, per code.",
        arguments: &[
            DIVISION,
            ("year", "Financial year; the current year when omitted."),
            (
                "quarter",
                "Quarter 1 to 4; the last completed quarter when omitted.",
            ),
        ],
        template: "Prepare the VAT return of division {division} for quarter {quarter} of {year}. \
                   Call get_vat_summary with that year and quarter for the sales and purchase bases, \
                   the VAT to pay and to claim per VAT code and the balance. Use search_transactions \
                   (journal_type sales or purchase, the quarter's periods) to look into unusual codes. \
                   Summarise VAT charged on sales, VAT paid on purchases and the balance to pay or \
                   reclaim. Remind the reader that the return itself is filed in Exact or with the \
                   tax authority.",
    },
];

pub fn list() -> Vec<Prompt> {
    PROMPTS
        .iter()
        .map(|p| {
            Prompt::new(
                p.name,
                Some(p.description),
                Some(
                    p.arguments
                        .iter()
                        .map(|(name, description)| {
                            PromptArgument::new(*name)
                                .with_description(*description)
                                .with_required(false)
                        })
                        .collect(),
                ),
            )
            .with_title(p.title)
        })
        .collect()
}

/// The prompt's messages; `None` for an unknown prompt.
pub fn get(name: &str, arguments: &HashMap<String, String>) -> Option<GetPromptResult> {
    let spec = PROMPTS.iter().find(|p| p.name == name)?;
    let mut text = spec.template.to_string();
    for (arg, _) in spec.arguments {
        let value = arguments
            .get(*arg)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            // Arguments end up in a prompt, not a query; keep them short and on one line.
            .map(|v| {
                v.chars()
                    .filter(|c| !c.is_control())
                    .take(40)
                    .collect::<String>()
            })
            .unwrap_or_else(|| default_for(arg).to_string());
        text = text.replace(&format!("{{{arg}}}"), &value);
    }
    Some(
        GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
            .with_description(spec.description),
    )
}

fn default_for(argument: &str) -> &'static str {
    match argument {
        "division" => "(the default division)",
        "year" => "the current year",
        "from_date" => "the start of this year",
        "to_date" => "today",
        "min_days_overdue" => "1",
        "quarter" => "the last completed quarter",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_name_only_tools_that_exist_and_use_the_reporting_tools() {
        let tools: std::collections::HashSet<String> = crate::server::mcp::tools::TOOLS
            .iter()
            .map(|t| t.name.to_string())
            .collect();
        for spec in PROMPTS {
            for word in spec
                .template
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|w| w.starts_with("get_") || w.starts_with("search_"))
            {
                assert!(tools.contains(word), "{}: {word}", spec.name);
            }
        }
        let template = |name: &str| PROMPTS.iter().find(|p| p.name == name).unwrap().template;
        assert!(template("vat_preparation").contains("get_vat_summary"));
        assert!(template("cash_flow_overview").contains("get_cashflow_forecast"));
        assert!(template("debtor_collection").contains("get_aging_receivables"));
    }

    #[test]
    fn all_six_prompts_fill_in_their_arguments() {
        let names: Vec<String> = list().into_iter().map(|p| p.name).collect();
        assert_eq!(
            names,
            [
                "financial_analysis",
                "invoice_summary",
                "cash_flow_overview",
                "financial_health_check",
                "debtor_collection",
                "vat_preparation"
            ]
        );
        let args = HashMap::from([("division".to_string(), "202".to_string())]);
        for name in &names {
            let result = get(name, &args).unwrap();
            let text = serde_json::to_string(&result.messages).unwrap();
            assert!(
                !text.contains('{') || !text.contains("{division}"),
                "{name}"
            );
            assert!(text.contains("202"), "{name}");
        }
        assert!(get("nope", &args).is_none());
    }
}
