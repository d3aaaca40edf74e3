//! IBM System/360 single-precision floating point, SEG-Y's data sample format 1.
//!
//! Layout of the 32 bits: 1 sign bit, a 7-bit base-16 exponent biased by 64,
//! and a 24-bit fraction `F` with the radix point before it:
//! `value = (-1)^sign × 0.F × 16^(exponent - 64)`.

/// Decodes IBM single-precision bits (as read big-endian) to `f32`, rounding
/// to nearest. Values beyond `f32`'s range become infinite (IBM reaches about
/// 7.2 × 10⁷⁵); values below its smallest subnormal become zero. Any zero
/// fraction decodes to `0.0`.
pub fn ibm_to_f32(bits: u32) -> f32 {
    let fraction = bits & 0x00FF_FFFF;
    if fraction == 0 {
        return 0.0;
    }
    let exponent = ((bits >> 24) & 0x7F) as i32;
    // 0.F × 16^(e - 64) = F × 2^(4 (e - 64) - 24), exact in f64.
    let magnitude = f64::from(fraction) * power_of_two(4 * (exponent - 64) - 24);
    let value = if bits & 0x8000_0000 != 0 { -magnitude } else { magnitude };
    value as f32
}

/// `2^k` for `-1022 <= k <= 1023`, built exactly from its bits.
fn power_of_two(k: i32) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// Encodes a finite value as IBM single precision (round to nearest), for
/// writing test files. Zero and values below IBM's range give `0`.
#[cfg(test)]
pub(crate) fn ibm_from_f64(value: f64) -> u32 {
    if value == 0.0 || !value.is_finite() {
        return 0;
    }
    let sign = if value < 0.0 { 0x8000_0000 } else { 0 };
    let mut magnitude = value.abs();
    let mut exponent = 64i32;
    while magnitude >= 1.0 {
        magnitude /= 16.0;
        exponent += 1;
    }
    while magnitude < 1.0 / 16.0 {
        magnitude *= 16.0;
        exponent -= 1;
    }
    let mut fraction = (magnitude * f64::from(1u32 << 24)).round() as u32;
    if fraction == 1 << 24 {
        fraction >>= 4;
        exponent += 1;
    }
    if exponent < 0 {
        return 0;
    }
    sign | ((exponent.min(127) as u32) << 24) | fraction
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(ibm_to_f32(0x4110_0000), 1.0);
        assert_eq!(ibm_to_f32(0xC276_A000), -118.625);
        assert_eq!(ibm_to_f32(0x4028_0000), 0.15625);
        assert_eq!(ibm_to_f32(0x4110_0000 | 0x8000_0000), -1.0);
        assert_eq!(ibm_to_f32(0x4210_0000), 16.0);
        assert_eq!(ibm_to_f32(0x4080_0000), 0.5);
        assert_eq!(ibm_to_f32(0x0000_0000), 0.0);
        assert_eq!(ibm_to_f32(0x8000_0000), 0.0);
        assert_eq!(ibm_to_f32(0x4500_0000), 0.0); // zero fraction, any exponent
                                                  // An unnormalised fraction is decoded by value: 0x010000 × 2^-24 × 16^0 = 1/256.
        assert_eq!(ibm_to_f32(0x4001_0000), 1.0 / 256.0);
        // Largest IBM value overflows f32; the smallest underflows to zero.
        assert!(ibm_to_f32(0x7FFF_FFFF).is_infinite());
        assert!(ibm_to_f32(0xFFFF_FFFF) == f32::NEG_INFINITY);
        assert_eq!(ibm_to_f32(0x0010_0000), 0.0);
        // 16^-21 lies inside f32's normal range.
        assert_eq!(ibm_to_f32(0x2C10_0000), 16f32.powi(-21));
    }

    #[test]
    fn encoding_matches_and_round_trips() {
        assert_eq!(ibm_from_f64(1.0), 0x4110_0000);
        assert_eq!(ibm_from_f64(-118.625), 0xC276_A000);
        assert_eq!(ibm_from_f64(0.15625), 0x4028_0000);
        assert_eq!(ibm_from_f64(0.0), 0);
        assert_eq!(ibm_from_f64(1.0 - 1e-12), 0x4110_0000); // rounds up into the next exponent
        let mut x = 1.234_567e-30_f64;
        while x < 1e30 {
            for v in [x, -x] {
                let back = f64::from(ibm_to_f32(ibm_from_f64(v)));
                // IBM keeps at least 21 significant bits.
                assert!(((back - v) / v).abs() < 1.0 / f64::from(1u32 << 20), "{v} -> {back}");
            }
            x *= 3.7;
        }
        // Integers below 2^21 are exact.
        for v in [3.0, 255.0, 65535.0, 1_048_575.0, -2_000_000.0] {
            assert_eq!(f64::from(ibm_to_f32(ibm_from_f64(v))), v);
        }
    }
}
