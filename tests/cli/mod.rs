//! Tests that run the `wattbench` binary.

mod analysis;
mod check;
mod devices;
mod interrupt;
mod list;
mod llm;
mod malformed_suite;
mod run_results;
mod support;
mod train_args;
