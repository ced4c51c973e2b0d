//! The entity sets the demo books serve: their paths, OData types, keys and fields, with Exact's
//! names, so the simulator and the in-process query engine declare every set once.

use crate::odata::{Field, FieldType as T};

/// An Exact entity set the simulator serves under `/api/v1/{division}/{path}`.
#[derive(Debug)]
pub struct EntitySet {
    pub path: &'static str,
    /// The OData type, as Exact names it in `__metadata` and in error messages.
    pub type_name: &'static str,
    /// The key field: rows are paged in its order and `$skiptoken` names its last value.
    pub key: &'static str,
    pub fields: &'static [Field],
    /// With `$top`, Exact answers some endpoints as `{"d": [...]}` instead of
    /// `{"d": {"results": [...]}}` (and then without `__next`); clients must accept both.
    pub bare_with_top: bool,
    /// A `read/…` function's required URL parameters (`?year=2026`), each naming the integer
    /// field it selects on; not OData options.
    pub params: &'static [(&'static str, &'static str)],
    /// The Exact module the set belongs to, when an administration may lack it.
    pub module: Option<&'static str>,
}

const fn f(name: &'static str, ty: T) -> Field {
    Field { name, ty }
}

const ACCOUNT_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Code", T::String),
    f("Name", T::String),
    f("AddressLine1", T::String),
    f("Postcode", T::String),
    f("City", T::String),
    f("Country", T::String),
    f("Email", T::String),
    f("Phone", T::String),
    f("Website", T::String),
    // C customer, P prospect, S suspect, A none (e.g. a supplier only).
    f("Status", T::String),
    f("IsSales", T::Bool),
    f("IsSupplier", T::Bool),
    f("IsPurchase", T::Bool),
    f("Blocked", T::Bool),
    f("VATNumber", T::String),
    f("ChamberOfCommerce", T::String),
    f("PaymentConditionSales", T::String),
    f("CreditLineSales", T::Double),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const CONTACT_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Account", T::Guid),
    f("AccountName", T::String),
    f("FirstName", T::String),
    f("LastName", T::String),
    f("FullName", T::String),
    f("Email", T::String),
    f("Phone", T::String),
    f("Mobile", T::String),
    f("JobTitleDescription", T::String),
    f("IsMainContact", T::Bool),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const SALES_INVOICE_FIELDS: &[Field] = &[
    f("InvoiceID", T::Guid),
    f("InvoiceNumber", T::Int),
    f("InvoiceDate", T::DateTime),
    f("OrderedBy", T::Guid),
    f("OrderedByName", T::String),
    f("InvoiceTo", T::Guid),
    f("InvoiceToName", T::String),
    f("AmountDC", T::Double),
    f("AmountFC", T::Double),
    f("VATAmountDC", T::Double),
    f("Currency", T::String),
    // 10 draft (the only kind this endpoint holds), 20 open, 50 processed.
    f("Status", T::Int),
    f("StatusDescription", T::String),
    f("Description", T::String),
    f("YourRef", T::String),
    f("DueDate", T::DateTime),
    f("Journal", T::String),
    f("PaymentCondition", T::String),
    f("Type", T::Int),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const SALES_ENTRY_FIELDS: &[Field] = &[
    f("EntryID", T::Guid),
    f("EntryNumber", T::Int),
    f("InvoiceNumber", T::Int),
    f("EntryDate", T::DateTime),
    f("Customer", T::Guid),
    f("CustomerName", T::String),
    f("AmountDC", T::Double),
    f("AmountFC", T::Double),
    f("VATAmountDC", T::Double),
    f("Currency", T::String),
    f("Description", T::String),
    f("YourRef", T::String),
    f("DueDate", T::DateTime),
    f("Journal", T::String),
    f("JournalDescription", T::String),
    f("FinancialYear", T::Int),
    f("FinancialPeriod", T::Int),
    // 20 open, 50 processed.
    f("Status", T::Int),
    f("PaymentCondition", T::String),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const PURCHASE_ENTRY_FIELDS: &[Field] = &[
    f("EntryID", T::Guid),
    f("EntryNumber", T::Int),
    f("EntryDate", T::DateTime),
    f("Supplier", T::Guid),
    f("SupplierName", T::String),
    // Gross, VAT included, positive (the creditors line carries it negative).
    f("AmountDC", T::Double),
    f("AmountFC", T::Double),
    f("VATAmountDC", T::Double),
    f("Currency", T::String),
    f("Description", T::String),
    // The supplier's reference (their invoice number), when they gave one.
    f("YourRef", T::String),
    f("DueDate", T::DateTime),
    f("Journal", T::String),
    f("JournalDescription", T::String),
    f("FinancialYear", T::Int),
    f("FinancialPeriod", T::Int),
    // 20 open, 50 processed.
    f("Status", T::Int),
    f("PaymentCondition", T::String),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const GL_ACCOUNT_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Code", T::String),
    f("Description", T::String),
    // D debit, C credit.
    f("BalanceSide", T::String),
    // B balance sheet, W profit and loss.
    f("BalanceType", T::String),
    f("Type", T::Int),
    f("TypeDescription", T::String),
    f("IsBlocked", T::Bool),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const TRANSACTION_LINE_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("EntryID", T::Guid),
    f("EntryNumber", T::Int),
    f("LineNumber", T::Int),
    f("Date", T::DateTime),
    f("FinancialYear", T::Int),
    f("FinancialPeriod", T::Int),
    f("GLAccount", T::Guid),
    f("GLAccountCode", T::String),
    f("GLAccountDescription", T::String),
    f("JournalCode", T::String),
    f("JournalDescription", T::String),
    // 20 sales entry, 30 purchase entry, 40 cash flow (bank).
    f("Type", T::Int),
    f("Status", T::Int),
    // Debit positive, credit negative, as Exact signs them.
    f("AmountDC", T::Double),
    f("AmountFC", T::Double),
    f("VATCode", T::String),
    f("Description", T::String),
    f("Account", T::Guid),
    f("AccountCode", T::String),
    f("AccountName", T::String),
    f("Asset", T::Guid),
    f("AssetCode", T::String),
    f("AssetDescription", T::String),
    // The cost centre's code.
    f("CostCenter", T::String),
    f("CostCenterDescription", T::String),
    f("InvoiceNumber", T::Int),
    f("DueDate", T::DateTime),
    f("Currency", T::String),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const REPORTING_BALANCE_FIELDS: &[Field] = &[
    f("ID", T::Int),
    // B balance sheet, W profit and loss.
    f("BalanceType", T::String),
    f("GLAccount", T::Guid),
    f("GLAccountCode", T::String),
    f("GLAccountDescription", T::String),
    f("ReportingYear", T::Int),
    f("ReportingPeriod", T::Int),
    f("CostCenterCode", T::String),
    f("CostCenterDescription", T::String),
    // Debit positive, credit negative: AmountDebit - AmountCredit.
    f("Amount", T::Double),
    f("AmountDebit", T::Double),
    // The credits as a positive number.
    f("AmountCredit", T::Double),
    // How many transaction lines were summed.
    f("Count", T::Int),
    f("Status", T::Int),
    // The GL account's type (12 bank, 20 debtors, 110 revenue, …).
    f("Type", T::Int),
    f("Division", T::Int),
];

const BANK_ENTRY_LINE_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("EntryID", T::Guid),
    f("EntryNumber", T::Int),
    f("LineNumber", T::Int),
    f("Date", T::DateTime),
    // The contra account: debtors for a receipt, creditors for a payment.
    f("GLAccount", T::Guid),
    f("GLAccountCode", T::String),
    f("GLAccountDescription", T::String),
    f("Account", T::Guid),
    f("AccountCode", T::String),
    f("AccountName", T::String),
    // Positive money in, negative money out (the bank account's side).
    f("AmountDC", T::Double),
    f("AmountFC", T::Double),
    f("Currency", T::String),
    f("Description", T::String),
    // The invoice (entry number) the payment settles.
    f("OurRef", T::Int),
    f("Division", T::Int),
];

const ITEM_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Code", T::String),
    f("Description", T::String),
    f("ItemGroupCode", T::String),
    f("ItemGroupDescription", T::String),
    f("Unit", T::String),
    f("UnitDescription", T::String),
    f("IsSalesItem", T::Bool),
    f("IsPurchaseItem", T::Bool),
    f("IsStockItem", T::Bool),
    f("CostPriceStandard", T::Double),
    f("CostPriceCurrency", T::String),
    f("StandardSalesPrice", T::Double),
    f("SalesVatCode", T::String),
    // Quantity in stock: the item's warehouses' current stock summed.
    f("Stock", T::Double),
    f("StartDate", T::DateTime),
    f("EndDate", T::DateTime),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

/// ReceivablesList and PayablesList share their shape.
const OUTSTANDING_FIELDS: &[Field] = &[
    f("HID", T::Int),
    f("AccountId", T::Guid),
    f("AccountCode", T::String),
    f("AccountName", T::String),
    f("Amount", T::Double),
    f("AmountInTransit", T::Double),
    f("CurrencyCode", T::String),
    f("Description", T::String),
    f("DueDate", T::DateTime),
    f("EntryNumber", T::Int),
    f("Id", T::Guid),
    f("InvoiceDate", T::DateTime),
    f("InvoiceNumber", T::Int),
    f("JournalCode", T::String),
    f("JournalDescription", T::String),
    f("YourRef", T::String),
];

// Field lists below from Exact's REST API reference (HlpRestAPIResourcesDetails.aspx?name=…), as
// generated into the Pi-Systems/exact-online and picqer/exact-php-client libraries.

const BANK_ENTRY_FIELDS: &[Field] = &[
    f("EntryID", T::Guid),
    f("EntryNumber", T::Int),
    f("FinancialYear", T::Int),
    f("FinancialPeriod", T::Int),
    // The bank journal: Exact names a bank account only through its journal.
    f("JournalCode", T::String),
    f("JournalDescription", T::String),
    f("Currency", T::String),
    f("Status", T::Int),
    f("StatusDescription", T::String),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const JOURNAL_FIELDS: &[Field] = &[
    f("Code", T::String),
    f("Description", T::String),
    // 10 cash, 12 bank, 20 sales, 22 purchase, 90 general journal.
    f("Type", T::Int),
    f("GLAccount", T::Guid),
    f("GLAccountCode", T::String),
    f("GLAccountDescription", T::String),
    f("BankAccountIBAN", T::String),
    f("BankAccountDescription", T::String),
    f("Currency", T::String),
    f("IsBlocked", T::Bool),
    f("Division", T::Int),
];

const REVENUE_FIELDS: &[Field] = &[
    f("Year", T::Int),
    f("Period", T::Int),
    f("Amount", T::Double),
];

const AGING_FIELDS: &[Field] = &[
    f("AccountId", T::Guid),
    f("AccountCode", T::String),
    f("AccountName", T::String),
    f("AgeGroup1", T::Int),
    f("AgeGroup1Amount", T::Double),
    f("AgeGroup1Description", T::String),
    f("AgeGroup2", T::Int),
    f("AgeGroup2Amount", T::Double),
    f("AgeGroup2Description", T::String),
    f("AgeGroup3", T::Int),
    f("AgeGroup3Amount", T::Double),
    f("AgeGroup3Description", T::String),
    f("AgeGroup4", T::Int),
    f("AgeGroup4Amount", T::Double),
    f("AgeGroup4Description", T::String),
    f("CurrencyCode", T::String),
    f("TotalAmount", T::Double),
];

const VAT_CODE_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Code", T::String),
    f("Description", T::String),
    // A fraction: 0.21 for 21%.
    f("Percentage", T::Double),
    // B VAT 0% (base only), E excluding, I including, N no VAT.
    f("Type", T::String),
    // B both, P purchase, S sales.
    f("VATTransactionType", T::String),
    f("GLToPay", T::Guid),
    f("GLToPayCode", T::String),
    f("GLToPayDescription", T::String),
    f("GLToClaim", T::Guid),
    f("GLToClaimCode", T::String),
    f("GLToClaimDescription", T::String),
    f("Charged", T::Bool),
    f("IsBlocked", T::Bool),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const BUDGET_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("HID", T::Int),
    f("BudgetScenario", T::Guid),
    f("BudgetScenarioCode", T::String),
    f("BudgetScenarioDescription", T::String),
    f("GLAccount", T::Guid),
    f("GLAccountCode", T::String),
    f("GLAccountDescription", T::String),
    // Lower-case c, unlike the transaction lines' CostCenter.
    f("Costcenter", T::String),
    f("CostcenterDescription", T::String),
    f("ReportingYear", T::Int),
    f("ReportingPeriod", T::Int),
    f("AmountDC", T::Double),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const GENERAL_JOURNAL_ENTRY_FIELDS: &[Field] = &[
    f("EntryID", T::Guid),
    f("EntryNumber", T::Int),
    // No date on the header: the lines have it.
    f("FinancialYear", T::Int),
    f("FinancialPeriod", T::Int),
    f("JournalCode", T::String),
    f("JournalDescription", T::String),
    f("Currency", T::String),
    f("ExchangeRate", T::Double),
    // 5 rejected, 20 open, 50 processed.
    f("Status", T::Int),
    f("StatusDescription", T::String),
    // 10 opening balance, 90 other.
    f("Type", T::Int),
    f("TypeDescription", T::String),
    f("Reversal", T::Bool),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const GENERAL_JOURNAL_ENTRY_LINE_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("EntryID", T::Guid),
    f("EntryNumber", T::Int),
    f("LineNumber", T::Int),
    f("Date", T::DateTime),
    f("GLAccount", T::Guid),
    f("GLAccountCode", T::String),
    f("GLAccountDescription", T::String),
    f("AmountDC", T::Double),
    f("AmountFC", T::Double),
    f("Description", T::String),
    f("CostCenter", T::String),
    f("CostCenterDescription", T::String),
    f("Asset", T::Guid),
    f("AssetCode", T::String),
    f("AssetDescription", T::String),
    f("VATCode", T::String),
    f("Division", T::Int),
];

const CURRENCY_FIELDS: &[Field] = &[
    f("Code", T::String),
    f("Description", T::String),
    f("AmountPrecision", T::Double),
    f("PricePrecision", T::Double),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
];

const EXCHANGE_RATE_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    // One SourceCurrency is worth Rate TargetCurrency (the division's currency).
    f("SourceCurrency", T::String),
    f("SourceCurrencyDescription", T::String),
    f("TargetCurrency", T::String),
    f("TargetCurrencyDescription", T::String),
    f("Rate", T::Double),
    // Valid from this day until the next rate's.
    f("StartDate", T::DateTime),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const COST_CENTER_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Code", T::String),
    f("Description", T::String),
    // Obsolete in the documentation: EndDate tells whether it is still in use.
    f("Active", T::Bool),
    f("EndDate", T::DateTime),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const ASSET_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Code", T::String),
    f("Description", T::String),
    f("AssetGroup", T::Guid),
    f("AssetGroupCode", T::String),
    f("AssetGroupDescription", T::String),
    f("InvestmentAccountCode", T::String),
    f("InvestmentAmountDC", T::Double),
    f("InvestmentCurrency", T::String),
    f("InvestmentDate", T::DateTime),
    f("ResidualValue", T::Double),
    // The first day depreciated.
    f("StartDate", T::DateTime),
    // Filled when sold or inactive.
    f("EndDate", T::DateTime),
    // Only for assets depreciated before they were registered (AlreadyDepreciated).
    f("DepreciatedPeriods", T::Int),
    f("DepreciatedAmount", T::Double),
    f("AlreadyDepreciated", T::Int),
    f("PrimaryMethod", T::Guid),
    f("PrimaryMethodCode", T::String),
    f("PrimaryMethodDescription", T::String),
    // 1 active, 2 not validated, 3 inactive, 4 depreciated, 5 blocked, 6 sold.
    f("Status", T::Int),
    f("Costcenter", T::String),
    f("CostcenterDescription", T::String),
    f("Notes", T::String),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const DEPRECIATION_METHOD_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Code", T::String),
    f("Description", T::String),
    f("Type", T::Int),
    f("TypeDescription", T::String),
    f("DepreciationInterval", T::String),
    // Periods in all, for a periodic interval.
    f("Periods", T::Int),
    f("Years", T::Int),
    f("Percentage", T::Double),
    f("Amount", T::Double),
    f("Division", T::Int),
];

const ITEM_WAREHOUSE_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Item", T::Guid),
    f("ItemCode", T::String),
    f("ItemDescription", T::String),
    f("ItemUnit", T::String),
    f("ItemUnitDescription", T::String),
    f("ItemIsStockItem", T::Bool),
    f("Warehouse", T::Guid),
    f("WarehouseCode", T::String),
    f("WarehouseDescription", T::String),
    f("CurrentStock", T::Double),
    f("PlannedStockIn", T::Double),
    f("PlannedStockOut", T::Double),
    f("ProjectedStock", T::Double),
    f("ReservedStock", T::Double),
    // The minimum quantity to keep in stock.
    f("SafetyStock", T::Double),
    f("ReorderPoint", T::Double),
    f("MaximumStock", T::Double),
    f("Division", T::Int),
];

const SALES_ITEM_PRICE_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Item", T::Guid),
    f("ItemCode", T::String),
    f("ItemDescription", T::String),
    // A customer's price agreement; null for the general sales price.
    f("Account", T::Guid),
    f("AccountName", T::String),
    f("Price", T::Double),
    f("Currency", T::String),
    // The minimum quantity the price applies from.
    f("Quantity", T::Double),
    f("StartDate", T::DateTime),
    f("EndDate", T::DateTime),
    f("Unit", T::String),
    f("UnitDescription", T::String),
    f("NumberOfItemsPerUnit", T::Double),
    f("Division", T::Int),
];

