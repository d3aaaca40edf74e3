//! Tiny SVG helpers: escaping, number formatting, linear/log10 scales,
//! "nice" 1-2-5 tick generation and a chart builder producing SVG strings.

use std::fmt::Write as _;

/// Colours assigned to runs (by position in the input), reused in every plot.
pub const PALETTE: [&str; 8] = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

/// Escapes `&`, `<`, `>`, `"` and `'` for HTML/SVG text and attribute values.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// Formats `v` with `sig` significant digits (trailing zeros trimmed);
/// exponent notation outside 1e-4 ..= 1e6.
pub fn fmt_sig(v: f64, sig: usize) -> String {
    if !v.is_finite() || v == 0.0 {
        return if v == 0.0 { "0".into() } else { "n/a".into() };
    }
    let sig = sig.max(1);
    let mag = v.abs().log10().floor() as i32;
    if !(-4..6).contains(&mag) {
        return format!("{:.*e}", sig - 1, v);
    }
    let decimals = (sig as i32 - 1 - mag).max(0) as usize;
    let unit = 10f64.powi(mag - sig as i32 + 1);
    let rounded = (v / unit).round() * unit;
    let mut s = format!("{:.*}", decimals, rounded);
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    s
}

/// Formats `v` with 3 significant digits and an SI prefix before `unit` (e.g. "3.04 mJ").
pub fn fmt_si(v: f64, unit: &str) -> String {
    if !v.is_finite() || v == 0.0 {
        return format!("{} {unit}", fmt_sig(v, 3));
    }
    const PREFIX: [(i32, &str); 7] = [(-9, "n"), (-6, "µ"), (-3, "m"), (0, ""), (3, "k"), (6, "M"), (9, "G")];
    let e3 = ((v.abs().log10().floor() as i32).div_euclid(3) * 3).clamp(-9, 9);
    let p = PREFIX.iter().find(|(e, _)| *e == e3).map_or("", |(_, p)| p);
    format!("{} {p}{unit}", fmt_sig(v / 10f64.powi(e3), 3))
}

/// Tick positions together with the axis range they span.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    /// Lower end of the axis.
    pub lo: f64,
    /// Upper end of the axis.
    pub hi: f64,
    /// Tick values, ascending, all within `lo..=hi`.
    pub values: Vec<f64>,
}

/// Linear ticks with a 1-2-5 step, about `max_ticks` of them, axis widened to whole steps.
pub fn nice_ticks(lo: f64, hi: f64, max_ticks: usize) -> Ticks {
    let (mut lo, mut hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    if !lo.is_finite() || !hi.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        (lo, hi) = (lo - pad, hi + pad);
    }
    let raw = (hi - lo) / max_ticks.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let step = mag * [1.0, 2.0, 5.0, 10.0].into_iter().find(|m| norm <= m * (1.0 + 1e-9)).unwrap_or(10.0);
    let first = (lo / step + 1e-9).floor() as i64;
    let last = (hi / step - 1e-9).ceil() as i64;
    let values: Vec<f64> = (first..=last).map(|i| clean(i as f64 * step)).collect();
    Ticks { lo: first as f64 * step, hi: last as f64 * step, values }
}

fn clean(v: f64) -> f64 {
    let r = (v * 1e12).round() / 1e12;
    if r == 0.0 {
        0.0
    } else if v.abs() < 1e-6 {
        v
    } else {
        r
    }
}

