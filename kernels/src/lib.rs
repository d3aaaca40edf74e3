//! wattbench-kernels: the physical limits that results are compared with.
//!
//! Roofline probes (peak multiply-add rates and memory bandwidth) for the CPU
//! and, through cudarc and NVRTC, for CUDA GPUs; and a fused reference
//! kernel for the LSTM load forecaster with its CPU reference.

pub mod cpu_probes;
pub mod cuda;
pub mod lstm;
pub mod rnn_cpu;