const SUPPLIER_ITEM_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Item", T::Guid),
    f("ItemCode", T::String),
    f("ItemDescription", T::String),
    f("Supplier", T::Guid),
    f("SupplierCode", T::String),
    f("SupplierDescription", T::String),
    f("SupplierItemCode", T::String),
    f("MainSupplier", T::Bool),
    f("PurchasePrice", T::Double),
    f("Currency", T::String),
    f("PurchaseUnit", T::String),
    f("PurchaseUnitFactor", T::Double),
    f("Division", T::Int),
];

const SALES_ORDER_FIELDS: &[Field] = &[
    f("OrderID", T::Guid),
    f("OrderNumber", T::Int),
    f("OrderDate", T::DateTime),
    f("DeliveryDate", T::DateTime),
    f("OrderedBy", T::Guid),
    f("OrderedByName", T::String),
    f("InvoiceTo", T::Guid),
    f("InvoiceToName", T::String),
    f("Description", T::String),
    f("YourRef", T::String),
    f("Currency", T::String),
    f("AmountDC", T::Double),
    f("AmountFC", T::Double),
    f("AmountFCExclVat", T::Double),
    f("Status", T::Int),
    f("StatusDescription", T::String),
    f("DeliveryStatus", T::Int),
    f("DeliveryStatusDescription", T::String),
    f("InvoiceStatus", T::Int),
    f("InvoiceStatusDescription", T::String),
    f("Salesperson", T::Guid),
    f("SalespersonFullName", T::String),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const SALES_ORDER_LINE_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("LineNumber", T::Int),
    f("Item", T::Guid),
    f("ItemCode", T::String),
    f("ItemDescription", T::String),
    f("Description", T::String),
    f("Quantity", T::Double),
    f("UnitPrice", T::Double),
    f("NetPrice", T::Double),
    f("Discount", T::Double),
    f("AmountDC", T::Double),
    f("AmountFC", T::Double),
    f("VATAmount", T::Double),
    f("VATCode", T::String),
    f("VATPercentage", T::Double),
    f("Division", T::Int),
    f("OrderID", T::Guid),
    f("OrderNumber", T::Int),
    f("QuantityDelivered", T::Double),
    f("QuantityInvoiced", T::Double),
    f("DeliveryDate", T::DateTime),
    f("CostPriceFC", T::Double),
];

