//! Branch-free f32 `exp`, logistic function, `tanh` and `erf` (wattbench's patch).
//!
//! The unpatched backend maps every element through libm's scalar `expf` and
//! `tanhf` (a call each, and a branch in the logistic function), so LLVM
//! cannot vectorise the element loop. These are Cephes' single-precision
//! polynomials written without calls or branches (selects only), so the
//! same loop runs four or eight elements at a time. Accuracy, tested in
//! wattbench against f64: `exp` within 2 ulp, the logistic function and
//! `tanh` within 4e-7 relative (or 1e-7 absolute near zero crossings of
//! `tanh`), `erf` within 3e-7 absolute (a rational approximation on
//! [-4, 4], outside which erf is ±1 in f32). NaN propagates; overflow gives
//! infinity.

const LOG2E: f32 = core::f32::consts::LOG2_E;
const LN2_HI: f32 = 0.693_359_4;
const LN2_LO: f32 = -2.121_944_4e-4;
/// Above this 2^n would overflow the exponent field: `exp` scales by 2^(n-1), then by 2.
const EXP_HIGH: f32 = 88.376_26;
/// ln(f32::MAX): above it `exp` is infinite.
const EXP_MAX: f32 = 88.722_84;
/// Below this the true result is subnormal; `exp` returns 0.
const EXP_LOW: f32 = -87.336_55;
/// Round to nearest by the float's own rounding (no `round` call on SSE2).
const ROUND: f32 = 12_582_912.0;

/// `e^x`.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    let xr = x.max(EXP_LOW).min(EXP_MAX);
    let n = (xr * LOG2E + ROUND) - ROUND;
    let r = xr - n * LN2_HI - n * LN2_LO;
    let r2 = r * r;
    let p = ((((1.987_569_1e-4 * r + 1.398_199_9e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r
        + 1.666_666_5e-1)
        * r
        + 5.000_000_1e-1;
    let y = p * r2 + r + 1.0;
    // 2^n from n + 127 in the low mantissa bits of ROUND + n + 127 (an `as`
    // cast would saturate, which does not vectorise); 2^(n-1) x 2 at the top.
    let high = if x > EXP_HIGH { 1.0 } else { 0.0 };
    let biased = ((n - high + (ROUND + 127.0)).to_bits() & 0xff) << 23;
    let scaled = y * f32::from_bits(biased) * (1.0 + high);
    let scaled = if x > EXP_MAX { f32::INFINITY } else { scaled };
    let scaled = if x < EXP_LOW { 0.0 } else { scaled };
    if x.is_nan() { x } else { scaled }
}

/// The logistic function `1 / (1 + e^-x)`.
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// `tanh(x)`: Cephes' odd polynomial below 0.625, `1 - 2 / (e^2|x| + 1)` above.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    let a = x.abs();
    let z = x * x;
    let small = ((((-5.704_988_7e-3 * z + 2.063_908_9e-2) * z - 5.373_971_6e-2) * z + 1.333_144_2e-1) * z
        - 3.333_328_2e-1)
        * z
        * x
        + x;
    let large = 1.0 - 2.0 / (exp(2.0 * a) + 1.0);
    let large = if x < 0.0 { -large } else { large };
    if a < 0.625 { small } else { large }
}

/// `erf(x)`: an odd rational function of x on [-4, 4] (numerator degree 13,
/// denominator degree 8, the f32 approximation of Eigen and XLA), ±1 outside.
#[inline(always)]
pub fn erf(x: f32) -> f32 {
    let c = x.clamp(-4.0, 4.0);
    let z = c * c;
    let p = ((((((-2.726_142_3e-10 * z + 2.770_681_4e-8) * z - 2.101_024e-6) * z - 5.692_506_4e-5) * z
        - 7.349_906_3e-4)
        * z
        - 2.954_599_8e-3)
        * z
        - 1.609_603_3e-2)
        * c;
    let q = (((-1.456_607_2e-5 * z - 2.133_740_6e-4) * z - 1.682_827e-3) * z - 7.373_329e-3) * z - 1.426_474e-2;
    // ±1 from |x| = 4 on (f32's nearest to erf(4) is 1), which keeps GELU's
    // far negative tail at 0.
    let r = if c >= 4.0 { 1.0 } else { p / q };
    let r = if c <= -4.0 { -1.0 } else { r };
    if x.is_nan() { x } else { r }
}
