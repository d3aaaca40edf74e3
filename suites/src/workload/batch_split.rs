//! A batch split across the CPU's threads: each worker owns a replica of the
//! model (and its staging buffer) and runs one contiguous slice of the
//! samples; the outputs are joined in sample order.
//!
//! Burn's CPU backend parallelises an operation only when it is large (a
//! matrix product above some 7 million multiply-adds); a batch of 64 through
//! a small model runs its hundreds of small operations on one core. Each
//! sample's outputs do not depend on the other samples of its batch, so
//! slices of the batch can run side by side, the way a PyTorch CPU run uses
//! all its intra-op threads.

use rayon::prelude::*;

/// The fewest samples a worker takes: a batch smaller than twice this runs
/// whole on the calling thread (batch 1 gains nothing from a split, and a
/// slice of a few samples costs more to hand over than to run).
pub const MIN_SAMPLES_PER_WORKER: usize = 8;

/// One replica of `W` per worker.
pub struct Workers<W> {
    replicas: Vec<W>,
}

impl<W: Send> Workers<W> {
    /// `count` replicas (at least one), the first being `first` and the
    /// others made by `replicate` from it.
    pub fn new(count: usize, first: W, replicate: impl Fn(&W) -> W) -> Self {
        let mut replicas = Vec::with_capacity(count.max(1));
        for _ in 1..count.max(1) {
            replicas.push(replicate(&first));
        }
        replicas.insert(0, first);
        Self { replicas }
    }

    /// How many workers a batch may be split across.
    pub fn count(&self) -> usize {
        self.replicas.len()
    }

    /// The first replica (the one whole batches below the split size run on).
    pub fn first(&self) -> &W {
        &self.replicas[0]
    }

    /// The slices `samples` is cut into: as many as there are workers, but
    /// none under [`MIN_SAMPLES_PER_WORKER`]; sizes differ by at most one.
    pub fn slices<'a>(&self, samples: &'a [usize]) -> Vec<&'a [usize]> {
        let n = self.count().min(samples.len() / MIN_SAMPLES_PER_WORKER).max(1);
        let (base, extra) = (samples.len() / n, samples.len() % n);
        let mut rest = samples;
        (0..n)
            .map(|i| {
                let (head, tail) = rest.split_at(base + usize::from(i < extra));
                rest = tail;
                head
            })
            .collect()
    }

    /// `run` on each slice of `samples` (see [`Workers::slices`]), each on
    /// its own replica and thread; the outputs joined in sample order. The
    /// first error, in slice order, is returned.
    pub fn run<E: Send>(
        &mut self,
        samples: &[usize],
        run: impl Fn(&mut W, &[usize]) -> Result<Vec<f32>, E> + Sync,
    ) -> Result<Vec<f32>, E> {
        let slices = self.slices(samples);
        if slices.len() == 1 {
            return run(&mut self.replicas[0], samples);
        }
        let parts: Vec<Result<Vec<f32>, E>> =
            self.replicas.par_iter_mut().zip(slices.into_par_iter()).map(|(w, s)| run(w, s)).collect();
        let mut out = Vec::new();
        for part in parts {
            out.extend(part?);
        }
        Ok(out)
    }
}

/// A worker's model: the model, its packed inference form where it has one
/// (see [`crate::layers`]), and the buffer its slices are staged in.
pub struct Replica<M, P> {
    /// The model as loaded.
    pub model: M,
    /// What runs execute, where the model packs.
    pub packed: Option<P>,
    /// The host buffer a slice's inputs are gathered in.
    pub staging: Vec<f32>,
}

impl<M: Clone + Send, P: Send> Workers<Replica<M, P>> {
    /// `count` replicas of `model`, each packed by `pack` (`None`: runs use
    /// the model itself).
    pub fn of_model(count: usize, model: M, pack: impl Fn(&M) -> Option<P>) -> Self {
        let replica = |model: M| Replica { packed: pack(&model), model, staging: Vec::new() };
        Workers::new(count, replica(model), |r| replica(r.model.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A "model" that tags each output with the replica that computed it.
    fn tagged(workers: usize) -> Workers<(usize, Vec<usize>)> {
        let mut next = 0;
        let mut w = Workers::new(workers, (0, Vec::new()), |_| (0, Vec::new()));
        for r in &mut w.replicas {
            r.0 = next;
            next += 1;
        }
        w
    }

    #[test]
    fn slices_cover_the_batch_in_order_and_evenly() {
        let w = tagged(3);
        let samples: Vec<usize> = (0..50).collect();
        let slices = w.slices(&samples);
        assert_eq!(slices.iter().map(|s| s.len()).collect::<Vec<_>>(), vec![17, 17, 16]);
        assert_eq!(slices.concat(), samples);
        assert_eq!(w.slices(&samples[..15]).len(), 1, "under two slices' minimum: whole");
        assert_eq!(w.slices(&samples[..16]).len(), 2);
        assert_eq!(w.slices(&[]).len(), 1);
        assert_eq!(tagged(1).slices(&samples).len(), 1);
        assert_eq!(Workers::new(0, (), |_| ()).count(), 1, "at least one worker");
    }

    #[test]
    fn outputs_join_in_sample_order_and_each_slice_has_its_own_replica() {
        let mut w = tagged(2);
        let samples: Vec<usize> = (100..164).collect();
        let out = w
            .run(&samples, |(id, seen), s| {
                seen.extend_from_slice(s);
                Ok::<_, ()>(s.iter().map(|&i| (i * 10 + *id) as f32).collect())
            })
            .unwrap();
        let expected: Vec<f32> = samples.iter().map(|&i| (i * 10 + usize::from(i >= 132)) as f32).collect();
        assert_eq!(out, expected);
        assert_eq!(w.replicas[0].1, (100..132).collect::<Vec<_>>());
        assert_eq!(w.replicas[1].1, (132..164).collect::<Vec<_>>());
    }

    #[test]
    fn an_error_in_any_slice_is_returned() {
        let mut w = tagged(2);
        let samples: Vec<usize> = (0..64).collect();
        let r = w.run(&samples, |(id, _), s| if *id == 1 { Err(format!("slice at {}", s[0])) } else { Ok(vec![0.0]) });
        assert_eq!(r, Err("slice at 32".to_string()));
        let small = w.run(&samples[..4], |(id, _), s| Ok::<_, ()>(vec![*id as f32; s.len()]));
        assert_eq!(small, Ok(vec![0.0; 4]), "a small batch runs whole on the first replica");
    }
}