const PURCHASE_ORDER_FIELDS: &[Field] = &[
    f("PurchaseOrderID", T::Guid),
    f("OrderNumber", T::Int),
    f("OrderDate", T::DateTime),
    f("ReceiptDate", T::DateTime),
    f("Supplier", T::Guid),
    f("SupplierCode", T::String),
    f("SupplierName", T::String),
    f("Description", T::String),
    f("YourRef", T::String),
    f("Currency", T::String),
    f("AmountDC", T::Double),
    f("AmountFC", T::Double),
    f("OrderStatus", T::Int),
    f("OrderStatusDescription", T::String),
    f("ReceiptStatus", T::Int),
    f("InvoiceStatus", T::Int),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const PURCHASE_ORDER_LINE_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("LineNumber", T::Int),
    f("Item", T::Guid),
    f("ItemCode", T::String),
    f("ItemDescription", T::String),
    f("Description", T::String),
    f("Quantity", T::Double),
    f("UnitPrice", T::Double),
    f("NetPrice", T::Double),
    f("Discount", T::Double),
    f("AmountDC", T::Double),
    f("AmountFC", T::Double),
    f("VATAmount", T::Double),
    f("VATCode", T::String),
    f("VATPercentage", T::Double),
    f("Division", T::Int),
    f("PurchaseOrderID", T::Guid),
    f("ReceivedQuantity", T::Double),
    f("InvoicedQuantity", T::Double),
    f("ReceiptDate", T::DateTime),
];

