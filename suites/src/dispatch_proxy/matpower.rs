//! Parser for MATPOWER version-2 case files, the format of the PGLib-OPF
//! benchmark library.
//!
//! Only what a DC optimal power flow needs is kept, typed: `mpc.baseMVA`,
//! `mpc.bus`, `mpc.gen`, `mpc.gencost` (polynomial costs, model 2) and
//! `mpc.branch`. Other `mpc.*` fields (areas, names, ...) are skipped.
//! Every error names the line of the file where the problem lies.

use std::collections::HashMap;

use thiserror::Error;

/// Minimum columns of a `mpc.bus` row (bus_i .. Vmin).
const BUS_COLS: usize = 13;
/// Minimum columns of a `mpc.gen` row (bus .. Pmin).
const GEN_COLS: usize = 10;
/// Minimum columns of a `mpc.branch` row (fbus .. angmax).
const BRANCH_COLS: usize = 13;
/// Columns of a `mpc.gencost` row before the cost coefficients.
const COST_HEAD_COLS: usize = 4;

/// What is wrong with a case file; every variant names a line (1-based).
#[derive(Clone, Debug, Error, PartialEq)]
pub enum CaseError {
    /// A required `mpc.*` field is absent.
    #[error("line {line}: end of file reached without the required section `mpc.{section}`")]
    MissingSection {
        /// Last line of the file.
        line: usize,
        /// Field name, e.g. `gen`.
        section: &'static str,
    },
    /// A required matrix has no rows.
    #[error("line {line}: section `mpc.{section}` has no rows")]
    EmptySection {
        /// Line where the section starts.
        line: usize,
        /// Field name.
        section: &'static str,
    },
    /// A field is assigned twice.
    #[error("line {line}: section `mpc.{section}` is defined a second time")]
    DuplicateSection {
        /// Line of the second definition.
        line: usize,
        /// Field name.
        section: String,
    },
    /// A matrix opened with `[` is never closed with `]`.
    #[error("line {line}: matrix `mpc.{section}` opened here is never closed with `]`")]
    Unterminated {
        /// Line where the matrix starts.
        line: usize,
        /// Field name.
        section: String,
    },
    /// A line that is not a recognised statement.
    #[error("line {line}: cannot read `{text}`")]
    Syntax {
        /// Offending line.
        line: usize,
        /// Its text (comment removed).
        text: String,
    },
    /// A row with too few columns, or fewer/more than the rows before it.
    #[error("line {line}: `mpc.{section}` row has {found} columns, expected {expected}")]
    Columns {
        /// Offending line.
        line: usize,
        /// Field name.
        section: &'static str,
        /// Columns found.
        found: usize,
        /// What was expected, e.g. `at least 13`.
        expected: String,
    },
    /// A token that is not a finite number.
    #[error("line {line}: `{token}` is not a finite number")]
    NotANumber {
        /// Offending line.
        line: usize,
        /// The token.
        token: String,
    },
    /// A number outside the values its column allows.
    #[error("line {line}: {what} is {value}, {reason}")]
    BadValue {
        /// Offending line.
        line: usize,
        /// Which value, e.g. `bus type`.
        what: &'static str,
        /// The value read.
        value: f64,
        /// Why it is rejected.
        reason: &'static str,
    },
    /// Two buses with the same number.
    #[error("line {line}: bus {id} is defined a second time")]
    DuplicateBus {
        /// Offending line.
        line: usize,
        /// Bus number.
        id: u32,
    },
    /// A generator or branch refers to a bus number not in `mpc.bus`.
    #[error("line {line}: {what} refers to bus {id}, which does not exist")]
    UnknownBus {
        /// Offending line.
        line: usize,
        /// `generator`, `branch from-end` or `branch to-end`.
        what: &'static str,
        /// Bus number.
        id: u32,
    },
    /// An in-service branch with zero series reactance (infinite susceptance).
    #[error("line {line}: in-service branch has zero reactance x")]
    ZeroReactance {
        /// Offending line.
        line: usize,
    },
    /// A generator whose Pmax is below its Pmin.
    #[error("line {line}: generator Pmax {pmax} MW is below Pmin {pmin} MW")]
    GenLimits {
        /// Offending line.
        line: usize,
        /// Pmin (MW).
        pmin: f64,
        /// Pmax (MW).
        pmax: f64,
    },
    /// The number of cost rows matches neither the generators nor twice them.
    #[error("line {line}: {rows} cost rows for {gens} generators (expected {gens}, or {double} with reactive costs)", double = 2 * gens)]
    CostRows {
        /// First surplus row, or the section's last row when rows are missing.
        line: usize,
        /// Cost rows found.
        rows: usize,
        /// Generators.
        gens: usize,
    },
    /// A cost model other than polynomial.
    #[error("line {line}: cost model {model} is not supported (only polynomial costs, model 2; model 1 is piecewise linear)")]
    UnsupportedCostModel {
        /// Offending line.
        line: usize,
        /// The model number.
        model: f64,
    },
}

