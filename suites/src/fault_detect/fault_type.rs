//! The eleven classes of the fault-detect workload.

/// The 11 classes, in this order (label = index): NoFault, AG, BG, CG, AB, BC, CA, ABG, BCG, CAG, ABC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaultType {
    /// Healthy system, no fault.
    NoFault,
    /// Phase A to ground.
    AG,
    /// Phase B to ground.
    BG,
    /// Phase C to ground.
    CG,
    /// Phase A to phase B.
    AB,
    /// Phase B to phase C.
    BC,
    /// Phase C to phase A.
    CA,
    /// Phases A and B to ground.
    ABG,
    /// Phases B and C to ground.
    BCG,
    /// Phases C and A to ground.
    CAG,
    /// Balanced three-phase fault.
    ABC,
}

impl FaultType {
    /// All classes, indexed by label.
    pub const ALL: [FaultType; 11] = [
        FaultType::NoFault,
        FaultType::AG,
        FaultType::BG,
        FaultType::CG,
        FaultType::AB,
        FaultType::BC,
        FaultType::CA,
        FaultType::ABG,
        FaultType::BCG,
        FaultType::CAG,
        FaultType::ABC,
    ];

    /// Class label (index into [`FaultType::ALL`]).
    pub fn label(self) -> usize {
        self as usize
    }

    /// Class for a label, or `None` if `label >= 11`.
    pub fn from_label(label: usize) -> Option<FaultType> {
        Self::ALL.get(label).copied()
    }

    /// Human-readable name: "no-fault", "AG", ..., "ABC".
    pub fn name(self) -> &'static str {
        match self {
            FaultType::NoFault => "no-fault",
            FaultType::AG => "AG",
            FaultType::BG => "BG",
            FaultType::CG => "CG",
            FaultType::AB => "AB",
            FaultType::BC => "BC",
            FaultType::CA => "CA",
            FaultType::ABG => "ABG",
            FaultType::BCG => "BCG",
            FaultType::CAG => "CAG",
            FaultType::ABC => "ABC",
        }
    }

    /// Which of phases [A, B, C] are involved in the fault.
    pub fn phases(self) -> [bool; 3] {
        match self {
            FaultType::NoFault => [false, false, false],
            FaultType::AG => [true, false, false],
            FaultType::BG => [false, true, false],
            FaultType::CG => [false, false, true],
            FaultType::AB | FaultType::ABG => [true, true, false],
            FaultType::BC | FaultType::BCG => [false, true, true],
            FaultType::CA | FaultType::CAG => [true, false, true],
            FaultType::ABC => [true, true, true],
        }
    }

    /// Whether the fault path involves ground (zero-sequence current flows).
    pub fn grounded(self) -> bool {
        matches!(self, FaultType::AG | FaultType::BG | FaultType::CG | FaultType::ABG | FaultType::BCG | FaultType::CAG)
    }
}
