//! Which engine executes a task's queries. A suite entry names the task
//! (`workload`, or `task`) and, optionally, the engine; a suite written
//! before engines had their own field names it in the task's parameters
//! (`params = { engine = "fused-cpu" }`), which still works. The chosen
//! engine is recorded in every result, so that `rank` shows the engines of
//! one task side by side.

/// Burn on the run's device: every task's default engine.
pub const BURN: &str = "burn";

/// Every engine besides Burn, with the tasks it can execute.
pub const ENGINES: &[(&str, &[&str])] = &[
    // An OpenAI-compatible server (vLLM, SGLang, TensorRT-LLM, MindIE, ...).
    ("openai", &["llm", "energy-qa"]),
    // The fused CUDA LSTM kernel (kernels/cuda/lstm_fused.cu).
    ("fused-cuda", &["load-forecast"]),
    // The fused CPU recurrent engine (kernels/src/rnn_cpu.rs).
    ("fused-cpu", &["load-forecast", "mine-gas"]),
];

/// Every engine name, Burn first.
pub fn engine_names() -> Vec<&'static str> {
    std::iter::once(BURN).chain(ENGINES.iter().map(|(name, _)| *name)).collect()
}

/// The engine of a run of `task`: `entry` (the entry's own `engine`) or the
/// one its parameters name, else Burn. A non-Burn engine named on the entry
/// is passed to the task in its parameters (the task stages it). A message
/// when the engine is unknown, does not execute this task, or is named
/// twice with different values.
pub fn choose_engine(task: &str, entry: Option<&str>, params: &mut serde_json::Value) -> Result<String, String> {
    let in_params = params.get("engine").map(|e| e.as_str().map(str::to_string));
    let in_params = match in_params {
        Some(None) => return Err("params.engine must be a string".into()),
        Some(Some(e)) => Some(e),
        None => None,
    };
    let name = match (entry, in_params.as_deref()) {
        (Some(a), Some(b)) if a != b => {
            return Err(format!("the engine is named twice: `{a}` here and `{b}` in params; keep one"))
        }
        (Some(a), _) => a.to_string(),
        (None, Some(b)) => b.to_string(),
        (None, None) => BURN.to_string(),
    };
    if name == BURN {
        return Ok(name);
    }
    let Some((_, tasks)) = ENGINES.iter().find(|(n, _)| *n == name) else {
        return Err(format!("unknown engine `{name}` (known: {})", engine_names().join(", ")));
    };
    if !tasks.contains(&task) {
        return Err(format!("engine `{name}` does not execute task `{task}` (it executes: {})", tasks.join(", ")));
    }
    if in_params.is_none() {
        if let Some(table) = params.as_object_mut() {
            table.insert("engine".into(), serde_json::Value::String(name.clone()));
        }
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_entry_or_the_params_name_the_engine_and_burn_is_the_default() {
        let mut p = json!({});
        assert_eq!(choose_engine("nilm", None, &mut p).unwrap(), "burn");
        assert_eq!(p, json!({}), "Burn adds nothing to the task's parameters");
        let mut p = json!({"hidden": 8});
        assert_eq!(choose_engine("load-forecast", Some("fused-cpu"), &mut p).unwrap(), "fused-cpu");
        assert_eq!(p, json!({"hidden": 8, "engine": "fused-cpu"}));
        let mut p = json!({"engine": "openai"});
        assert_eq!(choose_engine("llm", None, &mut p).unwrap(), "openai");
        let mut p = json!({"engine": "fused-cpu"});
        assert_eq!(choose_engine("mine-gas", Some("fused-cpu"), &mut p).unwrap(), "fused-cpu");
    }

    #[test]
    fn unknown_mismatched_and_twice_named_engines_are_refused() {
        let e = choose_engine("nilm", Some("tensorrt"), &mut json!({})).unwrap_err();
        assert_eq!(e, "unknown engine `tensorrt` (known: burn, openai, fused-cuda, fused-cpu)");
        let e = choose_engine("nilm", Some("fused-cpu"), &mut json!({})).unwrap_err();
        assert_eq!(e, "engine `fused-cpu` does not execute task `nilm` (it executes: load-forecast, mine-gas)");
        let e = choose_engine("load-forecast", Some("fused-cpu"), &mut json!({"engine": "burn"})).unwrap_err();
        assert!(e.contains("named twice"), "{e}");
        assert!(choose_engine("llm", None, &mut json!({"engine": 3})).is_err());
    }

    #[test]
    fn every_engine_is_accepted_by_the_tasks_it_names() {
        // The table cannot drift from the tasks: each task's own parameter
        // check accepts each engine listed for it (openai is checked by the
        // endpoint's parameters, which need a server address).
        for (engine, tasks) in ENGINES.iter().filter(|(e, _)| *e != "openai") {
            for task in *tasks {
                let mut p = json!({});
                choose_engine(task, Some(engine), &mut p).unwrap();
                wattbench_workloads::validate_params(task, &p).unwrap_or_else(|e| panic!("{task} {engine}: {e}"));
            }
        }
    }
}