/// MATPOWER bus type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BusType {
    /// Load bus (type 1).
    Pq,
    /// Generator bus (type 2).
    Pv,
    /// Reference (slack) bus (type 3).
    Reference,
    /// Isolated bus (type 4).
    Isolated,
}

/// One row of `mpc.bus`.
#[derive(Clone, Debug, PartialEq)]
pub struct Bus {
    /// Bus number as written in the file.
    pub id: u32,
    /// Bus type.
    pub kind: BusType,
    /// Active load (MW).
    pub pd: f64,
    /// Reactive load (MVAr).
    pub qd: f64,
    /// Shunt conductance (MW consumed at 1 p.u. voltage).
    pub gs: f64,
    /// Shunt susceptance (MVAr injected at 1 p.u. voltage).
    pub bs: f64,
    /// Base voltage (kV).
    pub base_kv: f64,
    /// Maximum voltage magnitude (p.u.).
    pub vmax: f64,
    /// Minimum voltage magnitude (p.u.).
    pub vmin: f64,
}

/// One row of `mpc.gen`.
#[derive(Clone, Debug, PartialEq)]
pub struct Generator {
    /// Index into [`Case::buses`] of the bus it is connected to.
    pub bus: usize,
    /// Active output set point in the file (MW).
    pub pg: f64,
    /// Reactive output set point (MVAr).
    pub qg: f64,
    /// Maximum reactive output (MVAr).
    pub qmax: f64,
    /// Minimum reactive output (MVAr).
    pub qmin: f64,
    /// Voltage set point (p.u.).
    pub vg: f64,
    /// Machine base (MVA).
    pub mbase: f64,
    /// Whether the status column is positive.
    pub in_service: bool,
    /// Maximum active output (MW).
    pub pmax: f64,
    /// Minimum active output (MW).
    pub pmin: f64,
}

/// Active-power cost of one generator: `c2·P² + c1·P + c0` in $/h, P in MW.
#[derive(Clone, Debug, PartialEq)]
pub struct GenCost {
    /// Start-up cost ($).
    pub startup: f64,
    /// Shut-down cost ($).
    pub shutdown: f64,
    /// Quadratic coefficient ($/MW²h), never negative.
    pub c2: f64,
    /// Linear coefficient ($/MWh).
    pub c1: f64,
    /// Constant ($/h).
    pub c0: f64,
}

impl GenCost {
    /// Cost in $/h of producing `p_mw`.
    pub fn eval(&self, p_mw: f64) -> f64 {
        (self.c2 * p_mw + self.c1) * p_mw + self.c0
    }
}

/// One row of `mpc.branch`.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    /// Index into [`Case::buses`] of the from-end bus.
    pub from: usize,
    /// Index into [`Case::buses`] of the to-end bus.
    pub to: usize,
    /// Series resistance (p.u.).
    pub r: f64,
    /// Series reactance (p.u.).
    pub x: f64,
    /// Total line charging susceptance (p.u.).
    pub b: f64,
    /// Long-term rating (MVA); 0 means unlimited.
    pub rate_a: f64,
    /// Short-term rating (MVA); 0 means unlimited.
    pub rate_b: f64,
    /// Emergency rating (MVA); 0 means unlimited.
    pub rate_c: f64,
    /// Off-nominal transformer tap ratio as written; 0 means a line (ratio 1).
    pub ratio: f64,
    /// Transformer phase shift (degrees, positive = delay).
    pub shift_deg: f64,
    /// Whether the status column is positive.
    pub in_service: bool,
    /// Minimum angle difference θ_from − θ_to (degrees).
    pub angmin_deg: f64,
    /// Maximum angle difference θ_from − θ_to (degrees).
    pub angmax_deg: f64,
}

impl Branch {
    /// Effective tap ratio: [`Branch::ratio`], or 1 where it is 0.
    pub fn tap(&self) -> f64 {
        if self.ratio == 0.0 {
            1.0
        } else {
            self.ratio
        }
    }
}

