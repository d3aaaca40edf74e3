//! Proleptic-Gregorian civil-date arithmetic (no external date crate).
//!
//! Day numbers count days since 1970-01-01 (day 0, a Thursday).

use crate::load_forecast::series::CalendarStamp;

/// Whether `year` is a Gregorian leap year.
pub fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in `month` (1-12) of `year`; 0 for an invalid month.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a civil date, or `None` if the date does not
/// exist (month outside 1-12, day outside the month).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> Option<i64> {
    if day == 0 || day > days_in_month(year, month) {
        return None;
    }
    // Howard Hinnant's algorithm.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Civil date `(year, month, day)` of a day number (inverse of
/// [`days_from_civil`]).
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

/// Day of week of a day number, 0 = Monday … 6 = Sunday.
pub fn day_of_week(days: i64) -> u8 {
    (days + 3).rem_euclid(7) as u8
}

/// 0-based day of the year of a day number (0 = 1 January, up to 365).
pub fn day_of_year(days: i64) -> u16 {
    let (year, _, _) = civil_from_days(days);
    // Jan 1 always exists, so the fallback is never taken.
    let jan1 = days_from_civil(year, 1, 1).unwrap_or(days);
    (days - jan1) as u16
}

/// Calendar stamp of an absolute hour number (hours since 1970-01-01 00:00).
pub fn stamp_of_hour(hour_number: i64, is_holiday: bool) -> CalendarStamp {
    let days = hour_number.div_euclid(24);
    CalendarStamp {
        hour_of_day: hour_number.rem_euclid(24) as u8,
        day_of_week: day_of_week(days),
        day_of_year: day_of_year(days),
        is_holiday,
    }
}

/// Formats an absolute hour number (hours since 1970-01-01 00:00) as
/// `YYYY-MM-DD HH:00:00`.
pub fn format_hour(hour_number: i64) -> String {
    let (y, m, d) = civil_from_days(hour_number.div_euclid(24));
    format!("{y:04}-{m:02}-{d:02} {:02}:00:00", hour_number.rem_euclid(24))
}

/// Why a timestamp string could not be turned into an hour number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateProblem {
    /// Not a valid `YYYY-MM-DD HH:MM[:SS]` date-time; the message says so.
    Bad(String),
    /// A valid date-time that is not on a whole hour.
    NotWholeHour,
}

/// Parses `YYYY-MM-DD HH:MM:SS` (or `HH:MM`, or a `T` separator) into hours
/// since 1970-01-01 00:00; minutes and seconds must be zero.
pub fn parse_hour(s: &str) -> Result<i64, DateProblem> {
    let bad = || DateProblem::Bad(format!("bad date: \"{s}\" (expected YYYY-MM-DD HH:MM:SS)"));
    let (date, time) = s.split_once([' ', 'T']).ok_or_else(bad)?;
    let num = |p: &str, width: usize| -> Result<u32, DateProblem> {
        if p.len() != width || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        p.parse().map_err(|_| bad())
    };
    let d: Vec<&str> = date.split('-').collect();
    let t: Vec<&str> = time.split(':').collect();
    if d.len() != 3 || !(2..=3).contains(&t.len()) {
        return Err(bad());
    }
    let (year, month, day) = (num(d[0], 4)?, num(d[1], 2)?, num(d[2], 2)?);
    let (hour, minute) = (num(t[0], 2)?, num(t[1], 2)?);
    let second = if t.len() == 3 { num(t[2], 2)? } else { 0 };
    let days = days_from_civil(i64::from(year), month, day).ok_or_else(bad)?;
    if hour > 23 || minute > 59 || second > 59 {
        return Err(bad());
    }
    if minute != 0 || second != 0 {
        return Err(DateProblem::NotWholeHour);
    }
    Ok(days * 24 + i64::from(hour))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), Some(0));
        assert_eq!(days_from_civil(2000, 3, 1), Some(11_017));
        assert_eq!(days_from_civil(2016, 7, 1), Some(16_983));
        assert_eq!(days_from_civil(1969, 12, 31), Some(-1));
        assert_eq!(day_of_week(0), 3); // Thursday
        assert_eq!(day_of_week(16_983), 4); // 2016-07-01 was a Friday
        assert_eq!(day_of_week(-1), 2); // Wednesday
        assert_eq!(day_of_year(16_983), 182); // leap year: 31+29+31+30+31+30
        assert_eq!(day_of_year(days_from_civil(2017, 12, 31).unwrap()), 364);
        assert_eq!(day_of_year(days_from_civil(2016, 12, 31).unwrap()), 365);
    }

    #[test]
    fn invalid_dates_rejected() {
        assert_eq!(days_from_civil(2017, 2, 29), None);
        assert_eq!(days_from_civil(2016, 2, 30), None);
        assert_eq!(days_from_civil(2016, 13, 1), None);
        assert_eq!(days_from_civil(2016, 0, 1), None);
        assert_eq!(days_from_civil(2016, 4, 31), None);
        assert!(days_from_civil(2000, 2, 29).is_some());
        assert!(days_from_civil(1900, 2, 29).is_none());
    }

    #[test]
    fn round_trip_over_wide_range() {
        for days in (-800_000..800_000).step_by(97) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), Some(days));
        }
        assert_eq!(format_hour(16_983 * 24 + 5), "2016-07-01 05:00:00");
    }

    #[test]
    fn parses_hours() {
        assert_eq!(parse_hour("2016-07-01 05:00:00"), Ok(16_983 * 24 + 5));
        assert_eq!(parse_hour("2016-07-01T05:00"), Ok(16_983 * 24 + 5));
        assert_eq!(parse_hour("2016-07-01 05:00:01"), Err(DateProblem::NotWholeHour));
        for bad in ["2016-07-01", "2016-7-01 05:00", "2016-07-01 5:00", "2016-07-01 05:60", "+016-07-01 05:00"] {
            assert!(matches!(parse_hour(bad), Err(DateProblem::Bad(_))), "{bad}");
        }
    }
}
