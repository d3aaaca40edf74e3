//! The folder of one invocation's results, unique even when many runs start
//! in the same second into one shared folder (a cluster job array's tasks on
//! a shared filesystem): its name holds the host, the process id and, under
//! a scheduler, the job and task ids, and it is created exclusively, so two
//! invocations never share it.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// How many suffixed names are tried before giving up (each one a failed
/// exclusive creation: only a folder that already exists costs one).
const MAX_ATTEMPTS: usize = 1000;
/// The longest a name component taken from the environment may be.
const MAX_PART: usize = 48;

/// The folder of one invocation's results:
/// `<root>/<suite>-<UTC timestamp>-<host>-p<pid>[-j<job>][-t<task>]`.
#[derive(Clone, Debug)]
pub struct ResultsDir {
    /// The folder.
    pub path: PathBuf,
}

/// Keeps ASCII letters, digits, `-` and `_`, replaces anything else (dots
/// and slashes included) with `_`, and bounds the length: a file-name
/// component from any input, never `.`, `..` or a path.
pub fn safe_component(s: &str, max: usize) -> String {
    let out: String =
        s.chars().take(max).map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    if out.is_empty() {
        "_".into()
    } else {
        out
    }
}

/// The invocation's identity from the environment: host, process, and the
/// scheduler's job and task ids where there are any (Slurm's array job and
/// task, or its job and step rank; Kubernetes' indexed-Job completion index).
pub fn invocation_tag(env: &dyn Fn(&str) -> Option<String>, host: &str, pid: u32) -> String {
    let mut tag = format!("{}-p{pid}", safe_component(host, MAX_PART));
    let job = env("SLURM_ARRAY_JOB_ID").or_else(|| env("SLURM_JOB_ID"));
    let task = env("SLURM_ARRAY_TASK_ID").or_else(|| env("SLURM_PROCID")).or_else(|| env("JOB_COMPLETION_INDEX"));
    if let Some(j) = job.filter(|j| !j.is_empty()) {
        tag.push_str(&format!("-j{}", safe_component(&j, MAX_PART)));
    }
    if let Some(t) = task.filter(|t| !t.is_empty()) {
        tag.push_str(&format!("-t{}", safe_component(&t, MAX_PART)));
    }
    tag
}

impl ResultsDir {
    /// Creates a fresh folder for `suite` under `root` (created if missing),
    /// named for this invocation (see [`invocation_tag`]).
    pub fn create(root: &Path, suite: &str, stamp: &str) -> std::io::Result<Self> {
        let env = |k: &str| std::env::var(k).ok();
        Self::create_tagged(
            root,
            suite,
            stamp,
            &invocation_tag(&env, &super::placement::host_name(), std::process::id()),
        )
    }

    /// Creates `<root>/<suite>-<stamp>-<tag>` exclusively, or the first of
    /// `...-2`, `...-3`, ... that no one else has created.
    pub fn create_tagged(root: &Path, suite: &str, stamp: &str, tag: &str) -> std::io::Result<Self> {
        fs::create_dir_all(root)?;
        let base = format!("{}-{}-{tag}", safe_component(suite, 64), safe_component(stamp, 32));
        for n in 1..=MAX_ATTEMPTS {
            let name = if n == 1 { base.clone() } else { format!("{base}-{n}") };
            let path = root.join(name);
            // `create_dir` fails if the folder exists: the exclusive step two
            // invocations cannot both win, on one machine or over NFS.
            match fs::create_dir(&path) {
                Ok(()) => {
                    // Folders of earlier runs under this root may hold temporaries of a
                    // writer that was killed: remove them (never read as results anyway).
                    if let Ok(entries) = fs::read_dir(root) {
                        for entry in entries.flatten().filter(|e| e.file_type().is_ok_and(|t| t.is_dir())) {
                            super::remove_leftover_temporaries(&entry.path());
                        }
                    }
                    return Ok(Self { path });
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::new(
            ErrorKind::AlreadyExists,
            format!("{MAX_ATTEMPTS} folders named {base}-N already exist in {}", root.display()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_folder_for_the_same_name_gets_a_suffix_and_neither_is_shared() {
        let root = tempfile::tempdir().unwrap();
        let a = ResultsDir::create_tagged(root.path(), "quick", "20260101T000000Z", "n1-p7").unwrap();
        let b = ResultsDir::create_tagged(root.path(), "quick", "20260101T000000Z", "n1-p7").unwrap();
        assert_ne!(a.path, b.path);
        assert!(a.path.ends_with("quick-20260101T000000Z-n1-p7"));
        assert!(b.path.ends_with("quick-20260101T000000Z-n1-p7-2"));
    }

    #[test]
    fn many_threads_creating_the_same_name_get_distinct_folders() {
        // All released at once, 45 times: the folder creation before this fix
        // (an existence check, then a non-exclusive create) let 8 invocations
        // share a folder in 8 of 45 such trials.
        for _ in 0..45 {
            let root = tempfile::tempdir().unwrap();
            let start = std::sync::Barrier::new(8);
            let paths: Vec<PathBuf> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..8)
                    .map(|_| {
                        s.spawn(|| {
                            start.wait();
                            ResultsDir::create_tagged(root.path(), "s", "t", "h-p1").unwrap().path
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            let unique: std::collections::BTreeSet<_> = paths.iter().collect();
            assert_eq!(unique.len(), 8, "{paths:?}");
        }
    }

    #[test]
    fn the_tag_names_host_process_and_scheduler_ids_safely() {
        let slurm = |k: &str| match k {
            "SLURM_ARRAY_JOB_ID" => Some("4242".to_string()),
            "SLURM_JOB_ID" => Some("4245".to_string()),
            "SLURM_ARRAY_TASK_ID" => Some("3".to_string()),
            _ => None,
        };
        assert_eq!(invocation_tag(&slurm, "gpu-node07.cluster", 911), "gpu-node07_cluster-p911-j4242-t3");
        let k8s = |k: &str| (k == "JOB_COMPLETION_INDEX").then(|| "2".to_string());
        assert_eq!(invocation_tag(&k8s, "wb-2-xk", 1), "wb-2-xk-p1-t2");
        let none = |_: &str| None;
        assert_eq!(invocation_tag(&none, "../../etc", 5), "______etc-p5");
        assert_eq!(invocation_tag(&none, &"x".repeat(500), 5).len(), MAX_PART + 3);
    }
}
