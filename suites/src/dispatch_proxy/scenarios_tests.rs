use super::*;

const CASE14: &str = include_str!("../../data/pglib/pglib_opf_case14_ieee.m");
const CASE118: &str = include_str!("../../data/pglib/pglib_opf_case118_ieee.m");

fn case14() -> Case {
    Case::parse(CASE14).unwrap()
}

fn case118() -> Case {
    Case::parse(CASE118).unwrap()
}

fn bits(d: &Dataset) -> (Vec<u32>, Vec<u32>) {
    (d.inputs.iter().map(|v| v.to_bits()).collect(), d.targets.as_f32().iter().map(|v| v.to_bits()).collect())
}

#[test]
fn same_seed_gives_bit_identical_data() {
    let case = case118();
    let (a, sa) = opf_dataset(&case, 20, 7, DEFAULT_SPREAD).unwrap();
    let (b, sb) = opf_dataset(&case, 20, 7, DEFAULT_SPREAD).unwrap();
    assert_eq!(bits(&a), bits(&b));
    assert_eq!(a.input_shape, b.input_shape);
    assert_eq!(sa, sb);
    let (c, _) = opf_dataset(&case, 20, 8, DEFAULT_SPREAD).unwrap();
    assert_ne!(bits(&a).0, bits(&c).0);
    assert_ne!(bits(&a).1, bits(&c).1);
}

#[test]
fn case118_dataset_has_the_right_shape_and_valid_labels() {
    let case = case118();
    let n = 60;
    let (data, stats) = opf_dataset(&case, n, 1, DEFAULT_SPREAD).unwrap();
    assert_eq!(data.check(), Ok(()));
    assert_eq!(data.n, n);
    assert_eq!(data.input_shape, vec![1, 118]);
    assert_eq!(data.targets.per_sample(), 19);
    assert_eq!(target_generators(&case).len(), 19);
    assert_eq!(stats.samples, n);
    assert_eq!(stats.attempts, n + stats.infeasible + stats.solver_failures);
    assert!(stats.congested_samples > 0, "{stats:?}");
    let Targets::Values { values, per_sample } = &data.targets else { panic!("regression targets expected") };
    assert!(values.iter().all(|v| (0.0..=1.0).contains(v)));
    let opf = DcOpf::new(&case).unwrap();
    for i in 0..n {
        let loads = input_loads_mw(&case, data.input(i));
        let total: f64 = loads.iter().sum();
        let dispatch = denormalise(&case, &values[i * per_sample..(i + 1) * per_sample]).unwrap();
        let err = balance_error_mw(&case, &loads, &dispatch);
        assert!(err.abs() <= 1e-4 * total, "sample {i}: balance error {err} MW of {total} MW");
        for (g, gen) in case.gens.iter().enumerate() {
            let p = dispatch[g];
            assert!(p >= gen.pmin - 1e-3 && p <= gen.pmax + 1e-3, "sample {i}, generator {g}: {p} MW");
        }
        // The label is the optimum of exactly this input, and its flows are within limits.
        let sol = opf.solve(&loads).unwrap();
        for &g in &target_generators(&case) {
            assert!((sol.dispatch_mw[g] - dispatch[g]).abs() <= 1e-3, "sample {i}, generator {g}");
        }
        let state = opf.evaluate(&loads, &dispatch).unwrap();
        for (b, br) in case.branches.iter().enumerate() {
            assert!(state.flows_mw[b].abs() <= br.rate_a + 0.05, "sample {i}, branch {b}: {}", state.flows_mw[b]);
        }
    }
}

#[test]
fn inputs_follow_the_load_model() {
    let case = case14();
    let (data, _) = opf_dataset(&case, 300, 3, 0.1).unwrap();
    let nominal = case.total_load_mw();
    let mut ratios = Vec::new();
    for i in 0..data.n {
        let loads = input_loads_mw(&case, data.input(i));
        for (k, bus) in case.buses.iter().enumerate() {
            if bus.pd == 0.0 {
                assert_eq!(loads[k], 0.0);
            }
            assert!(loads[k] >= 0.0);
        }
        ratios.push(loads.iter().sum::<f64>() / nominal);
    }
    // Total load: global factor in [0.9, 1.1] times an average of bus factors.
    assert!(ratios.iter().all(|r| (0.85..1.15).contains(r)), "{ratios:?}");
    let mean = ratios.iter().sum::<f64>() / ratios.len() as f64;
    assert!((mean - 1.0).abs() < 0.02, "{mean}");
    assert!(ratios.iter().any(|&r| r < 0.93) && ratios.iter().any(|&r| r > 1.07));
}

#[test]
fn infeasible_draws_are_skipped_and_counted() {
    // Case14 capacity is 399 MW for 259 MW nominal: factors above 1.54 are infeasible.
    let case = case14();
    let (data, stats) = opf_dataset(&case, 50, 11, 0.9).unwrap();
    assert_eq!(data.n, 50);
    assert!(stats.infeasible > 0, "{stats:?}");
    assert_eq!(stats.attempts, 50 + stats.infeasible + stats.solver_failures);
    for i in 0..data.n {
        let total: f64 = input_loads_mw(&case, data.input(i)).iter().sum();
        assert!(total <= 399.0 + 1e-6);
    }
    let (again, stats_again) = opf_dataset(&case, 50, 11, 0.9).unwrap();
    assert_eq!(bits(&data), bits(&again));
    assert_eq!(stats, stats_again);
}

#[test]
fn hopeless_cases_stop_after_the_attempt_cap() {
    let mut case = case14();
    case.gens[0].pmax = 100.0; // 159 MW of capacity for about 259 MW of load
    let err = opf_dataset(&case, 10, 1, 0.1).unwrap_err();
    assert!(matches!(err, OpfError::TooManyFailures { requested: 10, samples: 0, attempts: 120, .. }), "{err}");
}

#[test]
fn parameters_and_rows_are_checked() {
    let case = case14();
    for spread in [-0.1, 1.0, f64::NAN] {
        assert!(matches!(opf_dataset(&case, 5, 1, spread), Err(OpfError::BadParameter { name: "spread", .. })));
    }
    let (empty, stats) = opf_dataset(&case, 0, 1, 0.1).unwrap();
    assert_eq!((empty.n, empty.check(), stats.attempts), (0, Ok(()), 0));
    assert_eq!(target_generators(&case), vec![0, 1]);
    assert_eq!(denormalise(&case, &[0.5]).unwrap_err(), OpfError::TargetCount { expected: 2, found: 1 });
    assert_eq!(denormalise(&case, &[0.5, 1.0]).unwrap(), vec![170.0, 59.0, 0.0, 0.0, 0.0]);
    let loads: Vec<f64> = case.buses.iter().map(|b| b.pd).collect();
    assert!((balance_error_mw(&case, &loads, &[200.0, 59.0, 0.0, 0.0, 0.0])).abs() < 1e-9);
    assert!((balance_error_mw(&case, &loads, &[200.0, 50.0, 0.0, 0.0, 0.0]) + 9.0).abs() < 1e-9);
    let mut variable_negative = case14();
    variable_negative.gens[2].pmin = -10.0;
    assert!(matches!(opf_dataset(&variable_negative, 5, 1, 0.1), Err(OpfError::Unsupported { .. })));
}