const QUOTATION_FIELDS: &[Field] = &[
    f("QuotationID", T::Guid),
    f("QuotationNumber", T::Int),
    f("VersionNumber", T::Int),
    f("QuotationDate", T::DateTime),
    f("DueDate", T::DateTime),
    f("CloseDate", T::DateTime),
    f("OrderAccount", T::Guid),
    f("OrderAccountCode", T::String),
    f("OrderAccountName", T::String),
    f("AmountDC", T::Double),
    f("AmountFC", T::Double),
    f("VATAmountFC", T::Double),
    f("Currency", T::String),
    f("Description", T::String),
    f("Status", T::Int),
    f("StatusDescription", T::String),
    f("Opportunity", T::Guid),
    f("OpportunityName", T::String),
    f("SalesPerson", T::Guid),
    f("SalesPersonFullName", T::String),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const OPPORTUNITY_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Number", T::Int),
    f("Name", T::String),
    f("Account", T::Guid),
    f("AccountCode", T::String),
    f("AccountName", T::String),
    f("AmountDC", T::Double),
    f("AmountFC", T::Double),
    f("Currency", T::String),
    f("Probability", T::Double),
    f("OpportunityStage", T::Guid),
    f("OpportunityStageDescription", T::String),
    f("OpportunityStatus", T::Int),
    f("ActionDate", T::DateTime),
    f("CloseDate", T::DateTime),
    f("Owner", T::Guid),
    f("OwnerFullName", T::String),
    f("ReasonCode", T::Guid),
    f("ReasonCodeDescription", T::String),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const PROJECT_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Code", T::String),
    f("Description", T::String),
    f("Account", T::Guid),
    f("AccountCode", T::String),
    f("AccountName", T::String),
    f("Type", T::Int),
    f("TypeDescription", T::String),
    f("Manager", T::Guid),
    f("ManagerFullname", T::String),
    f("StartDate", T::DateTime),
    f("EndDate", T::DateTime),
    f("BudgetedRevenue", T::Double),
    f("BudgetedCosts", T::Double),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const TIME_TRANSACTION_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Account", T::Guid),
    f("AccountName", T::String),
    f("Project", T::Guid),
    f("ProjectCode", T::String),
    f("ProjectDescription", T::String),
    f("Employee", T::Guid),
    f("Date", T::DateTime),
    f("Item", T::Guid),
    f("ItemDescription", T::String),
    f("Quantity", T::Double),
    f("PriceFC", T::Double),
    f("AmountFC", T::Double),
    f("Currency", T::String),
    f("HourStatus", T::Int),
    f("Type", T::Int),
    f("Notes", T::String),
    f("Division", T::Int),
];

