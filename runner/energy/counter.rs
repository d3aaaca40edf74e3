//! Wrapping hardware counters turned into monotonic totals.

/// Increase of a counter from `prev` to `now`, allowing exactly one wrap.
///
/// When `now < prev` the counter is assumed to have wrapped once at
/// `max_range`, giving `max_range - prev + now` (saturating, never panicking).
pub fn counter_delta(prev: u64, now: u64, max_range: u64) -> u64 {
    if now >= prev {
        now - prev
    } else {
        max_range.saturating_sub(prev).saturating_add(now)
    }
}

/// Turns raw wrapping readings into a monotonic total since the first reading.
///
/// Call [`update`](Self::update) often enough that at most one wrap occurs
/// between two readings (RAPL packages wrap after minutes, not seconds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccumulatingCounter {
    max_range: u64,
    last: u64,
    total: u64,
}

impl AccumulatingCounter {
    /// Starts accumulating from `first` (the opening raw reading); the total starts at 0.
    pub fn new(first: u64, max_range: u64) -> Self {
        AccumulatingCounter { max_range, last: first, total: 0 }
    }

    /// Feeds a new raw reading and returns the updated total since the opening reading.
    pub fn update(&mut self, now: u64) -> u64 {
        let d = counter_delta(self.last, now, self.max_range);
        self.last = now;
        self.total = self.total.saturating_add(d);
        self.total
    }

    /// The total accumulated so far, in raw counter units.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The last raw reading fed in.
    pub fn last_raw(&self) -> u64 {
        self.last
    }

    /// The wrap range this counter uses.
    pub fn max_range(&self) -> u64 {
        self.max_range
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_without_wrap() {
        assert_eq!(counter_delta(100, 250, 1000), 150);
        assert_eq!(counter_delta(7, 7, 1000), 0);
    }

    #[test]
    fn delta_with_one_wrap() {
        assert_eq!(counter_delta(900, 50, 1000), 150);
        // RAPL-like range (max_energy_range_uj of a real package).
        let max = 262_143_328_850;
        assert_eq!(counter_delta(max - 1_000, 2_000, max), 3_000);
    }

    #[test]
    fn delta_near_u64_max() {
        assert_eq!(counter_delta(u64::MAX - 5, 10, u64::MAX), 15);
        assert_eq!(counter_delta(u64::MAX - 1, u64::MAX, u64::MAX), 1);
        // prev beyond a (wrong) max_range: saturates, never panics.
        assert_eq!(counter_delta(u64::MAX, 3, 10), 3);
    }

    #[test]
    fn accumulating_is_monotonic_across_wraps() {
        let mut c = AccumulatingCounter::new(800, 1000);
        assert_eq!(c.update(900), 100);
        assert_eq!(c.update(100), 300); // wrapped: 100 + 100
        assert_eq!(c.update(100), 300);
        assert_eq!(c.update(950), 1150);
        assert_eq!(c.update(5), 1205); // second wrap: 50 + 5
        assert_eq!(c.total(), 1205);
        assert_eq!(c.last_raw(), 5);
        assert_eq!(c.max_range(), 1000);
    }

    #[test]
    fn accumulating_near_u64_max() {
        let mut c = AccumulatingCounter::new(u64::MAX - 10, u64::MAX);
        assert_eq!(c.update(u64::MAX), 10);
        assert_eq!(c.update(20), 30);
    }
}
