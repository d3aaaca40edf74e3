//! Reference weights compiled into the binary, so that a GPU node holding
//! only the wattbench executable runs the standard suites with the same
//! trained models as everyone else. Each has the card written by
//! `wattbench train` beside it in `suites/weights/`.

/// One set of reference weights.
#[derive(Clone, Copy, Debug)]
pub struct ReferenceWeights {
    /// Name used in suite files as `weights = "reference:NAME"`.
    pub name: &'static str,
    /// Burn named-MessagePack record (full precision).
    pub mpk: &'static [u8],
    /// The training card (JSON).
    pub card: &'static str,
}

/// One [`ReferenceWeights`] entry from its name: the record and card are
/// `suites/weights/NAME.mpk` and `NAME.json`.
macro_rules! reference_weights {
    ($name:literal) => {
        ReferenceWeights {
            name: $name,
            mpk: include_bytes!(concat!("../../weights/", $name, ".mpk")),
            card: include_str!(concat!("../../weights/", $name, ".json")),
        }
    };
}

/// Every reference model in this build.
pub const REFERENCE: &[ReferenceWeights] = &[
    reference_weights!("load-forecast-quick"),
    reference_weights!("fault-detect-quick"),
    reference_weights!("transformer-temp-quick"),
    reference_weights!("dispatch-proxy-quick"),
    reference_weights!("seismic-facies-quick"),
    reference_weights!("pv-forecast-quick"),
    reference_weights!("nilm-quick"),
    reference_weights!("mine-gas-quick"),
    reference_weights!("transformer-temp-ett"),
];

/// Prefix that marks a reference name in a `weights` parameter.
pub const PREFIX: &str = "reference:";

/// Parameters that say where data lives, not what it is: a gate never
/// depends on them (the data's sha256 says what it is).
pub const DATA_LOCATION_PARAMS: &[&str] = &["ett_file", "case", "redd_house", "segy_file", "checkpoint"];

/// The cards of the references of `workload` that were trained and scored
/// on the data whose sha256 is `data_sha256`, in build order.
pub fn cards_for_data(workload: &str, data_sha256: &str) -> Vec<crate::training::TrainCard> {
    REFERENCE
        .iter()
        .filter_map(|r| serde_json::from_str::<crate::training::TrainCard>(r.card).ok())
        .filter(|c| c.workload == workload && c.data_sha256 == data_sha256)
        .collect()
}

/// A gate key with the data-location parameters removed.
pub fn without_data_location(mut key: serde_json::Value) -> serde_json::Value {
    if let Some(map) = key.as_object_mut() {
        for k in DATA_LOCATION_PARAMS {
            map.remove(*k);
        }
    }
    key
}

/// Looks reference weights up by name.
pub fn reference(name: &str) -> Option<&'static ReferenceWeights> {
    REFERENCE.iter().find(|r| r.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::training::TrainCard;

    #[test]
    fn every_card_parses_and_matches_its_weights() {
        for r in REFERENCE {
            let card: TrainCard = serde_json::from_str(r.card).unwrap();
            assert_eq!(card.weights_sha256, crate::fingerprint::sha256_hex(r.mpk), "{}", r.name);
            let beats = if card.metric == "accuracy" {
                card.test_metric > card.test_baseline
            } else {
                card.test_metric < card.test_baseline
            };
            assert!(beats, "{}: the reference beats its baseline", r.name);
        }
    }
}
