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
    BuiltinSuite { name: "quick", file: "suites/quick.toml", text: include_str!("../quick.toml") },
    BuiltinSuite { name: "ett", file: "suites/ett.toml", text: include_str!("../ett.toml") },
    BuiltinSuite { name: "harness", file: "suites/harness.toml", text: include_str!("../harness.toml") },
    BuiltinSuite {
        name: "lstm-reference",
        file: "suites/lstm-reference.toml",
        text: include_str!("../lstm-reference.toml"),
    },
];

/// Looks a built-in suite up by name.
pub fn builtin(name: &str) -> Option<&'static BuiltinSuite> {
    BUILTIN.iter().find(|s| s.name == name)
}
