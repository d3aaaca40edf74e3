// Roofline probes for wattbench, compiled at run time with NVRTC.
//
// No headers are included (NVRTC builds without the toolkit's include
// directory): half precision and tensor-core work go through inline PTX on
// raw 32-bit registers, each holding two IEEE halves (the bits of a __half2).
//
// Work per launch (the Rust side turns it into a rate):
//   fma_fp32   2 * 8 chains * iters FLOP per thread
//   fma_fp16x2 2 * 2 lanes * 8 chains * iters FLOP per thread
//   mma_f16    2 * 16 * 8 * 16 FLOP per mma, 4 mma per warp per iteration
//   copy       2 * 16 * n bytes, triad 3 * 16 * n bytes

// Eight independent fp32 FMA chains per thread. Every chain converges to
// y / (1 - x) with 0 < x < 1, so values stay finite for any iteration count.
extern "C" __global__ void fma_fp32(float* out, int iters) {
    const unsigned int tid = blockIdx.x * blockDim.x + threadIdx.x;
    const float x = 0.9999f - 1.0e-6f * (float)(threadIdx.x & 7u);
    const float y = 1.0e-3f * (float)((tid & 15u) + 1u);
    float a0 = 0.0f, a1 = 0.1f, a2 = 0.2f, a3 = 0.3f;
    float a4 = 0.4f, a5 = 0.5f, a6 = 0.6f, a7 = 0.7f;
#pragma unroll 4
    for (int i = 0; i < iters; ++i) {
        a0 = fmaf(a0, x, y);
        a1 = fmaf(a1, x, y);
        a2 = fmaf(a2, x, y);
        a3 = fmaf(a3, x, y);
        a4 = fmaf(a4, x, y);
        a5 = fmaf(a5, x, y);
        a6 = fmaf(a6, x, y);
        a7 = fmaf(a7, x, y);
    }
    out[tid] = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
}

// One packed half2 FMA: a = a * x + y on both lanes.
__device__ __forceinline__ unsigned int hfma2_bits(unsigned int a, unsigned int x, unsigned int y) {
    unsigned int d;
    asm("fma.rn.f16x2 %0, %1, %2, %3;" : "=r"(d) : "r"(a), "r"(x), "r"(y));
    return d;
}

// Packed half2 addition, used only to combine the chains at the end.
__device__ __forceinline__ unsigned int hadd2_bits(unsigned int a, unsigned int b) {
    unsigned int d;
    asm("add.rn.f16x2 %0, %1, %2;" : "=r"(d) : "r"(a), "r"(b));
    return d;
}

// Eight independent half2 FMA chains per thread (the __hfma2 of cuda_fp16.h,
// written as PTX). `out` holds one __half2 (as its 32 bits) per thread.
// x is about 0.992..0.996 and y about 0.001, so each lane converges near 0.2.
extern "C" __global__ void fma_fp16x2(unsigned int* out, int iters) {
    const unsigned int tid = blockIdx.x * blockDim.x + threadIdx.x;
    const unsigned int xh = 0x3BF0u + (threadIdx.x & 7u);
    const unsigned int yh = 0x1400u + (tid & 3u);
    const unsigned int x = xh | (xh << 16);
    const unsigned int y = yh | (yh << 16);
    unsigned int a0 = 0x00000000u, a1 = 0x2E662E66u, a2 = 0x32663266u, a3 = 0x34CD34CDu;
    unsigned int a4 = 0x36663666u, a5 = 0x38003800u, a6 = 0x38CD38CDu, a7 = 0x399A399Au;
#pragma unroll 4
    for (int i = 0; i < iters; ++i) {
        a0 = hfma2_bits(a0, x, y);
        a1 = hfma2_bits(a1, x, y);
        a2 = hfma2_bits(a2, x, y);
        a3 = hfma2_bits(a3, x, y);
        a4 = hfma2_bits(a4, x, y);
        a5 = hfma2_bits(a5, x, y);
        a6 = hfma2_bits(a6, x, y);
        a7 = hfma2_bits(a7, x, y);
    }
    const unsigned int s0 = hadd2_bits(hadd2_bits(a0, a1), hadd2_bits(a2, a3));
    const unsigned int s1 = hadd2_bits(hadd2_bits(a4, a5), hadd2_bits(a6, a7));
    out[tid] = hadd2_bits(s0, s1);
}

