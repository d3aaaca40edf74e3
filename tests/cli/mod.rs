//! Tests that run the `wattbench` binary.

mod analysis;
mod devices;
mod endpoint;
mod endpoint_slo;
mod interrupt;
mod list;
mod llm;
mod malformed_suite;
mod openai_server;
mod run_results;
mod support;
