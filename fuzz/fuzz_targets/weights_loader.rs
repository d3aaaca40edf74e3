//! The weights loader: a record's tensors are listed and checked against
//! the fault-detect reference model (shape, dtype, byte length), and a
//! record that passes is loaded into the model with Burn.
#![no_main]

use std::sync::OnceLock;

use burn::backend::Flex;
use libfuzzer_sys::fuzz_target;
use wattbench_workloads::fault_detect::model::{CnnShape, FaultCnn};
use wattbench_workloads::weights::{check_tensors, load_weights_bytes, model_tensors, tensor_entries, TensorEntry};

fn model() -> FaultCnn<Flex> {
    FaultCnn::new(&CnnShape { samples: 256, widths: [16, 32, 64] }, &Default::default())
}

fn expected() -> &'static [TensorEntry] {
    static EXPECTED: OnceLock<Vec<TensorEntry>> = OnceLock::new();
    EXPECTED.get_or_init(|| model_tensors(&model()).unwrap_or_default())
}

fuzz_target!(|data: &[u8]| {
    let Ok(found) = tensor_entries(data) else { return };
    if check_tensors(expected(), &found).is_ok() {
        let _ = load_weights_bytes(model(), data, "fuzz.mpk", &Default::default());
    }
});
