//! Numbers as the questions show them, and the rounding that makes a key
//! follow from the numbers shown (never from hidden digits).

/// `x` rounded to `digits` significant figures.
pub fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// `x` rounded to `decimals` decimal places.
pub fn round_dp(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}

/// `x` written with at most `digits` significant figures, without trailing zeros.
pub fn sig(x: f64, digits: i32) -> String {
    let r = round_sig(x, digits);
    let decimals = if r == 0.0 { 0 } else { (digits - 1 - r.abs().log10().floor() as i32).max(0) as usize };
    let s = format!("{r:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn energy_qa_numbers_are_written_as_rounded() {
        assert_eq!(sig(1234.5678, 4), "1235");
        assert_eq!(sig(0.012345, 3), "0.0123");
        assert_eq!(sig(2.5, 6), "2.5");
        assert_eq!(sig(-0.0001, 2), "-0.0001");
        assert_eq!(round_dp(3.14159, 2), 3.14);
        assert_eq!(round_sig(98765.0, 2), 99000.0);
    }
}
