// Fused single-layer LSTM + linear head for the load forecaster, compiled at
// run time with NVRTC. The whole sequence runs in one launch.
//
// Launch: one thread block per sample (gridDim.x = batch), blockDim.x =
// 4 * hidden (hidden <= 256, so at most 1024 threads), dynamic shared memory
// (2 * hidden + 4 * hidden + features) floats.
//
// Thread r = gate * hidden + unit owns row r of w_ih, w_hh and bias. Two
// entry points share one body, because a kernel's register count is fixed at
// compile time:
//   lstm_forecast       hidden <= 64 (<= 256 threads): the w_hh row is held
//                       in registers (a fixed 64-entry array indexed only by
//                       unrolled constants, so it never goes to local memory).
//   lstm_forecast_wide  64 < hidden <= 256 (<= 1024 threads, so <= 64
//                       registers per thread): the row is read from global
//                       memory through __ldg (the read-only cache) each step.
//
// Layouts (row-major): x [batch][steps][features], w_ih [4*hidden][features],
// w_hh [4*hidden][hidden], bias [4*hidden] (input and hidden biases summed),
// head_w [outputs][hidden], head_b [outputs], y [batch][outputs].
// Gate order: input, forget, cell, output. expf/tanhf (not the __expf fast
// intrinsics) keep results within 1e-4 of the CPU reference.

#define WB_REG_HIDDEN 64

__device__ __forceinline__ float wb_sigmoid(float v) {
    return 1.0f / (1.0f + expf(-v));
}

template <bool IN_REGS>
__device__ __forceinline__ void lstm_body(const float* __restrict__ x, const float* __restrict__ w_ih,
                                          const float* __restrict__ w_hh, const float* __restrict__ bias,
                                          const float* __restrict__ head_w, const float* __restrict__ head_b,
                                          float* __restrict__ y, int batch, int steps, int features,
                                          int hidden, int outputs) {
    extern __shared__ float smem[];
    float* h = smem;                 // [hidden]
    float* c = h + hidden;           // [hidden]
    float* pre = c + hidden;         // [4 * hidden]
    float* xs = pre + 4 * hidden;    // [features]

    const int b = blockIdx.x;
    const int r = threadIdx.x;
    const int rows = 4 * hidden;
    if (b >= batch) {
        return;
    }

    for (int u = r; u < hidden; u += blockDim.x) {
        h[u] = 0.0f;
        c[u] = 0.0f;
    }
    __syncthreads();

    const bool active = r < rows;
    const bool in_regs = IN_REGS && hidden <= WB_REG_HIDDEN;
    const float* wi = w_ih + (size_t)(active ? r : 0) * features;
    const float* wh = w_hh + (size_t)(active ? r : 0) * hidden;
    const float br = active ? __ldg(bias + r) : 0.0f;

    float wreg[WB_REG_HIDDEN];  // unused (and removed) when !IN_REGS
    if (IN_REGS) {
#pragma unroll
        for (int k = 0; k < WB_REG_HIDDEN; ++k) {
            wreg[k] = (active && in_regs && k < hidden) ? __ldg(wh + k) : 0.0f;
        }
    }

    const float* xb = x + (size_t)b * steps * features;
    for (int t = 0; t < steps; ++t) {
        for (int f = r; f < features; f += blockDim.x) {
            xs[f] = __ldg(xb + (size_t)t * features + f);
        }
        __syncthreads();  // xs of this step and h of the previous step are visible

        if (active) {
            float in_dot = 0.0f;
            for (int f = 0; f < features; ++f) {
                in_dot = fmaf(__ldg(wi + f), xs[f], in_dot);
            }
            float rec = 0.0f;
            if (IN_REGS && in_regs) {
#pragma unroll
                for (int k = 0; k < WB_REG_HIDDEN; ++k) {
                    if (k < hidden) {
                        rec = fmaf(wreg[k], h[k], rec);
                    }
                }
            } else {
                for (int k = 0; k < hidden; ++k) {
                    rec = fmaf(__ldg(wh + k), h[k], rec);
                }
            }
            pre[r] = br + in_dot + rec;
        }
        __syncthreads();  // every pre-activation is written

        if (r < hidden) {
            const float ig = wb_sigmoid(pre[r]);
            const float fg = wb_sigmoid(pre[hidden + r]);
            const float gg = tanhf(pre[2 * hidden + r]);
            const float og = wb_sigmoid(pre[3 * hidden + r]);
            const float cn = fg * c[r] + ig * gg;
            c[r] = cn;
            h[r] = og * tanhf(cn);
        }
        __syncthreads();  // h and c are updated before the next step reads them
    }

    for (int o = r; o < outputs; o += blockDim.x) {
        const float* hw = head_w + (size_t)o * hidden;
        float acc = 0.0f;
        for (int k = 0; k < hidden; ++k) {
            acc = fmaf(__ldg(hw + k), h[k], acc);
        }
        y[(size_t)b * outputs + o] = __ldg(head_b + o) + acc;
    }
}

// hidden <= 64: w_hh rows in registers. blockDim.x = 4 * hidden <= 256.
extern "C" __global__ void __launch_bounds__(256)
lstm_forecast(const float* __restrict__ x, const float* __restrict__ w_ih, const float* __restrict__ w_hh,
              const float* __restrict__ bias, const float* __restrict__ head_w,
              const float* __restrict__ head_b, float* __restrict__ y, int batch, int steps,
              int features, int hidden, int outputs) {
    lstm_body<true>(x, w_ih, w_hh, bias, head_w, head_b, y, batch, steps, features, hidden, outputs);
}

// 64 < hidden <= 256: w_hh rows through __ldg. blockDim.x = 4 * hidden <= 1024.
extern "C" __global__ void __launch_bounds__(1024)
lstm_forecast_wide(const float* __restrict__ x, const float* __restrict__ w_ih,
                   const float* __restrict__ w_hh, const float* __restrict__ bias,
                   const float* __restrict__ head_w, const float* __restrict__ head_b,
                   float* __restrict__ y, int batch, int steps, int features, int hidden,
                   int outputs) {
    lstm_body<false>(x, w_ih, w_hh, bias, head_w, head_b, y, batch, steps, features, hidden, outputs);
}
