use super::*;

const CASE14: &str = include_str!("../../data/pglib/pglib_opf_case14_ieee.m");
const CASE118: &str = include_str!("../../data/pglib/pglib_opf_case118_ieee.m");

/// A small valid case; line numbers matter to the tests below.
const TINY: &str = "function mpc = tiny
mpc.version = '2';
mpc.baseMVA = 100;
mpc.bus = [
\t1\t3\t0\t0\t0\t0\t1\t1\t0\t230\t1\t1.1\t0.9;
\t2\t1\t90\t30\t0\t0\t1\t1\t0\t230\t1\t1.1\t0.9;
\t3\t2\t60\t20\t0\t0\t1\t1\t0\t230\t1\t1.1\t0.9;
];
mpc.gen = [
\t1\t0\t0\t300\t-300\t1\t100\t1\t200\t0;
\t3\t0\t0\t300\t-300\t1\t100\t1\t100\t10;
];
mpc.gencost = [
\t2\t0\t0\t3\t0.01\t20\t5;
\t2\t0\t0\t2\t30\t0\t0;
];
mpc.branch = [
\t1\t2\t0.01\t0.1\t0\t100\t100\t100\t0\t0\t1\t-30\t30;
\t1\t3\t0.01\t0.2\t0\t0\t0\t0\t0\t0\t1\t-30\t30;
\t2\t3\t0.01\t0.1\t0\t50\t50\t50\t0.98\t0\t1\t-30\t30;
];
";

/// `TINY` with line `line` (1-based) replaced by `text`.
fn with_line(line: usize, text: &str) -> String {
    with_line_in(TINY, line, text)
}

/// Parses and returns the error message, which must name `line`.
fn error_at(text: &str, line: usize) -> String {
    let err = Case::parse(text).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with(&format!("line {line}:")), "{msg}");
    msg
}

#[test]
fn tiny_case_parses_with_typed_values() {
    let case = Case::parse(TINY).unwrap();
    assert_eq!(case.name, "tiny");
    assert_eq!(case.base_mva, 100.0);
    assert_eq!((case.buses.len(), case.gens.len(), case.costs.len(), case.branches.len()), (3, 2, 2, 3));
    assert_eq!(case.buses[0].kind, BusType::Reference);
    assert_eq!(case.buses[1].pd, 90.0);
    assert_eq!(case.gens[1].bus, 2);
    assert_eq!((case.gens[1].pmin, case.gens[1].pmax), (10.0, 100.0));
    assert_eq!(case.costs[0], GenCost { startup: 0.0, shutdown: 0.0, c2: 0.01, c1: 20.0, c0: 5.0 });
    assert_eq!((case.costs[1].c2, case.costs[1].c1, case.costs[1].c0), (0.0, 30.0, 0.0));
    assert!((case.costs[0].eval(10.0) - (1.0 + 200.0 + 5.0)).abs() < 1e-12);
    assert_eq!(case.branches[1].rate_a, 0.0);
    assert_eq!(case.branches[1].tap(), 1.0);
    assert_eq!(case.branches[2].tap(), 0.98);
    assert_eq!(case.total_load_mw(), 150.0);
    assert_eq!(case.bus_index(3), Some(2));
    assert_eq!(case.bus_index(4), None);
}

#[test]
fn pglib_case14_parses() {
    let case = Case::parse(CASE14).unwrap();
    assert_eq!(case.name, "pglib_opf_case14_ieee");
    assert_eq!((case.buses.len(), case.gens.len(), case.costs.len(), case.branches.len()), (14, 5, 5, 20));
    assert_eq!(case.base_mva, 100.0);
    assert!((case.total_load_mw() - 259.0).abs() < 1e-9);
    assert_eq!(case.gens[0].pmax, 340.0);
    assert_eq!(case.costs[0].c1, 7.920951);
    let tr = &case.branches[7];
    assert_eq!((case.buses[tr.from].id, case.buses[tr.to].id, tr.ratio), (4, 7, 0.978));
    assert_eq!(case.buses.iter().filter(|b| b.kind == BusType::Reference).count(), 1);
}

#[test]
fn pglib_case118_parses() {
    let case = Case::parse(CASE118).unwrap();
    assert_eq!(case.name, "pglib_opf_case118_ieee");
    assert_eq!((case.buses.len(), case.gens.len(), case.costs.len(), case.branches.len()), (118, 54, 54, 186));
    assert!((case.total_load_mw() - 4242.0).abs() < 1e-9);
    assert_eq!(case.gens.iter().filter(|g| g.in_service && g.pmax > 0.0).count(), 19);
    assert!(case.branches.iter().all(|b| b.in_service && b.shift_deg == 0.0 && b.rate_a > 0.0));
    assert_eq!(case.branches.iter().filter(|b| b.ratio != 0.0).count(), 11);
}

