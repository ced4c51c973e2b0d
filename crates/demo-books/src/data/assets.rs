//! `assets/Assets`: each company's fixed assets, and the straight-line depreciation the general
//! journal books for them every month. One rule (below) gives every figure: the assets' rows,
//! the depreciation schedule and the ledger's depreciation lines all come from [`Asset::month`].

use super::{
    Books, cost_centers,
    random::guid,
    values::{date, money, obj},
};
use crate::{
    dates::{days_from_civil, days_in_month},
    odata::Row,
};
use serde_json::json;

/// Exact's asset statuses.
pub(super) const ACTIVE: i64 = 1;
pub(super) const INACTIVE: i64 = 3;
pub(super) const DEPRECIATED: i64 = 4;
pub(super) const SOLD: i64 = 6;

/// A fixed asset as the generators need it.
pub(super) struct Asset {
    pub(super) id: String,
    pub(super) code: String,
    pub(super) description: &'static str,
    pub(super) group: (&'static str, &'static str),
    /// The balance sheet account it is carried on (0100 buildings, 0200 equipment, 0300 vehicles).
    pub(super) gl: &'static str,
    pub(super) investment: i64,
    pub(super) residual: i64,
    pub(super) invested_on: i64,
    /// The first month depreciated: (year, month), the month after the investment.
    pub(super) first_month: (i64, u32),
    /// Months of depreciation in all.
    pub(super) months: i64,
    /// The day it was sold or scrapped, if it was (always before the books start).
    pub(super) disposed_on: Option<i64>,
    pub(super) status: i64,
}

impl Asset {
    /// Depreciation of the `k`-th month from `first_month` (0-based), in cents: the depreciable
    /// amount (investment minus residual value) over the months, rounded down to the cent; the
    /// last month takes what rounding left, so the months add up to the depreciable amount.
    pub(super) fn month(&self, k: i64) -> i64 {
        if k < 0 || k >= self.months {
            return 0;
        }
        let total = self.investment - self.residual;
        let each = total / self.months;
        if k == self.months - 1 {
            total - each * (self.months - 1)
        } else {
            each
        }
    }

    /// Which month of the schedule (year, month) is, 0-based (negative before it starts).
    pub(super) fn index_of(&self, year: i64, month: u32) -> i64 {
        (year - self.first_month.0) * 12 + i64::from(month) - i64::from(self.first_month.1)
    }

    /// Depreciation booked before (year, month): what the opening balance takes off.
    pub(super) fn depreciated_before(&self, year: i64, month: u32) -> i64 {
        (0..self.index_of(year, month).min(self.months))
            .map(|k| self.month(k))
            .sum()
    }

    /// Whether the asset is still owned in (year, month).
    pub(super) fn owned_in(&self, year: i64, month: u32) -> bool {
        self.disposed_on
            .is_none_or(|d| d >= days_from_civil(year, month, days_in_month(year, month)))
    }
}

/// (description, group code, group description, GL account, investment in euros, invested on
/// (year, month, day), years of depreciation, residual value in euros, disposed on)
type Spec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    (i64, u32, u32),
    i64,
    i64,
    Option<((i64, u32, u32), i64)>,
);

const BUILDING: (&str, &str, &str) = ("GEB", "Gebouwen", "0100");
const EQUIPMENT: (&str, &str, &str) = ("INV", "Inventaris en machines", "0200");
const VEHICLES: (&str, &str, &str) = ("VVM", "Vervoermiddelen", "0300");

