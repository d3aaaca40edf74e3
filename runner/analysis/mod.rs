//! Reading results back and judging them: leaderboards, baseline-against-new
//! comparisons (the CI gate) and exact merges of shards. Their typed
//! outputs ([`Ranking`], [`CompareReport`], [`QaFrontier`]) are written in
//! each format by [`crate::export`].

mod compare;
mod load;
mod merge;
mod merge_check;
mod pareto;
mod qa_frontier;
mod rank;

pub use compare::{compare, Change, CompareReport, Comparison, ConfigKey};
pub use load::{
    load_checked, load_file, load_results, parse_result, read_result_bytes, result_files, LoadError, LoadedResult,
};
pub use merge::{merge, MergeError};
pub use merge_check::{check_group, Mismatch};
pub use pareto::pareto_front;
pub use qa_frontier::{qa_frontiers, QaFrontier, QaRun, QaStanding};
pub use rank::{assign_ranks, rank, ExcludedRun, RankBy, RankedRun, Ranking};

#[cfg(test)]
mod merge_check_tests;
#[cfg(test)]
pub(crate) mod qa_frontier_tests;
#[cfg(test)]
pub(crate) mod tests;
