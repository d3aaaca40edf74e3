//! Reading results back and judging them: leaderboards, baseline-against-new
//! comparisons (the CI gate) and exact merges of shards.

mod compare;
mod compare_output;
mod load;
mod merge;
mod merge_check;
mod qa_frontier;
mod rank;
mod rank_output;

pub use compare::{compare, Change, CompareReport, Comparison, ConfigKey};
pub use compare_output::{render_junit, render_markdown, render_table};
pub use load::{load_checked, load_file, load_results, parse_result, result_files, LoadError, LoadedResult};
pub use merge::{merge, MergeError};
pub use merge_check::{check_group, Mismatch};
pub use qa_frontier::{qa_frontiers, render_qa, QaFrontier, QaRun, QaStanding};
pub use rank::{assign_ranks, rank, ExcludedRun, RankBy, RankedRun, Ranking};
pub use rank_output::{render as render_rankings, Format};

#[cfg(test)]
mod hostile_output_tests;
#[cfg(test)]
mod merge_check_tests;
#[cfg(test)]
mod qa_frontier_tests;
#[cfg(test)]
mod tests;