const fn spec(
    description: &'static str,
    group: (&'static str, &'static str, &'static str),
    euros: i64,
    invested: (i64, u32, u32),
    years: i64,
    residual: i64,
    disposed: Option<((i64, u32, u32), i64)>,
) -> Spec {
    (
        description,
        group.0,
        group.1,
        group.2,
        euros,
        invested,
        years,
        residual,
        disposed,
    )
}

const BAKERY: &[Spec] = &[
    spec(
        "Steenoven Miwe",
        EQUIPMENT,
        48_500,
        (2021, 3, 15),
        10,
        2_500,
        None,
    ),
    spec(
        "Deegkneedmachine",
        EQUIPMENT,
        12_800,
        (2022, 9, 1),
        7,
        800,
        None,
    ),
    spec("Rijskast", EQUIPMENT, 6_400, (2023, 2, 20), 5, 400, None),
    spec(
        "Winkelinrichting",
        EQUIPMENT,
        22_000,
        (2019, 5, 1),
        8,
        0,
        None,
    ),
    spec(
        "Bestelbus Renault Master",
        VEHICLES,
        38_900,
        (2024, 4, 10),
        5,
        6_000,
        None,
    ),
    spec("Koelcel", EQUIPMENT, 15_600, (2018, 1, 8), 6, 0, None),
    spec(
        "Bakfiets",
        VEHICLES,
        3_200,
        (2020, 6, 1),
        4,
        0,
        Some(((2024, 8, 30), SOLD)),
    ),
];

const IT_FIRM: &[Spec] = &[
    spec(
        "Servers rekencentrum",
        EQUIPMENT,
        36_000,
        (2023, 1, 16),
        4,
        0,
        None,
    ),
    spec(
        "Laptops ontwikkelteam",
        EQUIPMENT,
        28_800,
        (2024, 9, 2),
        3,
        0,
        None,
    ),
    spec(
        "Netwerkapparatuur",
        EQUIPMENT,
        9_600,
        (2022, 3, 1),
        5,
        0,
        None,
    ),
    spec(
        "Kantoormeubilair",
        EQUIPMENT,
        14_500,
        (2021, 10, 4),
        10,
        500,
        None,
    ),
    spec(
        "Tesla Model 3",
        VEHICLES,
        46_000,
        (2023, 6, 12),
        5,
        12_000,
        None,
    ),
    spec(
        "Laptops 2019",
        EQUIPMENT,
        18_000,
        (2019, 9, 2),
        3,
        0,
        Some(((2023, 1, 31), INACTIVE)),
    ),
];

const LAW_FIRM: &[Spec] = &[
    spec(
        "Kantoorpand Herengracht",
        BUILDING,
        640_000,
        (2016, 7, 1),
        30,
        160_000,
        None,
    ),
    spec(
        "Kantoorinrichting",
        EQUIPMENT,
        42_000,
        (2020, 2, 3),
        10,
        2_000,
        None,
    ),
    spec(
        "Archiefsysteem",
        EQUIPMENT,
        11_200,
        (2022, 11, 14),
        8,
        0,
        None,
    ),
    spec(
        "BMW 5-serie",
        VEHICLES,
        68_500,
        (2024, 1, 22),
        5,
        18_000,
        None,
    ),
    spec(
        "Audi A6",
        VEHICLES,
        59_000,
        (2019, 3, 4),
        5,
        15_000,
        Some(((2024, 2, 29), SOLD)),
    ),
];

const BUILDER: &[Spec] = &[
    spec(
        "Graafmachine Hitachi",
        EQUIPMENT,
        124_000,
        (2021, 4, 6),
        8,
        20_000,
        None,
    ),
    spec(
        "Steiger materiaal",
        EQUIPMENT,
        34_500,
        (2022, 2, 14),
        10,
        1_500,
        None,
    ),
    spec(
        "Bouwkraan Liebherr",
        EQUIPMENT,
        210_000,
        (2020, 8, 3),
        12,
        30_000,
        None,
    ),
    spec(
        "Vrachtwagen DAF",
        VEHICLES,
        96_000,
        (2023, 5, 8),
        6,
        15_000,
        None,
    ),
    spec(
        "Bestelbus Ford Transit",
        VEHICLES,
        41_000,
        (2024, 10, 1),
        5,
        7_000,
        None,
    ),
    spec(
        "Bedrijfshal",
        BUILDING,
        420_000,
        (2018, 1, 2),
        25,
        70_000,
        None,
    ),
    spec("Betonmolen", EQUIPMENT, 8_600, (2017, 5, 1), 5, 0, None),
    spec(
        "Bestelbus VW Crafter",
        VEHICLES,
        36_000,
        (2018, 3, 5),
        5,
        5_000,
        Some(((2023, 6, 30), SOLD)),
    ),
];

fn specs(division: i64) -> &'static [Spec] {
    match division {
        101 => BAKERY,
        202 => IT_FIRM,
        303 => LAW_FIRM,
        _ => BUILDER,
    }
}

