//! One measured figure: our value, the baseline measured beside it in the same run, the
//! ratio the bar is set on, and the bars themselves.
//!
//! A benchmark builds a [`Figure`] and calls [`Figure::record`]: it prints the verdict line
//! (a bench's output is its result) and, when `make bench` runs it, appends the figure as
//! one JSON line to `$CST_BENCH_OUT`, from which `bench-report` writes the report. A
//! figure whose baseline could not be measured keeps its place with the reason: a bar on
//! a missing ratio is not met, never skipped.

use std::{fs::OpenOptions, io::Write, path::Path};

use serde::{Deserialize, Serialize};

/// Where `make bench` collects the figures of one run (one JSON object per line).
pub const OUT_ENV: &str = "CST_BENCH_OUT";
/// The step of `make bench` that runs the benchmark (e.g. `cst-train/serving`).
pub const STEP_ENV: &str = "CST_BENCH_STEP";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// The `make bench` step that measured it; empty when run by hand.
    #[serde(default)]
    pub step: String,
    pub name: String,
    /// Ours. `None` when it could not be measured (see `note`).
    pub value: Option<f64>,
    pub unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio: Option<Ratio>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bars: Vec<Bar>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What we are compared with, measured in the same run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub name: String,
    /// `None`: the baseline could not be run; `why` says what was missing.
    pub value: Option<f64>,
    pub unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// The comparison the issue states, in its own direction: "bus / plain", "TA-Lib / ours".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ratio {
    pub value: f64,
    pub of: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum On {
    Value,
    Ratio,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cmp {
    AtMost,
    AtLeast,
    Equal,
}

/// A bar from an issue: on our value or on the ratio to the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    pub on: On,
    pub cmp: Cmp,
    pub limit: f64,
}

impl Bar {
    /// Whether `x` meets the bar; a missing value never does.
    pub fn met_by(&self, x: Option<f64>) -> bool {
        let Some(x) = x.filter(|x| x.is_finite()) else {
            return false;
        };
        match self.cmp {
            Cmp::AtMost => x <= self.limit,
            Cmp::AtLeast => x >= self.limit,
            Cmp::Equal => x == self.limit,
        }
    }

    pub fn describe(&self, unit: &str) -> String {
        let cmp = match self.cmp {
            Cmp::AtMost => "≤",
            Cmp::AtLeast => "≥",
            Cmp::Equal => "=",
        };
        match self.on {
            On::Value => format!("{cmp} {} {unit}", num(self.limit))
                .trim_end()
                .to_string(),
            On::Ratio => format!("ratio {cmp} {}", num(self.limit)),
        }
    }
}

impl Figure {
    pub fn new(name: impl Into<String>, value: f64, unit: impl Into<String>) -> Self {
        Self {
            step: std::env::var(STEP_ENV).unwrap_or_default(),
            name: name.into(),
            value: Some(value),
            unit: unit.into(),
            baseline: None,
            ratio: None,
            bars: Vec::new(),
            note: None,
        }
    }

    /// A figure that could not be measured, with the reason; its bars count as not met.
    pub fn missing(
        name: impl Into<String>,
        unit: impl Into<String>,
        why: impl Into<String>,
    ) -> Self {
        Self {
            value: None,
            ..Self::new(name, 0.0, unit).note(why)
        }
    }

    /// The baseline measured in the same run.
    pub fn vs(mut self, name: impl Into<String>, value: f64, unit: impl Into<String>) -> Self {
        self.baseline = Some(Baseline {
            name: name.into(),
            value: Some(value),
            unit: unit.into(),
            why: None,
        });
        self
    }

    /// The baseline that should have run beside us and could not.
    pub fn vs_missing(
        mut self,
        name: impl Into<String>,
        unit: impl Into<String>,
        why: impl Into<String>,
    ) -> Self {
        self.baseline = Some(Baseline {
            name: name.into(),
            value: None,
            unit: unit.into(),
            why: Some(why.into()),
        });
        self
    }

    pub fn ratio(mut self, value: f64, of: impl Into<String>) -> Self {
        self.ratio = Some(Ratio {
            value,
            of: of.into(),
        });
        self
    }