const INVOICE_TERM_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Project", T::Guid),
    f("ProjectDescription", T::String),
    f("Description", T::String),
    f("Amount", T::Double),
    f("Percentage", T::Double),
    f("InvoiceDate", T::DateTime),
    f("ExecutionFromDate", T::DateTime),
    f("ExecutionToDate", T::DateTime),
    f("InvoiceStatus", T::Int),
    f("Division", T::Int),
];

const SUBSCRIPTION_FIELDS: &[Field] = &[
    f("EntryID", T::Guid),
    f("Number", T::Int),
    f("Description", T::String),
    f("OrderedBy", T::Guid),
    f("OrderedByName", T::String),
    f("InvoiceTo", T::Guid),
    f("InvoiceToName", T::String),
    f("StartDate", T::DateTime),
    f("EndDate", T::DateTime),
    f("CancellationDate", T::DateTime),
    f("ReasonCancelledDescription", T::String),
    f("InvoicingStartDate", T::DateTime),
    f("InvoicedTo", T::DateTime),
    f("SubscriptionType", T::Guid),
    f("SubscriptionTypeCode", T::String),
    f("SubscriptionTypeDescription", T::String),
    f("Currency", T::String),
    f("BlockEntry", T::Bool),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const SUBSCRIPTION_LINE_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("EntryID", T::Guid),
    f("LineNumber", T::Int),
    f("Item", T::Guid),
    f("ItemDescription", T::String),
    f("Description", T::String),
    f("Quantity", T::Double),
    f("UnitPrice", T::Double),
    f("NetPrice", T::Double),
    f("Discount", T::Double),
    f("AmountDC", T::Double),
    f("AmountFC", T::Double),
    f("FromDate", T::DateTime),
    f("ToDate", T::DateTime),
    f("VATCode", T::String),
    f("Division", T::Int),
];

