//! The units an answer may carry, and their conversion to the key's unit.

/// A unit: its spellings, dimension, and `si = value * factor + offset`.
struct Unit {
    names: &'static [&'static str],
    dimension: &'static str,
    factor: f64,
    offset: f64,
}

const fn u(names: &'static [&'static str], dimension: &'static str, factor: f64) -> Unit {
    Unit { names, dimension, factor, offset: 0.0 }
}

/// Megajoules per tonne of coal equivalent (7,000 kcal/kg).
pub const MJ_PER_TCE: f64 = 29_307.6;
/// Megajoules per tonne of oil equivalent (10,000 kcal/kg).
pub const MJ_PER_TOE: f64 = 41_868.0;

const UNITS: &[Unit] = &[
    u(&["", "-", "dimensionless"], "ratio", 1.0),
    u(&["%", "percent", "pct"], "ratio", 0.01),
    u(&["pu", "p.u.", "perunit"], "pu", 1.0),
    u(&["W", "watt", "watts"], "power", 1.0),
    u(&["kW", "kilowatt", "kilowatts"], "power", 1e3),
    u(&["MW", "megawatt", "megawatts"], "power", 1e6),
    u(&["GW", "gigawatt", "gigawatts"], "power", 1e9),
    u(&["var", "VAr"], "reactive", 1.0),
    u(&["kvar", "kVAr", "kVAR"], "reactive", 1e3),
    u(&["Mvar", "MVAr", "MVAR"], "reactive", 1e6),
    u(&["VA"], "apparent", 1.0),
    u(&["kVA"], "apparent", 1e3),
    u(&["MVA"], "apparent", 1e6),
    u(&["J", "joule", "joules"], "energy", 1.0),
    u(&["kJ"], "energy", 1e3),
    u(&["MJ"], "energy", 1e6),
    u(&["GJ", "gigajoule", "gigajoules"], "energy", 1e9),
    u(&["TJ"], "energy", 1e12),
    u(&["Wh"], "energy", 3.6e3),
    u(&["kWh"], "energy", 3.6e6),
    u(&["MWh", "megawatt-hour", "megawatt-hours"], "energy", 3.6e9),
    u(&["GWh"], "energy", 3.6e12),
    u(&["tce", "tonnesofcoalequivalent", "tonneofcoalequivalent"], "energy", MJ_PER_TCE * 1e6),
    u(&["toe"], "energy", MJ_PER_TOE * 1e6),
    u(&["W/m2", "W/m^2", "W/m²", "Wm-2", "W·m-2"], "irradiance", 1.0),
    u(&["kW/m2", "kW/m^2", "kW/m²"], "irradiance", 1e3),
    Unit {
        names: &["°C", "degC", "C", "ºC", "deg C", "degreesC", "celsius"],
        dimension: "temperature",
        factor: 1.0,
        offset: 273.15,
    },
    u(&["K", "kelvin"], "temperature", 1.0),
    u(&["A", "amp", "amps", "ampere", "amperes"], "current", 1.0),
    u(&["kA"], "current", 1e3),
    u(&["V", "volt", "volts"], "voltage", 1.0),
    u(&["kV"], "voltage", 1e3),
    u(&["ohm", "ohms", "Ω", "Ohm"], "resistance", 1.0),
    u(&["MRayl", "MRayls"], "acoustic-impedance", 1e6),
    u(
        &["kg/(m2s)", "kg/(m2·s)", "kg/(m²·s)", "kg/m2/s", "kgm-2s-1", "Rayl", "kg/(m^2s)", "kg/(m^2·s)"],
        "acoustic-impedance",
        1.0,
    ),
    u(&["m3/min", "m³/min", "m^3/min"], "flow", 1.0 / 60.0),
    u(&["m3/s", "m³/s", "m^3/s"], "flow", 1.0),
    u(&["m3/h", "m³/h", "m^3/h"], "flow", 1.0 / 3600.0),
    u(&["m", "metre", "metres", "meter", "meters"], "length", 1.0),
    u(&["km"], "length", 1e3),
    u(&["ft", "feet"], "length", 0.3048),
    u(&["h", "hour", "hours", "hr", "o'clock", ":00"], "hour", 1.0),
    u(&["$/h", "USD/h", "$/hr", "$perhour"], "cost-rate", 1.0),
];

/// Removes spaces and a trailing full stop, comma or semicolon.
fn normalise(s: &str) -> String {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    s.trim_end_matches(['.', ',', ';', '*']).to_string()
}

fn find(name: &str) -> Option<&'static Unit> {
    let n = normalise(name);
    let exact = UNITS.iter().find(|u| u.names.iter().any(|a| normalise(a) == n));
    exact.or_else(|| {
        let lower = n.to_lowercase();
        let mut hits = UNITS.iter().filter(|u| u.names.iter().any(|a| normalise(a).to_lowercase() == lower));
        match (hits.next(), hits.next()) {
            (Some(u), None) => Some(u),
            _ => None,
        }
    })
}

/// Whether `name` is a known unit spelling.
pub fn is_unit(name: &str) -> bool {
    find(name).is_some()
}

/// `value` in unit `from` (the key's unit when `None`) expressed in unit `to`;
/// `None` when a unit is unknown or the dimensions differ.
pub fn convert(value: f64, from: Option<&str>, to: &str) -> Option<f64> {
    let Some(from) = from else { return Some(value) };
    let (a, b) = (find(from)?, find(to)?);
    if a.dimension != b.dimension {
        return None;
    }
    Some((value * a.factor + a.offset - b.offset) / b.factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn energy_qa_units_convert_within_a_dimension() {
        let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-9 * b.abs().max(1.0));
        assert!(close(convert(1.5, Some("GW"), "MW"), 1500.0));
        assert!(close(convert(2.0, Some("MWh"), "GJ"), 7.2));
        assert!(close(convert(1.0, Some("tce"), "GJ"), 29.3076));
        assert!(close(convert(300.0, Some("K"), "°C"), 26.85));
        assert!(close(convert(12.0, Some("%"), ""), 0.12));
        assert!(close(convert(60.0, Some("m3/s"), "m3/min"), 3600.0));
        assert!(close(convert(7.0, Some("mw"), "MW"), 7.0));
        assert!(close(convert(3.0, None, "MW"), 3.0));
        assert_eq!(convert(1.0, Some("MW"), "MWh"), None);
        assert_eq!(convert(1.0, Some("furlongs"), "m"), None);
    }
}
