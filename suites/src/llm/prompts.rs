//! The energy-sector prompt set of the LLM workload, embedded in the binary:
//! questions an operator, engineer, analyst or safety officer might ask,
//! in six categories. The texts are written for this benchmark.

use serde::{Deserialize, Serialize};

/// The domain of a prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PromptCategory {
    /// Power system operation: dispatch, reserves, frequency, congestion.
    GridDispatch,
    /// Condition monitoring and maintenance of energy equipment.
    EquipmentMaintenance,
    /// Regulation, grid codes and electricity or gas market rules.
    RegulationMarkets,
    /// Petroleum geoscience and reservoir engineering.
    OilGasGeoscience,
    /// Wind, solar, storage and hydro.
    Renewables,
    /// Safety in underground coal mines.
    CoalMineSafety,
}

impl PromptCategory {
    /// All categories.
    pub const ALL: [PromptCategory; 6] = [
        Self::GridDispatch,
        Self::EquipmentMaintenance,
        Self::RegulationMarkets,
        Self::OilGasGeoscience,
        Self::Renewables,
        Self::CoalMineSafety,
    ];

    /// A stable name, e.g. `grid-dispatch`.
    pub fn name(self) -> &'static str {
        match self {
            Self::GridDispatch => "grid-dispatch",
            Self::EquipmentMaintenance => "equipment-maintenance",
            Self::RegulationMarkets => "regulation-markets",
            Self::OilGasGeoscience => "oil-gas-geoscience",
            Self::Renewables => "renewables",
            Self::CoalMineSafety => "coal-mine-safety",
        }
    }
}

/// One prompt of the set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prompt {
    /// Its domain.
    pub category: PromptCategory,
    /// The instruction or question, in English.
    pub text: &'static str,
}

const fn p(category: PromptCategory, text: &'static str) -> Prompt {
    Prompt { category, text }
}

use PromptCategory::{
    CoalMineSafety as Coal, EquipmentMaintenance as Maint, GridDispatch as Grid, OilGasGeoscience as Geo,
    RegulationMarkets as Reg, Renewables as Ren,
};

