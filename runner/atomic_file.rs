//! Writing result files so that a crash or Ctrl-C never leaves a torn one.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// Every temporary file of the atomic writer is named
/// `.wattbench-tmp-XXXXXX.tmp` (random `XXXXXX`, created exclusively): hidden,
/// never `*.json`, so that no reader takes it for a result.
const TEMPORARY_PREFIX: &str = ".wattbench-tmp-";
const TEMPORARY_SUFFIX: &str = ".tmp";

/// Whether `name` is the atomic writer's temporary file (a reader must never
/// read it as a result, even when named on the command line).
pub fn is_temporary_name(name: &str) -> bool {
    name.starts_with(TEMPORARY_PREFIX) && name.ends_with(TEMPORARY_SUFFIX)
}

/// Removes the temporaries in `dir` left by a writer that died (kill -9, a
/// full disk): each is held locked by its writer while it is written, so one
/// that can be locked has no writer left. Symbolic links and other
/// non-regular files of that name are left alone; errors are ignored.
pub fn remove_leftover_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_str().is_some_and(is_temporary_name) {
            continue;
        }
        let path = entry.path();
        if !fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file()) {
            continue;
        }
        let Ok(file) = File::open(&path) else { continue };
        if file.try_lock().is_ok() {
            let _ = fs::remove_file(&path);
        }
    }
}

/// Writes `bytes` to `dir/name` through a temporary file created exclusively
/// in `dir` (random name, `O_EXCL`: a planted file or symbolic link is never
/// followed), locked while it is written, synced and renamed over the
/// target: the target is either absent, as it was, or complete. Leftover
/// temporaries of dead writers in `dir` are removed first.
pub fn write_bytes_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    remove_leftover_temporaries(dir);
    let target = dir.join(name);
    // Another process's clean-up may remove our temporary in the instant
    // between its creation and its lock: then the rename finds nothing; try again.
    let mut attempts = 0;
    loop {
        attempts += 1;
        let mut builder = tempfile::Builder::new();
        builder.prefix(TEMPORARY_PREFIX).suffix(TEMPORARY_SUFFIX);
        // Results are read by other people and tools: rw-r--r-- (less the
        // umask), not a temporary file's usual rw-------.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let mut tmp = builder.tempfile_in(dir)?;
        tmp.as_file().lock()?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        match tmp.persist(&target) {
            Ok(_) => break,
            Err(e) if e.error.kind() == std::io::ErrorKind::NotFound && attempts < 3 => continue,
            Err(e) => return Err(e.error),
        }
    }
    // Make the rename itself durable.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(target)
}

/// Writes `value` as pretty JSON to `dir/name` atomically (see [`write_bytes_atomic`]).
pub fn write_atomic<T: Serialize>(dir: &Path, name: &str, value: &T) -> std::io::Result<PathBuf> {
    let mut json = serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?;
    json.push(b'\n');
    write_bytes_atomic(dir, name, &json)
}

/// Writes `text` to `path` atomically (see [`write_bytes_atomic`]): for
/// reports, Markdown summaries and JUnit files.
pub fn write_text_atomic(path: &Path, text: &str) -> std::io::Result<PathBuf> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"))?;
    write_bytes_atomic(dir, name, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_complete_json_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_atomic(dir.path(), "a.json", &serde_json::json!({"x": 1})).unwrap();
        let back: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        assert_eq!(back["x"], 1);
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["a.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_symlink_at_the_old_temporary_name_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, "precious").unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join(".a.json.tmp")).unwrap();
        write_atomic(dir.path(), "a.json", &serde_json::json!({"x": 1})).unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        write_text_atomic(&dir.path().join("report.html"), "<html>").unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    }

    #[test]
    fn leftover_temporaries_are_removed_by_the_next_write_in_that_folder() {
        let dir = tempfile::tempdir().unwrap();
        let leftover = dir.path().join(".wattbench-tmp-Ab12Cd.tmp");
        fs::write(&leftover, "").unwrap();
        write_atomic(dir.path(), "a.json", &serde_json::json!({"x": 1})).unwrap();
        assert!(!leftover.exists());
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["a.json"]);
    }

    #[test]
    fn a_temporary_still_being_written_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let busy = dir.path().join(".wattbench-tmp-Busy01.tmp");
        let file = fs::File::create(&busy).unwrap();
        file.lock().unwrap();
        remove_leftover_temporaries(dir.path());
        assert!(busy.exists());
        drop(file);
        remove_leftover_temporaries(dir.path());
        assert!(!busy.exists());
    }
}
