//! Seeded sample order: every sample once per pass, each pass shuffled.

use wattbench_workloads::rng::SplitMix64;

/// An endless, reproducible stream of sample indices.
#[derive(Clone, Debug)]
pub struct SampleOrder {
    rng: SplitMix64,
    pass: Vec<usize>,
    next: usize,
}

impl SampleOrder {
    /// A stream over `count` samples (`count` > 0) seeded by `seed`.
    pub fn new(count: usize, seed: u64) -> Self {
        let mut order = Self { rng: SplitMix64::new(seed), pass: (0..count).collect(), next: 0 };
        order.rng.shuffle(&mut order.pass);
        order
    }

    /// The next sample index.
    pub fn next_sample(&mut self) -> usize {
        if self.next == self.pass.len() {
            self.rng.shuffle(&mut self.pass);
            self.next = 0;
        }
        let sample = self.pass[self.next];
        self.next += 1;
        sample
    }

    /// Fills `batch` with the next `size` sample indices.
    pub fn fill(&mut self, batch: &mut Vec<usize>, size: usize) {
        batch.clear();
        batch.extend((0..size).map(|_| self.next_sample()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_once_per_pass() {
        let mut order = SampleOrder::new(10, 7);
        for _ in 0..3 {
            let mut pass: Vec<usize> = (0..10).map(|_| order.next_sample()).collect();
            pass.sort_unstable();
            assert_eq!(pass, (0..10).collect::<Vec<_>>());
        }
    }

    #[test]
    fn same_seed_same_order_other_seed_other_order() {
        let take = |seed| {
            let mut o = SampleOrder::new(100, seed);
            (0..100).map(|_| o.next_sample()).collect::<Vec<_>>()
        };
        assert_eq!(take(1), take(1));
        assert_ne!(take(1), take(2));
    }
}