// D = A * B + D for one m16n8k16 tile: A is 4 registers (8 halves), B is 2
// registers (4 halves), D is 4 floats per thread of the warp.
#define WB_MMA_16816(d0, d1, d2, d3, a0, a1, a2, a3, b0, b1)                         \
    asm("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 "                         \
        "{%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};"            \
        : "+f"(d0), "+f"(d1), "+f"(d2), "+f"(d3)                                     \
        : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1))

// Tensor-core throughput with warp-level mma.sync (needs sm_80 or newer).
// Fragments are small halves (about 0.001) derived from threadIdx, so each
// mma adds about 2e-5 to an accumulator: finite for any realistic `iters`.
// Four independent accumulators per warp give the tensor pipe some ILP.
// `out` holds 16 floats per thread.
extern "C" __global__ void mma_f16(float* out, int iters) {
    const unsigned int tid = blockIdx.x * blockDim.x + threadIdx.x;
    const unsigned int lane = threadIdx.x & 31u;
    const unsigned int ha = 0x1400u + (lane & 7u);
    const unsigned int hb = 0x1410u + ((lane >> 3) & 3u);
    const unsigned int a0 = ha | (ha << 16), a1 = a0 + 0x00010000u;
    const unsigned int a2 = a0 + 0x00000001u, a3 = a0 + 0x00010001u;
    const unsigned int b0 = hb | (hb << 16), b1 = b0 + 0x00010001u;
    float c00 = 0.0f, c01 = 0.0f, c02 = 0.0f, c03 = 0.0f;
    float c10 = 0.0f, c11 = 0.0f, c12 = 0.0f, c13 = 0.0f;
    float c20 = 0.0f, c21 = 0.0f, c22 = 0.0f, c23 = 0.0f;
    float c30 = 0.0f, c31 = 0.0f, c32 = 0.0f, c33 = 0.0f;
#if __CUDA_ARCH__ >= 800  // mma.sync m16n8k16 does not exist before sm_80 (the host refuses those)
#pragma unroll 2
    for (int i = 0; i < iters; ++i) {
        WB_MMA_16816(c00, c01, c02, c03, a0, a1, a2, a3, b0, b1);
        WB_MMA_16816(c10, c11, c12, c13, a1, a2, a3, a0, b0, b1);
        WB_MMA_16816(c20, c21, c22, c23, a2, a3, a0, a1, b1, b0);
        WB_MMA_16816(c30, c31, c32, c33, a3, a0, a1, a2, b1, b0);
    }
#endif
    float* o = out + (size_t)tid * 16u;
    o[0] = c00;  o[1] = c01;  o[2] = c02;  o[3] = c03;
    o[4] = c10;  o[5] = c11;  o[6] = c12;  o[7] = c13;
    o[8] = c20;  o[9] = c21;  o[10] = c22; o[11] = c23;
    o[12] = c30; o[13] = c31; o[14] = c32; o[15] = c33;
}

// b[i] = a[i] over n float4 values, grid-stride.
extern "C" __global__ void copy(const float4* __restrict__ a, float4* __restrict__ b, size_t n) {
    const size_t stride = (size_t)gridDim.x * blockDim.x;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        b[i] = a[i];
    }
}

// a[i] = b[i] + s * c[i] over n float4 values, grid-stride (STREAM triad).
extern "C" __global__ void triad(float4* __restrict__ a, const float4* __restrict__ b,
                                 const float4* __restrict__ c, float s, size_t n) {
    const size_t stride = (size_t)gridDim.x * blockDim.x;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        const float4 x = b[i];
        const float4 y = c[i];
        float4 r;
        r.x = fmaf(s, y.x, x.x);
        r.y = fmaf(s, y.y, x.y);
        r.z = fmaf(s, y.z, x.z);
        r.w = fmaf(s, y.w, x.w);
        a[i] = r;
    }
}
