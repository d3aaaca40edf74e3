//! Short-term electric load forecasting: 168 hourly steps of load,
//! temperature and calendar features in, the next 24 hours of load out.

pub mod baseline;
pub mod calendar;
pub mod ett;
pub mod fused;
pub mod fused_cpu;
pub mod model;
pub mod normaliser;
pub mod params;
pub mod prepared;
pub mod series;
pub mod split;
pub(crate) mod staging;
pub mod synthetic;
pub mod train;
pub mod windows;

pub use params::{Engine, LoadForecastParams};
pub use prepared::{prepare, PreparedLoadForecast};
pub use series::{CalendarStamp, DataError, HourlySeries};

use crate::workload::WorkloadInfo;

/// Identifier of this workload in suite files.
pub const ID: &str = "load-forecast";

/// Catalogue entry of this workload.
pub fn info() -> WorkloadInfo {
    let p = LoadForecastParams::default();
    // The feature count comes from the data's channels: measure it on a short synthetic series.
    let short = synthetic::SyntheticLoadConfig { hours: 2 * (p.input_len + p.horizon), ..Default::default() };
    let features = synthetic::generate(&short).map(|s| windows::feature_count(&s)).unwrap_or(0);
    let shape = model::ForecasterShape {
        features,
        hidden: p.hidden,
        layers: p.layers,
        input_len: p.input_len,
        horizon: p.horizon,
    };
    WorkloadInfo {
        id: ID.into(),
        sector: "electricity".into(),
        task: "day-ahead load forecast (168 h in, 24 h out)".into(),
        model: "LSTM".into(),
        quality_gate: "MAPE (synthetic) or normalised MSE (ETT) below the seasonal-naive forecast".into(),
        parameters: shape.parameters(),
        flops_per_sample: shape.flops_per_sample(),
    }
}
