//! Loader for the ETT (Electricity Transformer Temperature) hourly CSV
//! format: `date,HUFL,HULL,MUFL,MULL,LUFL,LULL,OT` with dates like
//! `2016-07-01 00:00:00`.

use crate::load_forecast::calendar::{format_hour, parse_hour, stamp_of_hour, DateProblem};
use crate::load_forecast::series::{DataError, HourlySeries};
use std::path::Path;

/// Loads an ETT-format CSV file; `target` names the target column and every
/// other numeric column becomes a covariate, in file order. Errors name the
/// file, the 1-based line and the column.
pub fn load_ett_csv(path: &Path, target: &str) -> Result<HourlySeries, DataError> {
    let origin = path.display().to_string();
    let text = crate::regular_file::read_regular_to_string(path)
        .map_err(|source| DataError::Io { path: origin.clone(), source })?;
    parse_ett_str(&text, &origin, target)
}

/// Parses ETT-format CSV text; `origin` is used only in error messages.
///
/// Requirements: header starting with `date`, unique column names, the same
/// number of fields on every line, finite numbers, valid
/// `YYYY-MM-DD HH:MM:SS` dates on whole hours, strictly consecutive hours.
/// Blank lines are ignored. `is_holiday` is always false.
pub fn parse_ett_str(text: &str, origin: &str, target: &str) -> Result<HourlySeries, DataError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l)).filter(|(_, l)| !l.trim().is_empty());
    let empty = |reason: &str| DataError::Empty { path: origin.to_string(), reason: reason.to_string() };
    let (_, header) = lines.next().ok_or_else(|| empty("file is empty"))?;
    let columns: Vec<String> = header.split(',').map(|c| c.trim().to_string()).collect();
    let bad_header = |reason: String| DataError::BadHeader { path: origin.to_string(), reason };
    if columns.first().map(String::as_str) != Some("date") {
        return Err(bad_header(format!("first column must be \"date\", found \"{}\"", columns[0])));
    }
    for (i, c) in columns.iter().enumerate() {
        if c.is_empty() {
            return Err(bad_header(format!("column {} has an empty name", i + 1)));
        }
        if columns[..i].contains(c) {
            return Err(bad_header(format!("duplicate column \"{c}\"")));
        }
    }
    let value_cols = &columns[1..];
    let target_idx = value_cols.iter().position(|c| c == target).ok_or_else(|| DataError::MissingColumn {
        path: origin.to_string(),
        column: target.to_string(),
        available: value_cols.to_vec(),
    })?;

    let mut channels: Vec<Vec<f32>> = vec![Vec::new(); value_cols.len()];
    let mut calendar = Vec::new();
    let mut prev_hour: Option<i64> = None;
    for (line, row) in lines {
        let fields: Vec<&str> = row.split(',').map(str::trim).collect();
        if fields.len() != columns.len() {
            return Err(DataError::FieldCount {
                path: origin.to_string(),
                line,
                expected: columns.len(),
                found: fields.len(),
            });
        }
        let malformed = |column: &str, reason: String| DataError::Malformed {
            path: origin.to_string(),
            line,
            column: column.to_string(),
            reason,
        };
        let not_hourly = |reason: String| DataError::NotHourly { path: origin.to_string(), line, reason };
        let hour = parse_hour(fields[0]).map_err(|r| match r {
            DateProblem::Bad(reason) => malformed("date", reason),
            DateProblem::NotWholeHour => not_hourly(format!("\"{}\" is not on a whole hour", fields[0])),
        })?;
        if let Some(p) = prev_hour.filter(|&p| hour != p + 1) {
            let (want, prev) = (format_hour(p + 1), format_hour(p));
            return Err(not_hourly(format!("expected {want} after {prev}, found {}", fields[0])));
        }
        prev_hour = Some(hour);
        for ((field, name), channel) in fields[1..].iter().zip(value_cols).zip(channels.iter_mut()) {
            let v: f32 = field.parse().map_err(|_| malformed(name, format!("not a number: \"{field}\"")))?;
            if !v.is_finite() {
                return Err(malformed(name, format!("not a finite number: \"{field}\"")));
            }
            channel.push(v);
        }
        calendar.push(stamp_of_hour(hour, false));
    }
    if calendar.is_empty() {
        return Err(empty("header only"));
    }
    let target_values = channels.remove(target_idx);
    let mut covariate_names = value_cols.to_vec();
    covariate_names.remove(target_idx);
    Ok(HourlySeries {
        target_name: target.to_string(),
        target: target_values,
        covariate_names,
        covariates: channels,
        calendar,
    })
}

