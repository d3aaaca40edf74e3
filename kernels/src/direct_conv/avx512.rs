//! Tiles of `R` output rows by `V` vectors of 16 output channels held in
//! AVX-512 registers (`R x V` accumulators: at most 24 of the 32).

use std::arch::x86_64::*;

use super::{Taps, Task, LANES};

/// Output rows `first..` into `out`, a tile at a time.
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn rows<T: Taps>(task: &Task<T>, first: usize, out: &mut [f32]) {
    let width = task.filter.padded_out;
    let mut table = Vec::new();
    let mut col = 0;
    while col < width {
        let vectors = ((width - col) / LANES).min(4);
        match vectors {
            1 => columns::<T, 1, 24>(task, first, out, col, &mut table),
            2 => columns::<T, 2, 12>(task, first, out, col, &mut table),
            3 => columns::<T, 3, 8>(task, first, out, col, &mut table),
            _ => columns::<T, 4, 6>(task, first, out, col, &mut table),
        }
        col += vectors * LANES;
    }
}

/// Output channels `col..col + 16 V` of every row, `R` rows at a time.
#[target_feature(enable = "avx512f")]
unsafe fn columns<T: Taps, const V: usize, const R: usize>(
    task: &Task<T>,
    first: usize,
    out: &mut [f32],
    col: usize,
    table: &mut Vec<*const f32>,
) {
    let f = task.filter;
    let rows = out.len() / f.c_out;
    table.clear();
    table.resize(f.taps * R, f.zeros.as_ptr());
    let mut r0 = 0;
    while r0 < rows {
        let n = (rows - r0).min(R);
        task.taps.fill(first + r0, n, table, R);
        for k in 0..f.taps {
            for r in n..R {
                table[k * R + r] = f.zeros.as_ptr();
            }
        }
        let acc = tile::<T, V, R>(task, col, table);
        store::<T, V, R>(task, &acc, n, &mut out[r0 * f.c_out..], col);
        r0 += n;
    }
}

/// The accumulators of one tile: bias, then taps x channels.
#[target_feature(enable = "avx512f")]
#[inline]
unsafe fn tile<T: Taps, const V: usize, const R: usize>(
    task: &Task<T>,
    col: usize,
    table: &[*const f32],
) -> [[__m512; V]; R] {
    let f = task.filter;
    let (c_in, width) = (f.c_in, f.padded_out);
    let mut acc = [[_mm512_setzero_ps(); V]; R];
    for v in 0..V {
        let b = _mm512_loadu_ps(f.bias.as_ptr().add(col + v * LANES));
        for a in acc.iter_mut() {
            a[v] = b;
        }
    }
    for k in 0..f.taps {
        let mut p = [std::ptr::null::<f32>(); R];
        p.copy_from_slice(&table[k * R..(k + 1) * R]);
        let mut w = f.weight.as_ptr().add(k * c_in * width + col);
        for i in 0..c_in {
            let mut wv = [_mm512_setzero_ps(); V];
            for (v, wv) in wv.iter_mut().enumerate() {
                *wv = _mm512_loadu_ps(w.add(v * LANES));
            }
            for r in 0..R {
                let x = _mm512_set1_ps(*p[r].add(i));
                for v in 0..V {
                    acc[r][v] = _mm512_fmadd_ps(x, wv[v], acc[r][v]);
                }
            }
            w = w.add(width);
        }
    }
    acc
}

/// The first `n` rows of a tile into `out` (rows of `c_out`), through the
/// ReLU if asked; channels past `c_out` are not written.
#[target_feature(enable = "avx512f")]
#[inline]
unsafe fn store<T: Taps, const V: usize, const R: usize>(
    task: &Task<T>,
    acc: &[[__m512; V]; R],
    n: usize,
    out: &mut [f32],
    col: usize,
) {
    let c_out = task.filter.c_out;
    let zero = _mm512_setzero_ps();
    for (r, row) in acc.iter().enumerate().take(n) {
        let y = out.as_mut_ptr().add(r * c_out);
        for (v, &a) in row.iter().enumerate() {
            let a = if task.relu { _mm512_max_ps(a, zero) } else { a };
            let c = col + v * LANES;
            if c + LANES <= c_out {
                _mm512_storeu_ps(y.add(c), a);
            } else if c < c_out {
                let mask: __mmask16 = (1u16 << (c_out - c)) - 1;
                _mm512_mask_storeu_ps(y.add(c), mask, a);
            }
        }
    }
}