/// A power system case: buses, generators with their costs, branches.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    /// Name from the `function mpc = name` header (empty when absent).
    pub name: String,
    /// System MVA base.
    pub base_mva: f64,
    /// Buses in file order.
    pub buses: Vec<Bus>,
    /// Generators in file order.
    pub gens: Vec<Generator>,
    /// Active-power cost of each generator, same order as [`Case::gens`].
    pub costs: Vec<GenCost>,
    /// Branches in file order.
    pub branches: Vec<Branch>,
}

impl Case {
    /// Parses the text of a MATPOWER version-2 case file.
    pub fn parse(text: &str) -> Result<Case, CaseError> {
        let raw = scan(text)?;
        build(raw)
    }

    /// Sum of the active loads of all buses (MW).
    pub fn total_load_mw(&self) -> f64 {
        self.buses.iter().map(|b| b.pd).sum()
    }

    /// Index into [`Case::buses`] of the bus numbered `id`.
    pub fn bus_index(&self, id: u32) -> Option<usize> {
        self.buses.iter().position(|b| b.id == id)
    }
}

/// One row of a matrix: the line it is on and its numbers.
struct Row {
    line: usize,
    values: Vec<f64>,
}

/// A matrix section as read, before typing.
struct Matrix {
    line: usize,
    rows: Vec<Row>,
}

/// The file after scanning: header name, scalars and matrices by field.
struct RawCase {
    last_line: usize,
    name: String,
    base_mva: Option<(usize, f64)>,
    matrices: HashMap<String, Matrix>,
}

/// Removes a `%` comment (outside single quotes) and surrounding blanks.
fn strip_comment(line: &str) -> &str {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '%' if !quoted => return line[..i].trim(),
            _ => {}
        }
    }
    line.trim()
}

/// What the scanner is inside of.
enum State {
    Top,
    Matrix { field: String, matrix: Matrix },
    Cell { field: String, line: usize },
}

/// Splits the file into statements and matrices.
fn scan(text: &str) -> Result<RawCase, CaseError> {
    let mut raw = RawCase { last_line: 0, name: String::new(), base_mva: None, matrices: HashMap::new() };
    let mut state = State::Top;
    for (i, full) in text.lines().enumerate() {
        let line = i + 1;
        raw.last_line = line;
        let body = strip_comment(full);
        state = match state {
            State::Top => top_statement(&mut raw, body, line)?,
            State::Matrix { field, mut matrix } => {
                if feed_matrix(&mut matrix, body, line)? {
                    finish_matrix(&mut raw, field, matrix)?;
                    State::Top
                } else {
                    State::Matrix { field, matrix }
                }
            }
            State::Cell { field, line: start } => {
                if body.contains('}') {
                    State::Top
                } else {
                    State::Cell { field, line: start }
                }
            }
        };
    }
    match state {
        State::Top => Ok(raw),
        State::Matrix { field, matrix } => Err(CaseError::Unterminated { line: matrix.line, section: field }),
        State::Cell { field, line } => Err(CaseError::Unterminated { line, section: field }),
    }
}

/// Reads one statement outside any matrix.
fn top_statement(raw: &mut RawCase, body: &str, line: usize) -> Result<State, CaseError> {
    let syntax = || CaseError::Syntax { line, text: body.to_string() };
    if body.is_empty() {
        return Ok(State::Top);
    }
    if let Some(rest) = body.strip_prefix("function") {
        let name = rest.rsplit('=').next().unwrap_or(rest).trim();
        raw.name = name.to_string();
        return Ok(State::Top);
    }
    let Some(assign) = body.strip_prefix("mpc.") else {
        return Err(syntax());
    };
    let Some((field, value)) = assign.split_once('=') else {
        return Err(syntax());
    };
    let field = field.trim();
    let value = value.trim();
    if field.is_empty() || !field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(syntax());
    }
    if let Some(content) = value.strip_prefix('[') {
        let mut matrix = Matrix { line, rows: Vec::new() };
        if feed_matrix(&mut matrix, content, line)? {
            finish_matrix(raw, field.to_string(), matrix)?;
            return Ok(State::Top);
        }
        return Ok(State::Matrix { field: field.to_string(), matrix });
    }
    if value.starts_with('{') {
        if value.contains('}') {
            return Ok(State::Top);
        }
        return Ok(State::Cell { field: field.to_string(), line });
    }
    let scalar = value.trim_end_matches(';').trim();
    match field {
        "baseMVA" => {
            if raw.base_mva.is_some() {
                return Err(CaseError::DuplicateSection { line, section: field.to_string() });
            }
            let v = number(scalar, line)?;
            if v <= 0.0 {
                return Err(CaseError::BadValue { line, what: "baseMVA", value: v, reason: "it must be positive" });
            }
            raw.base_mva = Some((line, v));
        }
        "version" => {
            let v = scalar.trim_matches('\'');
            if v != "2" {
                return Err(CaseError::Syntax { line, text: format!("{body} (only version '2' is supported)") });
            }
        }
        _ => {}
    }
    Ok(State::Top)
}