/// For tests: `$WATTBENCH_DATA_DIR`, else `../../shared/data` or
/// `../shared/data` relative to the crate, whichever holds `ett/ETTh1.csv`.
#[cfg(test)]
pub(crate) fn test_data_dir() -> Option<std::path::PathBuf> {
    let manifest = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let env_dir = std::env::var_os("WATTBENCH_DATA_DIR").map(std::path::PathBuf::from);
    let relative = [manifest.join("../../shared/data"), manifest.join("../shared/data")];
    env_dir.into_iter().chain(relative).find(|d| d.join("ett/ETTh1.csv").is_file())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load_forecast::calendar::days_from_civil;

    const HEADER: &str = "date,HUFL,HULL,MUFL,MULL,LUFL,LULL,OT";
    const ROW0: &str = "2016-07-01 00:00:00,5.827000141143799,2.009000062942505,1.5989999771118164,0.4620000076293945,4.203000068664551,1.3400000333786621,30.5310001373291";
    const ROW1: &str = "2016-07-01 01:00:00,5.69,2.07,1.49,0.42,4.14,1.37,27.78";

    fn err(text: &str, target: &str) -> String {
        let e = parse_ett_str(text, "ETTh1.csv", target).unwrap_err();
        e.to_string()
    }

    #[test]
    fn parses_two_rows() {
        let s = parse_ett_str(&format!("{HEADER}\r\n{ROW0}\r\n{ROW1}\n\n"), "x", "OT").unwrap();
        assert_eq!((s.len(), s.target_name.as_str()), (2, "OT"));
        assert_eq!(s.target, vec![30.531_f32, 27.78]);
        let names = ["HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL"];
        assert_eq!(s.covariate_names, names);
        assert_eq!(s.covariates[0], vec![5.827_f32, 5.69]);
        let c = s.calendar[1];
        assert_eq!((c.hour_of_day, c.day_of_week, c.day_of_year, c.is_holiday), (1, 4, 182, false));
        s.validate().unwrap();
        let s = parse_ett_str(&format!("{HEADER}\n{ROW0}"), "x", "HULL").unwrap();
        assert_eq!(s.target, vec![2.009_f32]);
        assert_eq!(s.covariate_names[1], "MUFL");
    }

    #[test]
    fn each_error_names_line_and_column() {
        let with = |from: &str, to: &str| format!("{HEADER}\n{ROW0}\n{}", ROW1.replace(from, to));
        let cases = [
            (String::new(), "ETTh1.csv: no data rows (file is empty)"),
            (HEADER.to_string(), "ETTh1.csv: no data rows (header only)"),
            (
                "time,OT".into(),
                "ETTh1.csv line 1: bad header: first column must be \"date\", found \"time\"",
            ),
            (
                "date,OT,OT".into(),
                "ETTh1.csv line 1: bad header: duplicate column \"OT\"",
            ),
            (
                "date,,OT".into(),
                "ETTh1.csv line 1: bad header: column 2 has an empty name",
            ),
            (
                with("27.78", "abc"),
                "ETTh1.csv line 3, column \"OT\": not a number: \"abc\"",
            ),
            (
                with("5.69", "NaN"),
                "ETTh1.csv line 3, column \"HUFL\": not a finite number: \"NaN\"",
            ),
            (
                with("2.07,", ""),
                "ETTh1.csv line 3: expected 8 fields, found 7",
            ),
            (
                with("07-01 01", "02-30 01"),
                "ETTh1.csv line 3, column \"date\": bad date: \"2016-02-30 01:00:00\" (expected YYYY-MM-DD HH:MM:SS)",
            ),
            (
                with("01:00:00", "03:00:00"),
                "ETTh1.csv line 3: not hourly: expected 2016-07-01 01:00:00 after 2016-07-01 00:00:00, found 2016-07-01 03:00:00",
            ),
            (
                with("01:00:00", "00:00:00"),
                "ETTh1.csv line 3: not hourly: expected 2016-07-01 01:00:00 after 2016-07-01 00:00:00, found 2016-07-01 00:00:00",
            ),
            (
                with("01:00:00", "01:30:00"),
                "ETTh1.csv line 3: not hourly: \"2016-07-01 01:30:00\" is not on a whole hour",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(err(&text, "OT"), want);
        }
        let missing = "ETTh1.csv: no column \"load\" (available: HUFL, HULL, MUFL, MULL, LUFL, LULL, OT)";
        assert_eq!(err(HEADER, "load"), missing);
        assert!(err(&with("01:00:00", "24:00:00"), "OT").contains("line 3, column \"date\": bad date"));
        assert!(err(&with("2016-07-01", "16-7-1"), "OT").contains("line 3, column \"date\": bad date"));
    }

    #[test]
    fn midnight_and_year_boundaries_are_consecutive() {
        let a = ROW1.replace("2016-07-01 01:00:00", "2016-12-31 23:00:00");
        let b = ROW1.replace("2016-07-01 01:00:00", "2017-01-01 00:00:00");
        let s = parse_ett_str(&format!("{HEADER}\n{a}\n{b}"), "x", "OT").unwrap();
        let c = (s.calendar[0], s.calendar[1]);
        assert_eq!((c.0.day_of_year, c.1.day_of_year, c.0.day_of_week, c.1.day_of_week), (365, 0, 5, 6));
    }

    #[test]
    fn missing_file_is_io_error_with_path() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("missing.csv");
        let e = load_ett_csv(&p, "OT").unwrap_err();
        assert!(matches!(e, DataError::Io { .. }));
        assert!(e.to_string().starts_with(&p.display().to_string()));
        let f = dir.path().join("ok.csv");
        std::fs::write(&f, format!("{HEADER}\n{ROW0}\n")).unwrap();
        assert_eq!(load_ett_csv(&f, "OT").unwrap().len(), 1);
    }

    #[test]
    fn real_etth1_when_present() {
        let Some(dir) = test_data_dir() else {
            eprintln!("skipping real_etth1_when_present: ett/ETTh1.csv not found under");
            eprintln!("  $WATTBENCH_DATA_DIR, CARGO_MANIFEST_DIR/../../shared/data or ../shared/data");
            return;
        };
        let s = load_ett_csv(&dir.join("ett/ETTh1.csv"), "OT").unwrap();
        assert_eq!((s.len(), s.covariates.len()), (17_420, 6));
        s.validate().unwrap();
        let first: Vec<f32> = s.covariates.iter().map(|c| c[0]).collect();
        let expected = [5.827_f32, 2.009, 1.599, 0.462, 4.203, 1.34];
        for (got, want) in first.iter().zip(expected) {
            assert!((got - want).abs() < 1e-5, "{got} vs {want}");
        }
        assert!((s.target[0] - 30.531).abs() < 1e-5);
        let start = days_from_civil(2016, 7, 1).unwrap() * 24;
        assert_eq!(s.calendar[0], stamp_of_hour(start, false));
        assert_eq!(s.calendar[17_419], stamp_of_hour(start + 17_419, false));
        assert_eq!(s.calendar[0].day_of_week, 4); // a Friday
    }
}