/// The prompt set: 48 prompts, 8 per category.
pub const PROMPTS: [Prompt; 48] = [
    // Grid dispatch.
    p(Grid, "A 400 MW combined-cycle unit trips at 18:05 while system demand is 9.2 GW and spinning reserve is 520 MW. Explain step by step how the control room should restore the frequency and the reserve margin within the next 30 minutes."),
    p(Grid, "Explain the difference between economic dispatch and unit commitment, and describe which constraints each problem includes for a thermal-dominated system."),
    p(Grid, "A transmission line between two zones is loaded to 98% of its thermal limit and wind output in the exporting zone is rising. List the options an operator has to relieve the congestion and rank them by cost."),
    p(Grid, "Describe how an N-1 security assessment is performed for a meshed 220 kV network and what an operator does when a contingency shows a post-fault overload."),
    p(Grid, "Write a short briefing for a shift handover: evening peak expected at 11.4 GW, two units on forced outage, a heat wave warning and low hydro reservoirs. What should the incoming shift watch?"),
    p(Grid, "How do automatic generation control and primary frequency response interact after a large loss of generation? Give the time scales of each."),
    p(Grid, "Explain how to schedule a pumped-storage plant over a day with cheap night prices, a solar midday dip in net load and an evening ramp."),
    p(Grid, "What is system inertia, why does it fall as inverter-based generation grows, and what measures keep the rate of change of frequency within limits?"),
    // Equipment maintenance.
    p(Maint, "Dissolved gas analysis of a 220 kV power transformer shows rising acetylene and hydrogen over three months. What faults could this indicate and what should the maintenance team do next?"),
    p(Maint, "Vibration readings on a gas turbine bearing doubled after the last overhaul. Describe a diagnostic plan, from data review to borescope inspection."),
    p(Maint, "Compare time-based, condition-based and reliability-centred maintenance for a fleet of distribution transformers, with their costs and risks."),
    p(Maint, "A wind turbine gearbox shows increasing oil particle counts and a temperature rise of 8 degrees on the high-speed stage. Explain the likely failure modes and a repair strategy."),
    p(Maint, "Write a checklist for the annual inspection of a 110 kV SF6 circuit breaker, including safety precautions for gas handling."),
    p(Maint, "How can partial discharge measurements be used to assess the insulation of medium-voltage cables, and how should results be trended over time?"),
    p(Maint, "A boiler feed pump in a coal-fired plant shows cavitation damage on the impeller. Explain the causes and the operating changes that prevent it."),
    p(Maint, "Describe how infrared thermography of substation connections is planned, performed and interpreted, including the temperature thresholds that trigger action."),
    // Regulation and market rules.
    p(Reg, "Explain how locational marginal prices are formed in a nodal electricity market and why prices at two nearby buses can differ by a large amount."),
    p(Reg, "What obligations does a typical grid code place on a new 100 MW solar plant regarding fault ride-through, reactive power and frequency response?"),
    p(Reg, "Describe how a capacity market works, who pays for it, and what penalties apply when a contracted unit is unavailable during a stress event."),
    p(Reg, "Summarise how balancing responsibility works: how imbalance volumes are calculated for a balance responsible party and how imbalance prices are set."),
    p(Reg, "Explain the main rules for third-party access to gas transmission pipelines, including capacity booking and congestion management procedures."),
    p(Reg, "A retailer wants to hedge its exposure to day-ahead price spikes during winter. Explain the instruments available and how each one works."),
    p(Reg, "What is the purpose of a regulatory asset base for a network operator, and how are allowed revenues calculated from it under incentive regulation?"),
    p(Reg, "Explain how emissions trading affects the merit order of coal and gas plants, with a numerical example at a carbon price of 80 per tonne."),
    // Oil and gas geoscience.
    p(Geo, "Explain how porosity and water saturation are estimated from a density log, a neutron log and a resistivity log, and name the main sources of error."),
    p(Geo, "A seismic section shows a bright spot above a faulted anticline. Discuss whether it indicates gas and what additional analysis would reduce the risk."),
    p(Geo, "Describe the decline curve analysis of a shale gas well and compare exponential and hyperbolic declines for estimating ultimate recovery."),
    p(Geo, "What controls reservoir quality in deep-water turbidite sandstones, and how does diagenesis change porosity and permeability with burial?"),
    p(Geo, "Explain the purpose of a pressure build-up test, what can be learned from the derivative plot, and how skin is estimated."),
    p(Geo, "A field's water cut rose from 20% to 60% in two years. List possible causes and the surveillance data that would distinguish them."),
    p(Geo, "Explain how a geologist estimates source rock maturity from vitrinite reflectance and Rock-Eval pyrolysis, and what the results mean for exploration."),
    p(Geo, "Compare water flooding and gas injection for pressure maintenance in a light-oil carbonate reservoir, including sweep efficiency and facilities."),
    // Renewables.
    p(Ren, "Estimate the annual energy of a 50 MW wind farm with a mean wind speed of 7.5 m/s, explaining the role of the power curve, the Weibull distribution and wake losses."),
    p(Ren, "A 20 MW solar plant underperforms its expected yield by 6%. Describe a systematic investigation, from soiling and inverter clipping to module degradation."),
    p(Ren, "Explain how a battery energy storage system earns revenue from frequency regulation, energy arbitrage and capacity payments, and how cycling affects its lifetime."),
    p(Ren, "What is the capacity factor of offshore wind compared with onshore wind and solar, and why does it matter for system planning?"),
    p(Ren, "Describe how a run-of-river hydro plant is operated during a flood and which safety and environmental constraints apply."),
    p(Ren, "Explain how forecasts of wind and solar power are produced for the day ahead and intraday markets, and how forecast errors are managed."),
    p(Ren, "A rural grid with a weak connection receives a new 30 MW wind farm. Which voltage control and protection issues should the connection study examine?"),
    p(Ren, "Compare green hydrogen production by alkaline and PEM electrolysers in terms of efficiency, flexibility, cost and operation with variable renewable power."),
    // Coal mine safety.
    p(Coal, "Methane concentration at a longwall face rose from 0.6% to 1.2% within ten minutes. Describe the immediate actions required and the investigation that should follow."),
    p(Coal, "Explain how a coal mine ventilation system is designed to dilute methane and dust, including the roles of the main fan, stoppings and regulators."),
    p(Coal, "What are the warning signs of spontaneous combustion in a sealed goaf area, and how are carbon monoxide trends used to detect it early?"),
    p(Coal, "Describe the controls that prevent coal dust explosions, including stone dusting, water sprays and explosion barriers."),
    p(Coal, "Write a pre-shift safety briefing for a roadway development crew working near a known fault zone with a history of roof falls."),
    p(Coal, "Explain how a gas drainage system works before and during longwall mining and how the captured methane can be used."),
    p(Coal, "After an underground fire alarm, what should the emergency response plan specify for evacuation, self-rescuers, refuge chambers and communication?"),
    p(Coal, "How is the risk of a coal and gas outburst assessed before mining a seam, and which measures reduce it?"),
];

/// A neutral passage to precede a question when a request needs a longer
/// prompt than the question itself: it is repeated as often as needed.
pub(crate) fn context_passage(category: PromptCategory) -> &'static str {
    match category {
        PromptCategory::GridDispatch => "Operating log excerpt: system frequency 49.98 Hz, demand following the forecast within 1.5%, all interconnectors in service, reserve requirement met, no active constraints on the 400 kV network. ",
        PromptCategory::EquipmentMaintenance => "Maintenance record excerpt: asset inspected according to the manufacturer's schedule, oil and insulation tests within limits, protection relays tested, minor corrosion treated, next inspection planned in twelve months. ",
        PromptCategory::RegulationMarkets => "Market notice excerpt: the day-ahead auction cleared on time, bids and offers were validated against the published rules, settlement data will be published on the next working day. ",
        PromptCategory::OilGasGeoscience => "Well report excerpt: the interval was drilled with water-based mud, cores were cut in the upper sandstone, wireline logs were run to total depth and the formation pressure tests were valid. ",
        PromptCategory::Renewables => "Plant report excerpt: availability 97.8%, curtailment ordered by the grid operator for three hours, no turbine or inverter faults, meteorological mast data complete for the month. ",
        PromptCategory::CoalMineSafety => "Shift report excerpt: gas monitors calibrated, ventilation survey completed, roof support inspected, all personnel accounted for at the start and end of the shift. ",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llm_prompt_set_covers_every_category_with_distinct_texts() {
        assert!(PROMPTS.len() >= 40);
        for category in PromptCategory::ALL {
            assert!(PROMPTS.iter().filter(|p| p.category == category).count() >= 6, "{}", category.name());
            assert!(!context_passage(category).is_empty());
        }
        let mut texts: Vec<&str> = PROMPTS.iter().map(|p| p.text).collect();
        texts.sort_unstable();
        texts.dedup();
        assert_eq!(texts.len(), PROMPTS.len());
        assert!(PROMPTS.iter().all(|p| p.text.is_ascii() && p.text.len() > 80));
    }
}