/// Parses one token as a finite number.
fn number(token: &str, line: usize) -> Result<f64, CaseError> {
    match token.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(CaseError::NotANumber { line, token: token.to_string() }),
    }
}

/// Adds the rows in `content` to `matrix`; true when `]` closed it.
fn feed_matrix(matrix: &mut Matrix, content: &str, line: usize) -> Result<bool, CaseError> {
    let (inside, closed) = match content.split_once(']') {
        Some((inside, after)) => {
            let after = after.trim();
            if !(after.is_empty() || after == ";") {
                return Err(CaseError::Syntax { line, text: content.to_string() });
            }
            (inside, true)
        }
        None => (content, false),
    };
    for piece in inside.split(';') {
        let tokens: Vec<&str> =
            piece.split(|c: char| c.is_whitespace() || c == ',').filter(|t| !t.is_empty()).collect();
        if tokens.is_empty() {
            continue;
        }
        let values = tokens.iter().map(|t| number(t, line)).collect::<Result<Vec<_>, _>>()?;
        matrix.rows.push(Row { line, values });
    }
    Ok(closed)
}

/// Stores a closed matrix, rejecting a second definition of the field.
fn finish_matrix(raw: &mut RawCase, field: String, matrix: Matrix) -> Result<(), CaseError> {
    if raw.matrices.contains_key(&field) {
        return Err(CaseError::DuplicateSection { line: matrix.line, section: field });
    }
    raw.matrices.insert(field, matrix);
    Ok(())
}

/// Takes a required matrix, checking it has rows of at least `min_cols`
/// columns, all rows alike.
fn take_matrix(raw: &mut RawCase, section: &'static str, min_cols: usize) -> Result<Matrix, CaseError> {
    let matrix = raw.matrices.remove(section).ok_or(CaseError::MissingSection { line: raw.last_line, section })?;
    let Some(first) = matrix.rows.first() else {
        return Err(CaseError::EmptySection { line: matrix.line, section });
    };
    let width = first.values.len();
    for row in &matrix.rows {
        let found = row.values.len();
        if found < min_cols {
            return Err(CaseError::Columns {
                line: row.line,
                section,
                found,
                expected: format!("at least {min_cols}"),
            });
        }
        if found != width {
            return Err(CaseError::Columns {
                line: row.line,
                section,
                found,
                expected: format!("{width} like the first row"),
            });
        }
    }
    Ok(matrix)
}

/// Reads a value that must be a positive integer that fits a bus number.
fn bus_number(v: f64, line: usize, what: &'static str) -> Result<u32, CaseError> {
    if v.fract() != 0.0 || v < 1.0 || v > f64::from(u32::MAX) {
        return Err(CaseError::BadValue { line, what, value: v, reason: "a bus number must be a positive integer" });
    }
    Ok(v as u32)
}