#[test]
fn pglib_costs_are_linear() {
    // The PGLib v23.07 cost model gives linear costs; the solver still
    // handles c2 > 0 (see the dcopf tests).
    for text in [CASE14, CASE118] {
        let case = Case::parse(text).unwrap();
        assert!(case.costs.iter().all(|c| c.c2 == 0.0 && c.c0 == 0.0));
    }
}

#[test]
fn layout_variations_are_accepted() {
    let text = "% leading comment\n\nfunction mpc = variant\n  mpc.baseMVA = 100 ;  % trailing\n\
                mpc.bus = [ 1, 3, 0, 0, 0, 0, 1, 1, 0, 230, 1, 1.1, 0.9; 2 1 50 0 0 0 1 1 0 230 1 1.1 0.9\n];\n\
                mpc.bus_name = {\n\t'one';\n\t'two';\n};\nmpc.areas = [1 1];\n\
                mpc.gen = [1 0 0 0 0 1 100 1 100 0];\n\
                mpc.gencost = [\n2 0 0 3 0 10 0\n];\n\
                mpc.branch = [\n\t1\t2\t0\t0.1\t0\t0\t0\t0\t0\t0\t1\t-360\t360\t% no semicolon\n]";
    let case = Case::parse(text).unwrap();
    assert_eq!(case.name, "variant");
    assert_eq!((case.buses.len(), case.gens.len(), case.branches.len()), (2, 1, 1));
    assert_eq!(case.buses[1].pd, 50.0);
}

#[test]
fn missing_sections_are_rejected() {
    let no_gen = (9..=12).fold(TINY.to_string(), |t, l| with_line_in(&t, l, ""));
    assert!(error_at(&no_gen, 21).contains("without the required section `mpc.gen`"));
    let no_base = with_line(3, "");
    assert!(error_at(&no_base, 21).contains("`mpc.baseMVA`"));
    let no_branch = TINY.split("mpc.branch").next().unwrap();
    assert!(error_at(no_branch, 16).contains("`mpc.branch`"));
    let no_cost = (13..=16).fold(TINY.to_string(), |t, l| with_line_in(&t, l, ""));
    assert!(error_at(&no_cost, 21).contains("`mpc.gencost`"));
}

/// `text` with line `line` (1-based) replaced by `new`.
fn with_line_in(text: &str, line: usize, new: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    lines[line - 1] = new;
    lines.join("\n")
}

#[test]
fn empty_and_unterminated_matrices_are_rejected() {
    let empty_gen = TINY.replace(
        "mpc.gen = [\n\t1\t0\t0\t300\t-300\t1\t100\t1\t200\t0;\n\t3\t0\t0\t300\t-300\t1\t100\t1\t100\t10;\n];",
        "mpc.gen = [];\n\n\n",
    );
    assert!(error_at(&empty_gen, 9).contains("has no rows"));
    let open = TINY.replace("];\nmpc.branch", "\nmpc.branch");
    assert!(error_at(&open, 17).contains("`mpc.branch` is not a finite number"));
    let unterminated = TINY.trim_end().trim_end_matches("];");
    assert!(error_at(unterminated, 17).contains("never closed"));
}

#[test]
fn wrong_column_counts_are_rejected() {
    let short = with_line(6, "\t2\t1\t90\t30\t0\t0\t1\t1\t0\t230\t1\t1.1;");
    assert!(error_at(&short, 6).contains("`mpc.bus` row has 12 columns, expected at least 13"));
    let ragged = with_line(11, "\t3\t0\t0\t300\t-300\t1\t100\t1\t100\t10\t0;");
    assert!(error_at(&ragged, 11).contains("11 columns, expected 10 like the first row"));
    let short_branch = with_line(19, "\t1\t2\t0.01\t0.1\t0\t100\t100\t100\t0\t0\t1;");
    assert!(error_at(&short_branch, 19).contains("`mpc.branch` row has 11 columns"));
    let short_cost = with_line_in(&with_line(15, "\t2\t0\t0\t2\t30\t0;"), 14, "\t2\t0\t0\t3\t0.01\t20;");
    assert!(error_at(&short_cost, 14).contains("expected at least 7 for 3 coefficients"));
}

#[test]
fn non_numbers_are_rejected() {
    let text = with_line(7, "\t3\t2\t60\tabc\t0\t0\t1\t1\t0\t230\t1\t1.1\t0.9;");
    assert!(error_at(&text, 7).contains("`abc` is not a finite number"));
    let nan = with_line(11, "\t3\t0\t0\t300\t-300\t1\t100\t1\tNaN\t10;");
    assert!(error_at(&nan, 11).contains("`NaN`"));
    let base = with_line(3, "mpc.baseMVA = hundred;");
    assert!(error_at(&base, 3).contains("`hundred`"));
    let stray = with_line(8, "]; x = 3");
    assert!(error_at(&stray, 8).contains("cannot read"));
    let statement = with_line(2, "disp('hello')");
    assert!(error_at(&statement, 2).contains("cannot read"));
}

