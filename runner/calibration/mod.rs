//! Calibration: the physical limits of a device (peak multiply-add rate,
//! memory bandwidth, idle and loaded power, the energy counter's update
//! period), measured once by `wattbench calibrate` and stored with the
//! device's identity; every later result on that device places itself on
//! the device's roofline.

mod roofline;
mod store;

pub use roofline::{roofline, Roofline};
pub use store::{calibration_dir, device_id, load_calibration, save_calibration, Calibration, ProbeRecord};