/// Log10 ticks for a positive range: powers of ten over ≥3 decades, 1-2-5 over
/// 1-3 decades, 1..9 below one decade; the axis is widened to the nearest ticks.
pub fn log_ticks(lo: f64, hi: f64) -> Ticks {
    let lo = if lo.is_finite() && lo > 0.0 { lo } else { 1e-3 };
    let hi = if hi.is_finite() && hi > lo { hi } else { lo * 10.0 };
    let decades = (hi / lo).log10();
    let mant: &[f64] = match decades {
        d if d >= 3.0 => &[1.0],
        d if d >= 1.0 => &[1.0, 2.0, 5.0],
        _ => &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
    };
    let (d0, d1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let cands: Vec<f64> = (d0..=d1).flat_map(|d| mant.iter().map(move |m| clean(m * 10f64.powi(d)))).collect();
    let a = cands.iter().copied().filter(|c| *c <= lo * (1.0 + 1e-9)).fold(f64::NAN, f64::max);
    let b = cands.iter().copied().filter(|c| *c >= hi * (1.0 - 1e-9)).fold(f64::NAN, f64::min);
    let (a, b) = (if a.is_nan() { lo } else { a }, if b.is_nan() { hi } else { b });
    let values = cands.into_iter().filter(|c| *c >= a * (1.0 - 1e-9) && *c <= b * (1.0 + 1e-9)).collect();
    Ticks { lo: a, hi: b, values }
}

/// Maps data values to pixels, linearly or in log10.
#[derive(Debug, Clone)]
pub struct Scale {
    /// Axis range and ticks.
    pub ticks: Ticks,
    /// Pixel positions of `ticks.lo` and `ticks.hi`.
    pub px: (f64, f64),
    /// Whether the scale is log10.
    pub log: bool,
}

impl Scale {
    /// Pixel position of data value `v` (log scales clamp non-positive values to the axis start).
    pub fn map(&self, v: f64) -> f64 {
        let f = |x: f64| if self.log { x.max(self.ticks.lo).log10() } else { x };
        let (a, b) = (f(self.ticks.lo), f(self.ticks.hi));
        let t = if b > a { (f(v) - a) / (b - a) } else { 0.5 };
        self.px.0 + t * (self.px.1 - self.px.0)
    }
}

/// An SVG chart under construction: plot area, two scales and accumulated elements.
pub struct Chart {
    /// Horizontal scale (data → px).
    pub x: Scale,
    /// Vertical scale (data → px).
    pub y: Scale,
    width: f64,
    height: f64,
    buf: String,
}

impl Chart {
    /// Starts a `width`×`height` chart whose plot area is `area` = (left, top, right, bottom) px.
    pub fn new(width: f64, height: f64, area: (f64, f64, f64, f64), x: (Ticks, bool), y: (Ticks, bool)) -> Self {
        let x = Scale { ticks: x.0, px: (area.0, area.2), log: x.1 };
        let y = Scale { ticks: y.0, px: (area.3, area.1), log: y.1 };
        Chart { x, y, width, height, buf: String::new() }
    }

    /// Draws the frame, grid lines, tick marks, tick labels (3 significant digits) and axis titles.
    pub fn axes(&mut self, x_label: &str, y_label: &str) {
        let (l, r, b, t) = (self.x.px.0, self.x.px.1, self.y.px.0, self.y.px.1);
        for v in self.x.ticks.values.clone() {
            let px = self.x.map(v);
            self.raw(&format!("<line x1=\"{px:.1}\" y1=\"{t:.1}\" x2=\"{px:.1}\" y2=\"{b:.1}\" class=\"grid\"/>"));
            self.text(px, b + 16.0, &fmt_sig(v, 3), "middle", "tick");
        }
        for v in self.y.ticks.values.clone() {
            let py = self.y.map(v);
            self.raw(&format!("<line x1=\"{l:.1}\" y1=\"{py:.1}\" x2=\"{r:.1}\" y2=\"{py:.1}\" class=\"grid\"/>"));
            self.text(l - 6.0, py + 4.0, &fmt_sig(v, 3), "end", "tick");
        }
        let (w, h) = (r - l, b - t);
        self.raw(&format!("<rect x=\"{l:.1}\" y=\"{t:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" class=\"frame\"/>"));
        self.text((l + r) / 2.0, b + 36.0, x_label, "middle", "axis");
        let (cx, cy) = (16.0, (t + b) / 2.0);
        self.raw(&format!(
            "<text x=\"{cx:.1}\" y=\"{cy:.1}\" text-anchor=\"middle\" class=\"axis\" transform=\"rotate(-90 {cx:.1} {cy:.1})\">{}</text>",
            esc(y_label)
        ));
    }

    /// Adds a polyline through data points, `width` px wide; `dash` makes it dashed.
    pub fn polyline(&mut self, pts: &[(f64, f64)], color: &str, width: f64, dash: bool) {
        let mut d = String::new();
        for (x, y) in pts {
            let _ = write!(d, "{:.1},{:.1} ", self.x.map(*x), self.y.map(*y));
        }
        let (dash, d, c) = (if dash { " stroke-dasharray=\"6 4\"" } else { "" }, d.trim_end(), esc(color));
        self.raw(&format!("<polyline points=\"{d}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"{width}\"{dash}/>"));
    }

    /// Adds a line segment between two points given in pixels (dashed lines are thinner).
    pub fn line_px(&mut self, a: (f64, f64), b: (f64, f64), color: &str, dash: bool) {
        let dash = if dash { " stroke-width=\"1\" stroke-dasharray=\"6 4\"" } else { " stroke-width=\"1.4\"" };
        let (((x1, y1), (x2, y2)), c) = ((a, b), esc(color));
        self.raw(&format!("<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{c}\"{dash}/>"));
    }

    /// Adds escaped text at a pixel position with an anchor and CSS class.
    pub fn text(&mut self, x: f64, y: f64, s: &str, anchor: &str, class: &str) {
        let (a, c, s) = (esc(anchor), esc(class), esc(s));
        self.raw(&format!("<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{a}\" class=\"{c}\">{s}</text>"));
    }

    /// Appends an already-built SVG fragment (caller escapes its text).
    pub fn raw(&mut self, s: &str) {
        self.buf.push_str(s);
        self.buf.push('\n');
    }

    /// Wraps everything into an `<svg>` element with an accessible title.
    pub fn finish(self, title: &str) -> String {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\"><title>{}</title>\n{}</svg>\n",
            esc(title), self.buf, w = self.width, h = self.height
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks_use_1_2_5_steps() {
        assert_eq!(nice_ticks(0.0, 1.0, 5).values, vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(nice_ticks(0.0, 100.0, 5).values, vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(nice_ticks(3.0, 47.0, 5).values, vec![0.0, 10.0, 20.0, 30.0, 40.0, 50.0]);
        assert_eq!(nice_ticks(0.0, 23.0, 5).values, vec![0.0, 5.0, 10.0, 15.0, 20.0, 25.0]);
        for (lo, hi) in [(0.0031, 0.0598), (7.0, 1234.0), (-3.0, 0.4)] {
            let v = nice_ticks(lo, hi, 6).values;
            let m = (v[1] - v[0]) / 10f64.powf((v[1] - v[0]).log10().floor());
            assert!([1.0, 2.0, 5.0].iter().any(|x| (m - x).abs() < 1e-6) && v.len() <= 8, "{v:?}");
        }
        let flat = nice_ticks(30.0, 30.0, 5);
        assert!(flat.lo < 30.0 && flat.hi > 30.0);
    }

    #[test]
    fn log_ticks_cover_range() {
        assert_eq!(log_ticks(1.0, 1000.0).values, vec![1.0, 10.0, 100.0, 1000.0]);
        assert_eq!(log_ticks(1.0, 100.0).values, vec![1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0]);
        assert_eq!(log_ticks(0.37, 0.8).values, vec![0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
        let t = log_ticks(0.37, 12.0);
        assert_eq!((t.lo, t.hi, t.values.len()), (0.2, 20.0, 7));
    }

    #[test]
    fn escaping_and_formatting() {
        assert_eq!(esc("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
        assert_eq!(fmt_sig(9881.81, 3), "9880");
        assert_eq!(fmt_sig(0.2, 3), "0.2");
        assert_eq!(fmt_sig(0.0030401, 3), "0.00304");
        assert_eq!(fmt_sig(1.0e7, 3), "1.00e7");
        assert_eq!(fmt_si(0.0030401, "J"), "3.04 mJ");
        assert_eq!(fmt_si(0.0598, "J"), "59.8 mJ");
    }
}
