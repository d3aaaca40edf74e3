//! Tests that run the `wattbench` binary.

mod analysis;
mod devices;
mod interrupt;
mod list;
mod malformed_suite;
mod run_results;
mod support;