/// Types the raw matrices and checks their cross references.
fn build(mut raw: RawCase) -> Result<Case, CaseError> {
    let base_mva = match raw.base_mva {
        Some((_, v)) => v,
        None => return Err(CaseError::MissingSection { line: raw.last_line, section: "baseMVA" }),
    };
    let bus_m = take_matrix(&mut raw, "bus", BUS_COLS)?;
    let gen_m = take_matrix(&mut raw, "gen", GEN_COLS)?;
    let cost_m = take_matrix(&mut raw, "gencost", COST_HEAD_COLS)?;
    let branch_m = take_matrix(&mut raw, "branch", BRANCH_COLS)?;

    let mut index: HashMap<u32, usize> = HashMap::new();
    let mut buses = Vec::with_capacity(bus_m.rows.len());
    for row in &bus_m.rows {
        let v = &row.values;
        let id = bus_number(v[0], row.line, "bus number")?;
        let kind = match v[1] {
            1.0 => BusType::Pq,
            2.0 => BusType::Pv,
            3.0 => BusType::Reference,
            4.0 => BusType::Isolated,
            t => {
                return Err(CaseError::BadValue {
                    line: row.line,
                    what: "bus type",
                    value: t,
                    reason: "it must be 1 to 4",
                })
            }
        };
        if index.insert(id, buses.len()).is_some() {
            return Err(CaseError::DuplicateBus { line: row.line, id });
        }
        buses.push(Bus { id, kind, pd: v[2], qd: v[3], gs: v[4], bs: v[5], base_kv: v[9], vmax: v[11], vmin: v[12] });
    }
    let find = |v: f64, line: usize, what: &'static str| -> Result<usize, CaseError> {
        let id = bus_number(v, line, "bus number")?;
        index.get(&id).copied().ok_or(CaseError::UnknownBus { line, what, id })
    };

    let mut gens = Vec::with_capacity(gen_m.rows.len());
    for row in &gen_m.rows {
        let v = &row.values;
        let bus = find(v[0], row.line, "generator")?;
        let (pmax, pmin) = (v[8], v[9]);
        if pmax < pmin {
            return Err(CaseError::GenLimits { line: row.line, pmin, pmax });
        }
        gens.push(Generator {
            bus,
            pg: v[1],
            qg: v[2],
            qmax: v[3],
            qmin: v[4],
            vg: v[5],
            mbase: v[6],
            in_service: v[7] > 0.0,
            pmax,
            pmin,
        });
    }

    let costs = build_costs(&cost_m, gens.len())?;

    let mut branches = Vec::with_capacity(branch_m.rows.len());
    for row in &branch_m.rows {
        let v = &row.values;
        let from = find(v[0], row.line, "branch from-end")?;
        let to = find(v[1], row.line, "branch to-end")?;
        let in_service = v[10] > 0.0;
        if in_service && v[3] == 0.0 {
            return Err(CaseError::ZeroReactance { line: row.line });
        }
        if v[5] < 0.0 {
            return Err(CaseError::BadValue {
                line: row.line,
                what: "rateA",
                value: v[5],
                reason: "it must be 0 (unlimited) or positive",
            });
        }
        branches.push(Branch {
            from,
            to,
            r: v[2],
            x: v[3],
            b: v[4],
            rate_a: v[5],
            rate_b: v[6],
            rate_c: v[7],
            ratio: v[8],
            shift_deg: v[9],
            in_service,
            angmin_deg: v[11],
            angmax_deg: v[12],
        });
    }
    Ok(Case { name: raw.name, base_mva, buses, gens, costs, branches })
}

/// Types `mpc.gencost`: one polynomial per generator; a second block of
/// `gens` rows (reactive power costs) is accepted and ignored.
fn build_costs(cost_m: &Matrix, gens: usize) -> Result<Vec<GenCost>, CaseError> {
    let rows = cost_m.rows.len();
    if rows != gens && rows != 2 * gens {
        let line = if rows > gens { cost_m.rows[gens].line } else { cost_m.rows[rows - 1].line };
        return Err(CaseError::CostRows { line, rows, gens });
    }
    let mut costs = Vec::with_capacity(gens);
    for row in &cost_m.rows[..gens] {
        let v = &row.values;
        if v[0] != 2.0 {
            return Err(CaseError::UnsupportedCostModel { line: row.line, model: v[0] });
        }
        let n = v[3];
        if n.fract() != 0.0 || !(0.0..=3.0).contains(&n) {
            return Err(CaseError::BadValue {
                line: row.line,
                what: "number of cost coefficients",
                value: n,
                reason: "only polynomials of degree 0 to 2 (1 to 3 coefficients) are supported",
            });
        }
        let n = n as usize;
        if v.len() < COST_HEAD_COLS + n {
            return Err(CaseError::Columns {
                line: row.line,
                section: "gencost",
                found: v.len(),
                expected: format!("at least {} for {n} coefficients", COST_HEAD_COLS + n),
            });
        }
        // Coefficients are written highest degree first; pad to c2, c1, c0.
        let mut c = [0.0; 3];
        c[3 - n..].copy_from_slice(&v[COST_HEAD_COLS..COST_HEAD_COLS + n]);
        if c[0] < 0.0 {
            return Err(CaseError::BadValue {
                line: row.line,
                what: "quadratic cost coefficient",
                value: c[0],
                reason: "a negative one makes the cost non-convex",
            });
        }
        costs.push(GenCost { startup: v[1], shutdown: v[2], c2: c[0], c1: c[1], c0: c[2] });
    }
    Ok(costs)
}

#[cfg(test)]
#[path = "matpower_tests.rs"]
mod tests;
