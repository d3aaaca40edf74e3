//! Where in a fleet a run happened: the node and the scheduler's task, for
//! the fleet view of a merged report and for unique results folders.

/// This machine's host name (Linux), or `host` when it cannot be read.
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "host".into())
}

/// The node a run ran on: Slurm's node name where Slurm started it (several
/// Slurm nodes may share a host), else the host name. Bounded in length.
pub fn node_name(env: &dyn Fn(&str) -> Option<String>) -> String {
    let node = env("SLURMD_NODENAME").filter(|s| !s.is_empty()).unwrap_or_else(host_name);
    node.chars().filter(|c| !c.is_control()).take(64).collect()
}

/// The scheduler task that ran this process, when any: `slurm job J task T`
/// (an array task), `slurm job J` (a plain job), `k8s index I` (a Kubernetes
/// indexed Job's pod).
pub fn scheduler_task(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let get = |k: &str| {
        env(k).filter(|s| !s.is_empty()).map(|s| s.chars().filter(|c| !c.is_control()).take(32).collect::<String>())
    };
    match (get("SLURM_ARRAY_JOB_ID"), get("SLURM_ARRAY_TASK_ID"), get("SLURM_JOB_ID"), get("JOB_COMPLETION_INDEX")) {
        (Some(j), Some(t), _, _) => Some(format!("slurm job {j} task {t}")),
        (_, _, Some(j), _) => Some(format!("slurm job {j}")),
        (_, _, _, Some(i)) => Some(format!("k8s index {i}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slurm_and_kubernetes_tasks_are_named() {
        let array = |k: &str| match k {
            "SLURM_ARRAY_JOB_ID" => Some("40".to_string()),
            "SLURM_ARRAY_TASK_ID" => Some("2".to_string()),
            "SLURM_JOB_ID" => Some("42".to_string()),
            "SLURMD_NODENAME" => Some("gpu07".to_string()),
            _ => None,
        };
        assert_eq!(scheduler_task(&array).as_deref(), Some("slurm job 40 task 2"));
        assert_eq!(node_name(&array), "gpu07");
        let plain = |k: &str| (k == "SLURM_JOB_ID").then(|| "9".to_string());
        assert_eq!(scheduler_task(&plain).as_deref(), Some("slurm job 9"));
        let k8s = |k: &str| (k == "JOB_COMPLETION_INDEX").then(|| "0".to_string());
        assert_eq!(scheduler_task(&k8s).as_deref(), Some("k8s index 0"));
        assert_eq!(scheduler_task(&|_: &str| None), None);
        assert!(!node_name(&|_: &str| None).is_empty());
    }
}
