//! wattbench-kernels: the physical limits that results are compared with.
//!
//! Roofline probes (peak multiply-add rates and memory bandwidth) for the CPU
//! and, through cudarc and NVRTC, for CUDA GPUs; a fused reference kernel
//! for the LSTM load forecaster with its CPU reference; and the CPU engines
//! that Burn's CPU backend lacks: fused recurrent networks and direct
//! convolutions.

pub mod attention_cpu;
pub mod cpu_probes;
pub mod cuda;
pub mod direct_conv;
pub mod lstm;
pub mod rnn_cpu;