const SUBSCRIPTION_TYPE_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Code", T::String),
    f("Description", T::String),
    f("InvoicePeriod", T::Int),
    f("InvoicePeriodUnit", T::String),
    f("Division", T::Int),
];

const DOCUMENT_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Subject", T::String),
    f("Type", T::Int),
    f("TypeDescription", T::String),
    f("Account", T::Guid),
    f("AccountName", T::String),
    f("DocumentDate", T::DateTime),
    f("Created", T::DateTime),
    f("Modified", T::DateTime),
    f("Division", T::Int),
];

const DOCUMENT_ATTACHMENT_FIELDS: &[Field] = &[
    f("ID", T::Guid),
    f("Document", T::Guid),
    f("FileName", T::String),
    f("FileSize", T::Double),
    f("Url", T::String),
    f("Division", T::Int),
];

const DIVISION_FIELDS: &[Field] = &[
    f("Code", T::Int),
    f("Description", T::String),
    f("Country", T::String),
    f("Currency", T::String),
];

const fn set(
    path: &'static str,
    type_name: &'static str,
    key: &'static str,
    fields: &'static [Field],
) -> EntitySet {
    EntitySet {
        path,
        type_name,
        key,
        fields,
        bare_with_top: false,
        params: &[],
        module: None,
    }
}

