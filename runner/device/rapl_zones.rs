//! Which RAPL package zones (`/sys/class/powercap/intel-rapl:N`) this host
//! exposes, and whether their counters can be read: a fact of the host's
//! inventory, which the RAPL meter then opens.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// Parses `intel-rapl:N` (a top-level package zone) into N; subzones `intel-rapl:N:M` give None.
fn package_index(name: &str) -> Option<u32> {
    let rest = name.strip_prefix("intel-rapl:")?;
    if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    rest.parse().ok()
}

/// Lists top-level package zones `intel-rapl:N` under `root`, sorted by N (subzones excluded).
pub fn discover_rapl_zones(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut found: Vec<(u32, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| package_index(&e.file_name().to_string_lossy()).map(|n| (n, e.path())))
        .collect();
    found.sort();
    found.into_iter().map(|(_, p)| p).collect()
}

/// The package zones under `root` whose `energy_uj` can be read, or a one-line reason why not.
pub fn rapl_readable(root: &Path) -> Result<Vec<PathBuf>, String> {
    if !root.exists() {
        return Err(format!("RAPL not available: {} does not exist (usual in VMs and containers)", root.display()));
    }
    let zones = discover_rapl_zones(root);
    if zones.is_empty() {
        return Err(format!(
            "RAPL not available: no intel-rapl:N package zones under {} (usual in VMs)",
            root.display()
        ));
    }
    for zone in &zones {
        let file = zone.join("energy_uj");
        if let Err(e) = std::fs::read_to_string(&file) {
            return Err(if e.kind() == ErrorKind::PermissionDenied {
                format!(
                    "RAPL is root-only: permission denied reading {} (run as root or grant read access)",
                    file.display()
                )
            } else {
                format!("RAPL not readable: {}: {e}", file.display())
            });
        }
    }
    Ok(zones)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn fake_zone(root: &Path, dir: &str) -> PathBuf {
        let z = root.join(dir);
        fs::create_dir_all(&z).unwrap();
        fs::write(z.join("energy_uj"), "1\n").unwrap();
        z
    }

    #[test]
    fn discover_skips_subzones_and_sorts() {
        let tmp = tempfile::tempdir().unwrap();
        for d in ["intel-rapl:10", "intel-rapl:1", "intel-rapl:0:0", "intel-rapl:0", "intel-rapl:", "other"] {
            fs::create_dir_all(tmp.path().join(d)).unwrap();
        }
        let names: Vec<String> = discover_rapl_zones(tmp.path())
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["intel-rapl:0", "intel-rapl:1", "intel-rapl:10"]);
        assert!(discover_rapl_zones(&tmp.path().join("missing")).is_empty());
    }

    #[test]
    fn readable_explains_absence() {
        let tmp = tempfile::tempdir().unwrap();
        let err = rapl_readable(&tmp.path().join("nope")).unwrap_err();
        assert!(err.contains("does not exist"), "{err}");
        let err = rapl_readable(tmp.path()).unwrap_err();
        assert!(err.contains("no intel-rapl"), "{err}");
        fake_zone(tmp.path(), "intel-rapl:0");
        let z = fake_zone(tmp.path(), "intel-rapl:1");
        assert_eq!(rapl_readable(tmp.path()).unwrap().len(), 2);
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(z.join("energy_uj"), fs::Permissions::from_mode(0o000)).unwrap();
        // Root can read mode-000 files; only check the message when the read really fails.
        if fs::read_to_string(z.join("energy_uj")).is_err() {
            let err = rapl_readable(tmp.path()).unwrap_err();
            assert!(err.contains("root-only"), "{err}");
        }
    }
}
