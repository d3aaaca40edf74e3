//! A prepared workload seen as the harness's system under test.

use wattbench_workloads::PreparedWorkload;

use crate::harness::{HarnessError, SystemUnderTest};

/// Adapts a workload to the harness.
pub struct WorkloadSut<'a>(pub &'a mut dyn PreparedWorkload);

impl SystemUnderTest for WorkloadSut<'_> {
    fn sample_count(&self) -> usize {
        self.0.sample_count()
    }

    fn issue(&mut self, samples: &[usize]) -> Result<(), HarnessError> {
        self.0.run(samples).map_err(|e| HarnessError::Sut(e.to_string()))
    }

    fn issue_arrivals(&mut self, samples: &[usize], arrivals: &[std::time::Instant]) -> Result<(), HarnessError> {
        self.0.run_arrivals(samples, arrivals).map_err(|e| HarnessError::Sut(e.to_string()))
    }

    fn sync(&mut self) -> Result<(), HarnessError> {
        self.0.sync().map_err(|e| HarnessError::Sut(e.to_string()))
    }
}