const fn in_module(module: &'static str, set: EntitySet) -> EntitySet {
    EntitySet {
        module: Some(module),
        ..set
    }
}

pub static ENTITY_SETS: &[EntitySet] = &[
    set(
        "crm/Accounts",
        "Exact.Web.Api.Models.Account",
        "ID",
        ACCOUNT_FIELDS,
    ),
    set(
        "crm/Contacts",
        "Exact.Web.Api.Models.Contact",
        "ID",
        CONTACT_FIELDS,
    ),
    set(
        "salesinvoice/SalesInvoices",
        "Exact.Web.Api.Models.SalesInvoice",
        "InvoiceID",
        SALES_INVOICE_FIELDS,
    ),
    set(
        "salesentry/SalesEntries",
        "Exact.Web.Api.Models.SalesEntry",
        "EntryID",
        SALES_ENTRY_FIELDS,
    ),
    set(
        "purchaseentry/PurchaseEntries",
        "Exact.Web.Api.Models.PurchaseEntry",
        "EntryID",
        PURCHASE_ENTRY_FIELDS,
    ),
    set(
        "financial/GLAccounts",
        "Exact.Web.Api.Models.GLAccount",
        "ID",
        GL_ACCOUNT_FIELDS,
    ),
    set(
        "financial/ReportingBalance",
        "Exact.Web.Api.Models.Financial.ReportingBalance",
        "ID",
        REPORTING_BALANCE_FIELDS,
    ),
    set(
        "financialtransaction/TransactionLines",
        "Exact.Web.Api.Models.TransactionLine",
        "ID",
        TRANSACTION_LINE_FIELDS,
    ),
    set(
        "financialtransaction/BankEntryLines",
        "Exact.Web.Api.Models.BankEntryLine",
        "ID",
        BANK_ENTRY_LINE_FIELDS,
    ),
    EntitySet {
        bare_with_top: true,
        ..set(
            "logistics/Items",
            "Exact.Web.Api.Models.Item",
            "ID",
            ITEM_FIELDS,
        )
    },
    set(
        "read/financial/ReceivablesList",
        "Exact.Web.Api.Models.ReceivablesList",
        "HID",
        OUTSTANDING_FIELDS,
    ),
    set(
        "read/financial/PayablesList",
        "Exact.Web.Api.Models.PayablesList",
        "HID",
        OUTSTANDING_FIELDS,
    ),
    set(
        "financialtransaction/BankEntries",
        "Exact.Web.Api.Models.BankEntry",
        "EntryID",
        BANK_ENTRY_FIELDS,
    ),
    set(
        "financial/Journals",
        "Exact.Web.Api.Models.Journal",
        "Code",
        JOURNAL_FIELDS,
    ),
    EntitySet {
        params: &[("year", "Year")],
        ..set(
            "read/financial/RevenueListByYear",
            "Exact.Web.Api.Models.Financial.RevenueList",
            "Period",
            REVENUE_FIELDS,
        )
    },
    set(
        "read/financial/AgingReceivablesList",
        "Exact.Web.Api.Models.Financial.AgingReceivablesList",
        "AccountId",
        AGING_FIELDS,
    ),
    set(
        "read/financial/AgingPayablesList",
        "Exact.Web.Api.Models.Financial.AgingPayablesList",
        "AccountId",
        AGING_FIELDS,
    ),
    set(
        "vat/VATCodes",
        "Exact.Web.Api.Models.VATCode",
        "ID",
        VAT_CODE_FIELDS,
    ),
    in_module(
        "Budgets",
        set(
            "budget/Budgets",
            "Exact.Web.Api.Models.Budget",
            "ID",
            BUDGET_FIELDS,
        ),
    ),
    set(
        "generaljournalentry/GeneralJournalEntries",
        "Exact.Web.Api.Models.GeneralJournalEntry",
        "EntryID",
        GENERAL_JOURNAL_ENTRY_FIELDS,
    ),
    set(
        "generaljournalentry/GeneralJournalEntryLines",
        "Exact.Web.Api.Models.GeneralJournalEntryLine",
        "ID",
        GENERAL_JOURNAL_ENTRY_LINE_FIELDS,
    ),
    set(
        "general/Currencies",
        "Exact.Web.Api.Models.Currency",
        "Code",
        CURRENCY_FIELDS,
    ),
    set(
        "financial/ExchangeRates",
        "Exact.Web.Api.Models.ExchangeRate",
        "ID",
        EXCHANGE_RATE_FIELDS,
    ),
    set(
        "hrm/Costcenters",
        "Exact.Web.Api.Models.HRM.Costcenter",
        "ID",
        COST_CENTER_FIELDS,
    ),
    in_module(
        "Fixed assets",
        set(
            "assets/Assets",
            "Exact.Web.Api.Models.Assets.Asset",
            "ID",
            ASSET_FIELDS,
        ),
    ),
    in_module(
        "Fixed assets",
        set(
            "assets/DepreciationMethods",
            "Exact.Web.Api.Models.Assets.DepreciationMethod",
            "ID",
            DEPRECIATION_METHOD_FIELDS,
        ),
    ),
    set(
        "inventory/ItemWarehouses",
        "Exact.Web.Api.Models.Inventory.ItemWarehouse",
        "ID",
        ITEM_WAREHOUSE_FIELDS,
    ),
    set(
        "logistics/SalesItemPrices",
        "Exact.Web.Api.Models.Logistics.SalesItemPrice",
        "ID",
        SALES_ITEM_PRICE_FIELDS,
    ),
    set(
        "logistics/SupplierItem",
        "Exact.Web.Api.Models.Logistics.SupplierItem",
        "ID",
        SUPPLIER_ITEM_FIELDS,
    ),
    set(
        "salesorder/SalesOrders",
        "Exact.Web.Api.Models.SalesOrder.SalesOrder",
        "OrderID",
        SALES_ORDER_FIELDS,
    ),
    set(
        "salesorder/SalesOrderLines",
        "Exact.Web.Api.Models.SalesOrder.SalesOrderLine",
        "ID",
        SALES_ORDER_LINE_FIELDS,
    ),
    set(
        "purchaseorder/PurchaseOrders",
        "Exact.Web.Api.Models.PurchaseOrder.PurchaseOrder",
        "PurchaseOrderID",
        PURCHASE_ORDER_FIELDS,
    ),
    set(
        "purchaseorder/PurchaseOrderLines",
        "Exact.Web.Api.Models.PurchaseOrder.PurchaseOrderLine",
        "ID",
        PURCHASE_ORDER_LINE_FIELDS,
    ),
    set(
        "crm/Quotations",
        "Exact.Web.Api.Models.CRM.Quotation",
        "QuotationID",
        QUOTATION_FIELDS,
    ),
    set(
        "crm/Opportunities",
        "Exact.Web.Api.Models.CRM.Opportunity",
        "ID",
        OPPORTUNITY_FIELDS,
    ),
    in_module(
        "Projects",
        set(
            "project/Projects",
            "Exact.Web.Api.Models.Project.Project",
            "ID",
            PROJECT_FIELDS,
        ),
    ),
    in_module(
        "Projects",
        set(
            "project/TimeTransactions",
            "Exact.Web.Api.Models.Project.TimeTransaction",
            "ID",
            TIME_TRANSACTION_FIELDS,
        ),
    ),
    in_module(
        "Projects",
        set(
            "project/InvoiceTerms",
            "Exact.Web.Api.Models.Project.InvoiceTerm",
            "ID",
            INVOICE_TERM_FIELDS,
        ),
    ),
    in_module(
        "Subscriptions",
        set(
            "subscription/Subscriptions",
            "Exact.Web.Api.Models.Subscription.Subscription",
            "EntryID",
            SUBSCRIPTION_FIELDS,
        ),
    ),
    in_module(
        "Subscriptions",
        set(
            "subscription/SubscriptionLines",
            "Exact.Web.Api.Models.Subscription.SubscriptionLine",
            "ID",
            SUBSCRIPTION_LINE_FIELDS,
        ),
    ),
    in_module(
        "Subscriptions",
        set(
            "subscription/SubscriptionTypes",
            "Exact.Web.Api.Models.Subscription.SubscriptionType",
            "ID",
            SUBSCRIPTION_TYPE_FIELDS,
        ),
    ),
    set(
        "documents/Documents",
        "Exact.Web.Api.Models.Documents.Document",
        "ID",
        DOCUMENT_FIELDS,
    ),
    set(
        "documents/DocumentAttachments",
        "Exact.Web.Api.Models.Documents.DocumentAttachment",
        "ID",
        DOCUMENT_ATTACHMENT_FIELDS,
    ),
    set(
        "system/Divisions",
        "Exact.Web.Api.Models.Division",
        "Code",
        DIVISION_FIELDS,
    ),
    set(
        "hrm/Divisions",
        "Exact.Web.Api.Models.HRM.Division",
        "Code",
        DIVISION_FIELDS,
    ),
];

/// The entity set at `path` (Exact's URLs are case-insensitive).
pub fn entity_set(path: &str) -> Option<&'static EntitySet> {
    ENTITY_SETS
        .iter()
        .find(|s| s.path.eq_ignore_ascii_case(path))
}