#[test]
fn bad_values_are_rejected() {
    let bus_type = with_line(6, "\t2\t5\t90\t30\t0\t0\t1\t1\t0\t230\t1\t1.1\t0.9;");
    assert!(error_at(&bus_type, 6).contains("bus type is 5"));
    let bus_id = with_line(6, "\t2.5\t1\t90\t30\t0\t0\t1\t1\t0\t230\t1\t1.1\t0.9;");
    assert!(error_at(&bus_id, 6).contains("positive integer"));
    let duplicate = with_line(7, "\t2\t2\t60\t20\t0\t0\t1\t1\t0\t230\t1\t1.1\t0.9;");
    assert!(error_at(&duplicate, 7).contains("bus 2 is defined a second time"));
    let limits = with_line(11, "\t3\t0\t0\t300\t-300\t1\t100\t1\t5\t10;");
    assert!(error_at(&limits, 11).contains("Pmax 5 MW is below Pmin 10 MW"));
    let rate = with_line(20, "\t2\t3\t0.01\t0.1\t0\t-50\t50\t50\t0.98\t0\t1\t-30\t30;");
    assert!(error_at(&rate, 20).contains("rateA is -50"));
    let version = with_line(2, "mpc.version = '1';");
    assert!(error_at(&version, 2).contains("version '2'"));
    let base = with_line(3, "mpc.baseMVA = 0;");
    assert!(error_at(&base, 3).contains("baseMVA is 0"));
    let twice = with_line(2, "mpc.baseMVA = 100;");
    assert!(error_at(&twice, 3).contains("defined a second time"));
}

#[test]
fn unknown_buses_are_rejected() {
    let generator = with_line(10, "\t7\t0\t0\t300\t-300\t1\t100\t1\t200\t0;");
    assert!(error_at(&generator, 10).contains("generator refers to bus 7, which does not exist"));
    let from = with_line(20, "\t9\t3\t0.01\t0.2\t0\t0\t0\t0\t0\t0\t1\t-30\t30;");
    assert!(error_at(&from, 20).contains("branch from-end refers to bus 9"));
    let to = with_line(20, "\t1\t4\t0.01\t0.2\t0\t0\t0\t0\t0\t0\t1\t-30\t30;");
    assert!(error_at(&to, 20).contains("branch to-end refers to bus 4"));
}

#[test]
fn zero_reactance_is_rejected_only_in_service() {
    let zero = with_line(19, "\t1\t2\t0.01\t0\t0\t100\t100\t100\t0\t0\t1\t-30\t30;");
    assert!(error_at(&zero, 19).contains("zero reactance"));
    let out = with_line(19, "\t1\t2\t0.01\t0\t0\t100\t100\t100\t0\t0\t0\t-30\t30;");
    assert!(!Case::parse(&out).unwrap().branches[1].in_service);
}

#[test]
fn cost_rows_must_match_generators() {
    let extra = TINY.replace("\t2\t0\t0\t2\t30\t0\t0;\n", "\t2\t0\t0\t2\t30\t0\t0;\n\t2\t0\t0\t2\t40\t0\t0;\n");
    assert!(error_at(&extra, 16).contains("3 cost rows for 2 generators"));
    let missing = TINY.replace("\t2\t0\t0\t2\t30\t0\t0;\n", "");
    assert!(error_at(&missing, 14).contains("1 cost rows for 2 generators"));
    let reactive = TINY.replace(
        "\t2\t0\t0\t2\t30\t0\t0;\n",
        "\t2\t0\t0\t2\t30\t0\t0;\n\t2\t0\t0\t2\t1\t0\t0;\n\t2\t0\t0\t2\t1\t0\t0;\n",
    );
    assert_eq!(Case::parse(&reactive).unwrap().costs.len(), 2);
    let piecewise = with_line(15, "\t1\t0\t0\t1\t0\t0\t0;");
    assert!(error_at(&piecewise, 15).contains("cost model 1 is not supported"));
    let cubic = with_line(14, "\t2\t0\t0\t4\t1\t0.01\t20;");
    assert!(error_at(&cubic, 14).contains("degree 0 to 2"));
    let concave = with_line(14, "\t2\t0\t0\t3\t-0.01\t20\t5;");
    assert!(error_at(&concave, 14).contains("non-convex"));
}

#[test]
fn errors_in_the_real_file_name_the_right_line() {
    // Corrupt one generator row of case118 (line 160: the 4th generator).
    let lines: Vec<&str> = CASE118.lines().collect();
    assert!(lines[159].trim_start().starts_with("8\t"));
    let mut broken: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    broken[159] = broken[159].replacen("8", "999", 1);
    let msg = error_at(&broken.join("\n"), 160);
    assert!(msg.contains("bus 999"), "{msg}");
}
