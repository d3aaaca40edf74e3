//! CPU package energy from Linux powercap RAPL zones (`/sys/class/powercap/intel-rapl:N`).

use std::path::{Path, PathBuf};

use crate::energy::counter::AccumulatingCounter;
use crate::energy::meter::{EnergyMeter, EnergyMethod, MeterError};

fn read_text(path: &Path) -> Result<String, MeterError> {
    std::fs::read_to_string(path).map_err(|source| MeterError::Io { path: path.to_path_buf(), source })
}

fn read_u64(path: &Path) -> Result<u64, MeterError> {
    let text = read_text(path)?;
    let value = text.trim();
    value.parse::<u64>().map_err(|_| MeterError::Parse { path: path.to_path_buf(), value: value.to_string() })
}

/// One package zone: its directory, its `name`, and its accumulating counter (µJ).
#[derive(Clone, Debug)]
struct Zone {
    dir: PathBuf,
    name: String,
    counter: AccumulatingCounter,
}

impl Zone {
    fn open(dir: &Path) -> Result<Zone, MeterError> {
        let max = read_u64(&dir.join("max_energy_range_uj"))?;
        let first = read_u64(&dir.join("energy_uj"))?;
        let name = read_text(&dir.join("name"))?.trim().to_string();
        Ok(Zone { dir: dir.to_path_buf(), name, counter: AccumulatingCounter::new(first, max) })
    }

    fn label(&self) -> String {
        let dir = self.dir.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        format!("CPU {} ({dir})", self.name)
    }
}

/// Energy meter over one or more RAPL package zones; several packages are summed.
#[derive(Clone, Debug)]
pub struct RaplMeter {
    zones: Vec<Zone>,
}

impl RaplMeter {
    /// Opens one zone directory (reads `energy_uj`, `max_energy_range_uj`, `name`).
    pub fn open(zone_dir: &Path) -> Result<RaplMeter, MeterError> {
        Ok(RaplMeter { zones: vec![Zone::open(zone_dir)?] })
    }

    /// Opens several zone directories whose energies are summed; errors on an empty list.
    pub fn open_all(zone_dirs: &[PathBuf]) -> Result<RaplMeter, MeterError> {
        if zone_dirs.is_empty() {
            return Err(MeterError::NoZones("empty zone list".to_string()));
        }
        let zones = zone_dirs.iter().map(|d| Zone::open(d)).collect::<Result<Vec<_>, _>>()?;
        Ok(RaplMeter { zones })
    }

    /// The zone directories this meter reads.
    pub fn zone_dirs(&self) -> Vec<PathBuf> {
        self.zones.iter().map(|z| z.dir.clone()).collect()
    }
}

impl EnergyMeter for RaplMeter {
    fn method(&self) -> EnergyMethod {
        EnergyMethod::Rapl
    }

    fn scope(&self) -> String {
        self.zones.iter().map(Zone::label).collect::<Vec<_>>().join(" + ")
    }

    fn energy_j(&mut self) -> Result<Option<f64>, MeterError> {
        let mut total_uj: u128 = 0;
        for zone in &mut self.zones {
            let now = read_u64(&zone.dir.join("energy_uj"))?;
            total_uj += u128::from(zone.counter.update(now));
        }
        Ok(Some(total_uj as f64 / 1e6))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn fake_zone(root: &Path, dir: &str, name: &str, energy: u64, max: u64) -> PathBuf {
        let z = root.join(dir);
        fs::create_dir_all(&z).unwrap();
        fs::write(z.join("name"), format!("{name}\n")).unwrap();
        fs::write(z.join("energy_uj"), format!("{energy}\n")).unwrap();
        fs::write(z.join("max_energy_range_uj"), format!("{max}\n")).unwrap();
        z
    }

    fn set(z: &Path, energy: u64) {
        fs::write(z.join("energy_uj"), format!("{energy}\n")).unwrap();
    }

    #[test]
    fn reads_deltas_and_wrap_with_max_range_from_file() {
        let tmp = tempfile::tempdir().unwrap();
        let z = fake_zone(tmp.path(), "intel-rapl:0", "package-0", 262_000_000_000, 262_143_328_850);
        let mut m = RaplMeter::open(&z).unwrap();
        assert_eq!(m.method(), EnergyMethod::Rapl);
        assert_eq!(m.scope(), "CPU package-0 (intel-rapl:0)");
        assert_eq!(m.energy_j().unwrap(), Some(0.0));
        set(&z, 262_143_000_000);
        assert_eq!(m.energy_j().unwrap(), Some(143.0));
        set(&z, 1_000_000); // wrap: 0.32885 J to the top + 1 J
        let e = m.energy_j().unwrap().unwrap();
        assert!((e - 144.32885).abs() < 1e-9, "{e}");
    }

    #[test]
    fn sums_several_packages() {
        let tmp = tempfile::tempdir().unwrap();
        let a = fake_zone(tmp.path(), "intel-rapl:0", "package-0", 10, 1_000_000_000);
        let b = fake_zone(tmp.path(), "intel-rapl:1", "package-1", 20, 1_000_000_000);
        let mut m = RaplMeter::open_all(&[a.clone(), b.clone()]).unwrap();
        set(&a, 2_000_010);
        set(&b, 3_000_020);
        assert_eq!(m.energy_j().unwrap(), Some(5.0));
        assert!(m.scope().contains(" + "));
        assert_eq!(m.zone_dirs(), vec![a, b]);
        assert!(RaplMeter::open_all(&[]).is_err());
    }

    #[test]
    fn bad_contents_are_errors() {
        let tmp = tempfile::tempdir().unwrap();
        let z = fake_zone(tmp.path(), "intel-rapl:0", "package-0", 1, 100);
        fs::write(z.join("energy_uj"), "garbage").unwrap();
        assert!(matches!(RaplMeter::open(&z), Err(MeterError::Parse { .. })));
        assert!(matches!(RaplMeter::open(&tmp.path().join("x")), Err(MeterError::Io { .. })));
    }
}
