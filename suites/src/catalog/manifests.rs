//! The suite manifests shipped inside the binary, so that a GPU node with
//! only the wattbench executable can still run the standard suites.

/// A suite manifest compiled into the binary.
#[derive(Clone, Copy, Debug)]
pub struct BuiltinSuite {
    /// Name used with `--suite`.
    pub name: &'static str,
    /// File name under `suites/`, for error messages.
    pub file: &'static str,
    /// The TOML text.
    pub text: &'static str,
}

/// Every built-in suite.
pub const BUILTIN: &[BuiltinSuite] = &[
    BuiltinSuite { name: "quick", file: "suites/quick.toml", text: include_str!("../../quick.toml") },
    BuiltinSuite { name: "ett", file: "suites/ett.toml", text: include_str!("../../ett.toml") },
    BuiltinSuite { name: "harness", file: "suites/harness.toml", text: include_str!("../../harness.toml") },
    BuiltinSuite { name: "standard", file: "suites/standard.toml", text: include_str!("../../standard.toml") },
    BuiltinSuite {
        name: "electricity",
        file: "suites/sector-electricity.toml",
        text: include_str!("../../sector-electricity.toml"),
    },
    BuiltinSuite {
        name: "renewables",
        file: "suites/sector-renewables.toml",
        text: include_str!("../../sector-renewables.toml"),
    },
    BuiltinSuite { name: "grid", file: "suites/sector-grid.toml", text: include_str!("../../sector-grid.toml") },
    BuiltinSuite {
        name: "demand-side",
        file: "suites/sector-demand-side.toml",
        text: include_str!("../../sector-demand-side.toml"),
    },
    BuiltinSuite {
        name: "oil-gas",
        file: "suites/sector-oil-gas.toml",
        text: include_str!("../../sector-oil-gas.toml"),
    },
    BuiltinSuite { name: "coal", file: "suites/sector-coal.toml", text: include_str!("../../sector-coal.toml") },
    BuiltinSuite { name: "llm", file: "suites/llm.toml", text: include_str!("../../llm.toml") },
    BuiltinSuite { name: "llm-gpu", file: "suites/llm-gpu.toml", text: include_str!("../../llm-gpu.toml") },
    BuiltinSuite { name: "energy-qa", file: "suites/energy-qa.toml", text: include_str!("../../energy-qa.toml") },
    BuiltinSuite {
        name: "lstm-reference",
        file: "suites/lstm-reference.toml",
        text: include_str!("../../lstm-reference.toml"),
    },
];

/// Looks a built-in suite up by name.
pub fn builtin(name: &str) -> Option<&'static BuiltinSuite> {
    BUILTIN.iter().find(|s| s.name == name)
}
