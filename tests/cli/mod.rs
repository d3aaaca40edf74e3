//! Tests that run the `wattbench` binary.

mod analysis;
mod check;
mod concurrent_runs;
mod devices;
mod endpoint;
mod endpoint_qa;
mod endpoint_slo;
mod energy_qa;
mod engines;
mod fleet_report;
mod gpu_validate;
mod hostile;
mod interrupt;
mod list;
mod llm;
mod malformed_suite;
mod merge_checks;
mod openai_server;
mod real_server;
mod remote_meter;
mod run_results;
mod signing;
mod support;
mod train_args;
