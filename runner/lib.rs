//! wattbench: a benchmark runner with energy metering for AI workloads in
//! the energy sector.
//!
//! The pipeline of one run: a suite manifest ([`suite`]) expands into a plan;
//! each planned run resolves its device ([`device`]), stages a workload on a
//! Burn backend ([`backend`]), measures idle power, lets the load generator
//! ([`harness`]) issue queries while an energy meter ([`energy`]) reads at the
//! window's edges, scores quality, and writes one result file ([`results`])
//! before the next run starts ([`execute`]).

pub mod allocator;
pub mod analysis;
pub mod atomic_file;
pub mod backend;
pub mod calibration;
pub mod check;
pub mod cli;
pub mod device;
pub mod endpoint;
pub mod energy;
pub mod engine;
pub mod escape;
pub mod execute;
pub mod export;
pub mod harness;
pub mod report;
pub mod results;
pub mod scheduler;
pub mod signing;
pub mod stats;
pub mod suite;
pub mod table;
pub mod thread_pool;
pub mod validity;
