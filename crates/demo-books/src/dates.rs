//! Calendar arithmetic without a date crate: civil dates to days since the Unix epoch and back
//! (Howard Hinnant's algorithms), and Exact's `/Date(ms)/` notation.

pub const DAY_MS: i64 = 86_400_000;

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of a day number since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Exact's JSON date: `/Date(1700000000000)/`, milliseconds since the epoch.
pub fn exact_date(ms: i64) -> String {
    format!("/Date({ms})/")
}

/// The milliseconds inside `/Date(ms)/` (Exact sometimes adds an offset, `/Date(ms+0100)/`,
/// which is ignored here as the simulator never sends one).
pub fn parse_exact_date(s: &str) -> Option<i64> {
    let inner = s.strip_prefix("/Date(")?.strip_suffix(")/")?;
    let digits = inner
        .find(|c: char| (c == '+' || c == '-') && !inner.starts_with(c))
        .map_or(inner, |i| &inner[..i]);
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        // 2026-11-21 is the tests' T0 (1_795_262_400 s) without its 12 hours.
        assert_eq!(
            days_from_civil(2026, 11, 21) * 86_400 + 12 * 3600,
            1_795_262_400
        );
        for d in [-1, 0, 59, 60, 365, 10_000, 20_513, 20_789] {
            let (y, m, day) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, day), d);
        }
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2026, 2), 28);
    }

    #[test]
    fn exact_dates() {
        assert_eq!(exact_date(1_700_000_000_000), "/Date(1700000000000)/");
        assert_eq!(
            parse_exact_date("/Date(1700000000000)/"),
            Some(1_700_000_000_000)
        );
        assert_eq!(parse_exact_date("/Date(-5)/"), Some(-5));
        assert_eq!(
            parse_exact_date("/Date(1700000000000+0100)/"),
            Some(1_700_000_000_000)
        );
        assert_eq!(parse_exact_date("2026-01-01"), None);
    }
}
