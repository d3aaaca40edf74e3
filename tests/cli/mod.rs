//! Tests that run the `wattbench` binary.

mod analysis;
mod devices;
mod gpu_validate;
mod interrupt;
mod list;
mod llm;
mod malformed_suite;
mod run_results;
mod support;
