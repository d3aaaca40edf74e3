//! Several counters read as one meter: the GPUs that serve one model
//! (`meter = ["cuda:0", "cuda:1"]`), summed, each part kept.

use super::meter::{EnergyMeter, EnergyMethod, MeterError, PartReading, ReadDetail};

/// Sums the cumulative energy of its parts; every part must measure the same way.
pub struct MeterSet {
    parts: Vec<(String, Box<dyn EnergyMeter>)>,
    last: Vec<PartReading>,
}

impl MeterSet {
    /// A set over `parts`, each named by its label (e.g. `cuda:1`). Refuses
    /// an empty set, duplicate labels and parts that measure differently
    /// (an NVML counter summed with an unmeasured part would be a guess).
    pub fn new(parts: Vec<(String, Box<dyn EnergyMeter>)>) -> Result<MeterSet, MeterError> {
        let Some((_, first)) = parts.first() else {
            return Err(MeterError::NotSupported("a meter set needs at least one meter".into()));
        };
        let method = first.method();
        for (i, (label, m)) in parts.iter().enumerate() {
            if parts[..i].iter().any(|(l, _)| l == label) {
                return Err(MeterError::NotSupported(format!("`{label}` is named twice")));
            }
            if m.method() != method {
                return Err(MeterError::NotSupported(format!(
                    "`{label}` measures by {} but `{}` by {method}: parts of one sum must measure alike",
                    m.method(),
                    parts[0].0
                )));
            }
        }
        Ok(MeterSet { parts, last: Vec::new() })
    }
}

impl EnergyMeter for MeterSet {
    fn method(&self) -> EnergyMethod {
        self.parts[0].1.method()
    }

    fn scope(&self) -> String {
        let each: Vec<String> = self.parts.iter().map(|(l, m)| format!("{l}: {}", m.scope())).collect();
        format!("sum of {} meters ({})", self.parts.len(), each.join("; "))
    }

    fn energy_j(&mut self) -> Result<Option<f64>, MeterError> {
        let mut total = 0.0;
        let mut readings = Vec::with_capacity(self.parts.len());
        for (label, m) in &mut self.parts {
            let Some(j) = m.energy_j()? else {
                self.last.clear();
                return Ok(None);
            };
            total += j;
            readings.push(PartReading { scope: format!("{label}: {}", m.scope()), joules: j });
        }
        self.last = readings;
        Ok(Some(total))
    }

    fn power_w(&mut self) -> Result<Option<f64>, MeterError> {
        let mut total = 0.0;
        for (_, m) in &mut self.parts {
            match m.power_w()? {
                Some(w) => total += w,
                None => return Ok(None),
            }
        }
        Ok(Some(total))
    }

    fn last_read(&self) -> ReadDetail {
        ReadDetail { parts: self.last.clone(), remote: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::energy::scripted::ScriptedMeter;
    use crate::energy::Unmeasured;

    fn scripted(readings: &[f64]) -> Box<dyn EnergyMeter> {
        Box::new(ScriptedMeter::from_readings(readings.to_vec()))
    }

    #[test]
    fn parts_are_summed_and_each_kept() {
        let mut set = MeterSet::new(vec![
            ("cuda:0".into(), scripted(&[0.0, 10.0, 25.0])),
            ("cuda:1".into(), scripted(&[0.0, 3.0, 7.5])),
        ])
        .unwrap();
        assert_eq!(set.method(), EnergyMethod::Scripted);
        assert_eq!(set.energy_j().unwrap(), Some(0.0));
        assert_eq!(set.energy_j().unwrap(), Some(13.0));
        assert_eq!(set.energy_j().unwrap(), Some(32.5));
        let parts = set.last_read().parts;
        assert_eq!(parts.len(), 2);
        assert!(parts[0].scope.starts_with("cuda:0: "), "{:?}", parts[0]);
        assert_eq!((parts[0].joules, parts[1].joules), (25.0, 7.5));
        assert!(set.scope().starts_with("sum of 2 meters (cuda:0: "), "{}", set.scope());
        // A part that runs out is an error of the whole, never a partial sum.
        assert!(set.energy_j().is_err());
    }

    #[test]
    fn mixed_methods_duplicates_and_empty_sets_are_refused() {
        let mixed = MeterSet::new(vec![
            ("cuda:0".into(), scripted(&[0.0])),
            ("cuda:1".into(), Box::new(Unmeasured::new("no counter"))),
        ]);
        assert!(mixed.err().unwrap().to_string().contains("must measure alike"));
        let twice = MeterSet::new(vec![("cuda:0".into(), scripted(&[0.0])), ("cuda:0".into(), scripted(&[0.0]))]);
        assert!(twice.err().unwrap().to_string().contains("named twice"));
        assert!(MeterSet::new(Vec::new()).is_err());
    }
}