/// The assets of a company, numbered in the order of the table.
pub(super) fn generate(books: &Books) -> Vec<Asset> {
    specs(books.division)
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let (description, group_code, group_description, gl, euros, invested, years) =
                (s.0, s.1, s.2, s.3, s.4, s.5, s.6);
            let (y, m, d) = invested;
            let first_month = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            let mut asset = Asset {
                id: guid(books.division, "asset", n),
                code: format!("VA{:04}", n + 1),
                description,
                group: (group_code, group_description),
                gl,
                investment: euros * 100,
                residual: s.7 * 100,
                invested_on: days_from_civil(y, m, d),
                first_month,
                months: years * 12,
                disposed_on: s.8.map(|((y, m, d), _)| days_from_civil(y, m, d)),
                status: ACTIVE,
            };
            asset.status = match s.8 {
                Some((_, status)) => status,
                // Fully depreciated by the books' last day.
                None if asset.index_of(2026, 11) >= asset.months => DEPRECIATED,
                None => ACTIVE,
            };
            asset
        })
        .collect()
}

fn method_id(division: i64, months: i64) -> String {
    guid(division, "depreciationmethod", months as usize)
}

fn method_code(months: i64) -> String {
    format!("LIN{months}")
}

fn method_description(months: i64) -> String {
    format!("Lineair in {months} maanden")
}

/// `assets/DepreciationMethods`: one straight-line method per depreciation term in use, in
/// monthly periods (`Periods` months).
pub(super) fn methods(books: &Books, assets: &[Asset]) -> Vec<Row> {
    let mut terms: Vec<i64> = assets.iter().map(|a| a.months).collect();
    terms.sort_unstable();
    terms.dedup();
    terms
        .into_iter()
        .map(|months| {
            obj(json!({
                "ID": method_id(books.division, months),
                "Code": method_code(months),
                "Description": method_description(months),
                // Straight line: the depreciable amount in equal parts over `Periods`.
                "Type": 3,
                "TypeDescription": "Lineair",
                "DepreciationInterval": "Periode",
                "Periods": months,
                "Years": months / 12,
                "Percentage": 0.0,
                "Amount": 0.0,
                "Division": books.division,
            }))
        })
        .collect()
}

pub(super) fn rows(books: &Books, assets: &[Asset]) -> Vec<Row> {
    let division = books.division;
    let cc = cost_centers::general(division);
    assets
        .iter()
        .enumerate()
        .map(|(n, a)| {
            let group = specs(division)
                .iter()
                .position(|s| s.1 == a.group.0)
                .unwrap_or(0);
            obj(json!({
                "ID": a.id,
                "Code": a.code,
                "Description": a.description,
                "AssetGroup": guid(division, "assetgroup", group),
                "AssetGroupCode": a.group.0,
                "AssetGroupDescription": a.group.1,
                "InvestmentAccountCode": a.gl,
                "InvestmentAmountDC": money(a.investment),
                "InvestmentCurrency": "EUR",
                "InvestmentDate": date(a.invested_on),
                "ResidualValue": money(a.residual),
                "StartDate": date(days_from_civil(a.first_month.0, a.first_month.1, 1)),
                "EndDate": a.disposed_on.map(date),
                "DepreciatedPeriods": 0,
                "DepreciatedAmount": 0.0,
                "AlreadyDepreciated": 0,
                "PrimaryMethod": method_id(division, a.months),
                "PrimaryMethodCode": method_code(a.months),
                "PrimaryMethodDescription": method_description(a.months),
                "Status": a.status,
                "Costcenter": cc.0,
                "CostcenterDescription": cc.1,
                "Created": date(a.invested_on),
                "Modified": date(a.disposed_on.unwrap_or(a.invested_on)),
                "Division": division,
                "Notes": (n == 0).then_some("Jaarlijks onderhoudscontract"),
            }))
        })
        .collect()
}