    fn bar(mut self, on: On, cmp: Cmp, limit: f64) -> Self {
        self.bars.push(Bar { on, cmp, limit });
        self
    }
    pub fn at_most(self, limit: f64) -> Self {
        self.bar(On::Value, Cmp::AtMost, limit)
    }
    pub fn at_least(self, limit: f64) -> Self {
        self.bar(On::Value, Cmp::AtLeast, limit)
    }
    pub fn equal(self, limit: f64) -> Self {
        self.bar(On::Value, Cmp::Equal, limit)
    }
    pub fn ratio_at_most(self, limit: f64) -> Self {
        self.bar(On::Ratio, Cmp::AtMost, limit)
    }
    pub fn ratio_at_least(self, limit: f64) -> Self {
        self.bar(On::Ratio, Cmp::AtLeast, limit)
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// `None` without bars; otherwise whether every bar is met.
    pub fn met(&self) -> Option<bool> {
        if self.bars.is_empty() {
            return None;
        }
        Some(self.bars.iter().all(|b| {
            b.met_by(match b.on {
                On::Value => self.value,
                On::Ratio => self.ratio.as_ref().map(|r| r.value),
            })
        }))
    }

    /// The one-line verdict a benchmark prints.
    pub fn line(&self) -> String {
        let mut s = format!("{}: {}", self.name, value_text(self.value, &self.unit));
        if let Some(b) = &self.baseline {
            s += &format!("; {} {}", b.name, baseline_text(b));
        }
        if let Some(r) = &self.ratio {
            s += &format!("; {} = {}", r.of, num(r.value));
        }
        if !self.bars.is_empty() {
            let bars: Vec<String> = self.bars.iter().map(|b| b.describe(&self.unit)).collect();
            s += &format!(" (bar {})", bars.join(", "));
        }
        match self.met() {
            Some(true) => s += " MET",
            Some(false) => s += " NOT MET",
            None => {}
        }
        if let Some(n) = &self.note {
            s += &format!(" [{n}]");
        }
        s
    }

    /// Prints the verdict line and appends the figure to `$CST_BENCH_OUT` when set.
    #[allow(clippy::print_stdout)]
    pub fn record(self) {
        println!("{}", self.line());
        if let Some(path) = std::env::var_os(OUT_ENV)
            && let Err(e) = self.append_to(Path::new(&path))
        {
            // The figure is on stdout already; a lost line shows up as a step without
            // figures in the report.
            eprintln!("cannot append to {}: {e}", Path::new(&path).display());
        }
    }

    /// One JSON line, written with one `write` to a file opened for appending, so the
    /// lines of concurrent writers do not interleave.
    pub fn append_to(&self, path: &Path) -> std::io::Result<()> {
        let mut line = serde_json::to_string(self).map_err(std::io::Error::other)?;
        line.push('\n');
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?
            .write_all(line.as_bytes())
    }
}

/// A figure's value with its unit, or "not measured".
pub fn value_text(v: Option<f64>, unit: &str) -> String {
    match v {
        Some(v) => format!("{} {unit}", num(v)).trim_end().to_string(),
        None => "not measured".into(),
    }
}

pub fn baseline_text(b: &Baseline) -> String {
    match (b.value, &b.why) {
        (Some(v), _) => value_text(Some(v), &b.unit),
        (None, Some(why)) => format!("not measured ({why})"),
        (None, None) => "not measured".into(),
    }
}

/// Readable precision: integers with thousands separators from 1,000; one decimal from
/// 10; otherwise two (three below 0.1, so 0.05 s does not read as 0.1), without
/// trailing zeros.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let a = x.abs();
    if a >= 1000.0 {
        let digits = format!("{:.0}", a);
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if x < 0.0 {
            out.insert(0, '-');
        }
        out
    } else if a >= 10.0 || x.fract() == 0.0 {
        if x.fract() == 0.0 {
            format!("{x:.0}")
        } else {
            format!("{x:.1}")
        }
    } else {
        let s = if a >= 0.1 {
            format!("{x:.2}")
        } else {
            format!("{x:.3}")
        };
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_on_value_and_ratio() {
        let f = Figure::new("rebuild", 76.8, "ms")
            .vs("TA-Lib", 139.1, "ms")
            .ratio(1.81, "TA-Lib / ours")
            .at_most(300.0)
            .ratio_at_least(1.0);
        assert_eq!(f.met(), Some(true));
        let slow = Figure {
            ratio: Some(Ratio {
                value: 0.91,
                of: "TA-Lib / ours".into(),
            }),
            ..f.clone()
        };
        assert_eq!(slow.met(), Some(false), "the ratio bar fails alone");
        let over = Figure {
            value: Some(301.0),
            ..f
        };
        assert_eq!(over.met(), Some(false), "the value bar fails alone");
    }

    #[test]
    fn a_missing_baseline_fails_its_ratio_bar() {
        let f = Figure::new("cycle", 6.4, "ms")
            .vs_missing("reference_pipeline.py", "ms", "cannot run python3")
            .ratio_at_least(50.0);
        assert_eq!(f.met(), Some(false));
        assert!(
            f.line().contains("not measured (cannot run python3)"),
            "{}",
            f.line()
        );
        assert!(f.line().ends_with("NOT MET"), "{}", f.line());
        let m = Figure::missing("rss", "MB", "no pid").at_most(150.0);
        assert_eq!(m.met(), Some(false));
        assert_eq!(Figure::new("x", 1.0, "").met(), None, "no bar, no verdict");
        assert_eq!(
            Figure::new("nan", f64::NAN, "ms").at_most(1.0).met(),
            Some(false)
        );
    }

    #[test]
    fn equal_bar_and_line() {
        let f = Figure::new("trades differing from vectorbt", 0.0, "trades").equal(0.0);
        assert_eq!(f.met(), Some(true));
        assert_eq!(
            f.line(),
            "trades differing from vectorbt: 0 trades (bar = 0 trades) MET"
        );
        let bus = Figure::new("bus p50", 80.2, "µs")
            .vs("plain UnixStream p50", 78.0, "µs")
            .ratio(80.2 / 78.0, "bus / plain")
            .ratio_at_most(1.5);
        assert_eq!(
            bus.line(),
            "bus p50: 80.2 µs; plain UnixStream p50 78 µs; bus / plain = 1.03 (bar ratio ≤ 1.5) MET"
        );
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(num(2_884_392.0), "2,884,392");
        assert_eq!(num(-1234.4), "-1,234");
        assert_eq!(num(877.4), "877.4");
        assert_eq!(num(13.44), "13.4");
        assert_eq!(num(150.0), "150");
        assert_eq!(num(1.03), "1.03");
        assert_eq!(num(0.05), "0.05");
        assert_eq!(num(1.5), "1.5");
        assert_eq!(num(0.0123), "0.012");
        assert_eq!(num(0.0), "0");
    }

    #[test]
    fn appended_lines_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("figures.jsonl");
        let a = Figure::new("a", 1.5, "ms").at_most(2.0);
        let b = Figure::missing("b", "MB", "why").at_most(1.0);
        a.append_to(&path).unwrap();
        b.append_to(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let back: Vec<Figure> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(back, vec![a, b]);
    }
}
