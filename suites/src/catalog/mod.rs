//! What this build ships: the registry of workloads (one list), the
//! reference weights, and the built-in suite manifests.

pub mod manifests;
pub mod reference;
pub mod registry;
