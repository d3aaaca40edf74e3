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

/// One [`BuiltinSuite`] from its name and the stem of its file in `suites/`.
macro_rules! builtin {
    ($name:literal, $stem:literal) => {
        BuiltinSuite {
            name: $name,
            file: concat!("suites/", $stem, ".toml"),
            text: include_str!(concat!("../../", $stem, ".toml")),
        }
    };
}

/// Every built-in suite.
pub const BUILTIN: &[BuiltinSuite] = &[
    builtin!("quick", "quick"),
    builtin!("ett", "ett"),
    builtin!("harness", "harness"),
    builtin!("standard", "standard"),
    builtin!("electricity", "sector-electricity"),
    builtin!("renewables", "sector-renewables"),
    builtin!("grid", "sector-grid"),
    builtin!("demand-side", "sector-demand-side"),
    builtin!("oil-gas", "sector-oil-gas"),
    builtin!("coal", "sector-coal"),
    builtin!("llm", "llm"),
    builtin!("llm-gpu", "llm-gpu"),
    builtin!("energy-qa", "energy-qa"),
    builtin!("lstm-reference", "lstm-reference"),
];

/// Looks a built-in suite up by name.
pub fn builtin(name: &str) -> Option<&'static BuiltinSuite> {
    BUILTIN.iter().find(|s| s.name == name)
}
