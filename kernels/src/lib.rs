//! CUDA kernels and their CPU references (roofline probes and fused kernels land here).
