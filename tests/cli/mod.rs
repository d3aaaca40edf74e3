//! Tests that run the `wattbench` binary.

mod analysis;
mod devices;
mod energy_qa;
mod hostile;
mod interrupt;
mod list;
mod llm;
mod malformed_suite;
mod run_results;
mod support;
