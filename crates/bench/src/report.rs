//! One run of `make bench` as a report: every step (a benchmark or the fuzz run) with its
//! exit status and time, every figure it recorded, and a verdict. The verdict is PASS only
//! when every step exited 0, recorded at least one figure, and every bar is met.

use std::{collections::BTreeMap, path::Path};

use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::figure::{Figure, baseline_text, num, value_text};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}: not a record of `make bench` ({source})")]
    Line {
        path: String,
        line: usize,
        source: serde_json::Error,
    },
}

/// One step as the runner saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRun {
    pub step: String,
    /// The command it ran, for whoever wants to repeat one figure.
    #[serde(default)]
    pub command: String,
    pub exit: i32,
    pub seconds: f64,
    #[serde(default)]
    pub log: String,
}

/// Where and what was measured.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub started: String,
    pub commit: String,
    pub rustc: String,
    pub machine: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FigureReport {
    #[serde(flatten)]
    pub figure: Figure,
    pub met: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepReport {
    pub step: String,
    pub command: String,
    /// `None`: figures recorded under a step the runner did not run.
    pub exit: Option<i32>,
    pub seconds: Option<f64>,
    pub log: String,
    pub figures: Vec<FigureReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub meta: Meta,
    /// "PASS" or "FAIL".
    pub verdict: &'static str,
    pub problems: Vec<String>,
    pub steps: Vec<StepReport>,
}

/// Reads a file of JSON lines; a line that does not parse is an error naming it, since a
/// figure silently skipped would be a figure silently lost.
pub fn read_lines<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|source| Error::Line {
                path: path.display().to_string(),
                line: i + 1,
                source,
            })
        })
        .collect()
}

impl Report {
    pub fn build(meta: Meta, runs: Vec<StepRun>, figures: Vec<Figure>) -> Self {
        let mut by_step: BTreeMap<String, Vec<Figure>> = BTreeMap::new();
        for f in figures {
            by_step.entry(f.step.clone()).or_default().push(f);
        }
        let mut steps: Vec<StepReport> = runs
            .into_iter()
            .map(|r| StepReport {
                figures: by_step.remove(&r.step).map(reports).unwrap_or_default(),
                step: r.step,
                command: r.command,
                exit: Some(r.exit),
                seconds: Some(r.seconds),
                log: r.log,
            })
            .collect();
        steps.extend(by_step.into_iter().map(|(step, figures)| StepReport {
            step,
            command: String::new(),
            exit: None,
            seconds: None,
            log: String::new(),
            figures: reports(figures),
        }));
        let mut problems = Vec::new();
        for s in &steps {
            match s.exit {
                Some(0) => {}
                Some(code) => problems.push(format!(
                    "{}: exited with status {code} (log: {})",
                    s.step, s.log
                )),
                None => problems.push(format!(
                    "{}: figures recorded by a step `make bench` did not run",
                    s.step
                )),
            }
            if s.figures.is_empty() {
                problems.push(format!("{}: recorded no figure", s.step));
            }
            for f in s.figures.iter().filter(|f| f.met == Some(false)) {
                problems.push(format!("{}: {}", s.step, f.figure.line()));
            }
        }
        Self {
            meta,
            verdict: if problems.is_empty() { "PASS" } else { "FAIL" },
            problems,
            steps,
        }
    }

    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn figure_count(&self) -> usize {
        self.steps.iter().map(|s| s.figures.len()).sum()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report is plain data")
    }

    pub fn to_markdown(&self) -> String {
        let m = &self.meta;
        let mut out = String::from("# Benchmark report\n\n");
        out += &format!(
            "`make bench` started {}, commit `{}`, {}; {}.\n\n",
            m.started, m.commit, m.rustc, m.machine
        );
        let with_bars = self
            .steps
            .iter()
            .flat_map(|s| &s.figures)
            .filter(|f| f.met.is_some())
            .count();
        if self.passed() {
            out += &format!(
                "**PASS**: {} figures from {} steps, {with_bars} of them with a bar; every \
                 step exited 0 and every bar is met.\n\n",
                self.figure_count(),
                self.steps.len()
            );
        } else {
            out += &format!(
                "**FAIL**: {} figures from {} steps, {with_bars} of them with a bar; {} \
                 problem(s):\n\n",
                self.figure_count(),
                self.steps.len(),
                self.problems.len()
            );
            for p in &self.problems {
                out += &format!("- {}\n", cell(p));
            }
            out += "\n";
        }
        out += "Every baseline was measured in the same run, on the same machine.\n\n";
        out += "| Step | Figure | Ours | Baseline (same run) | Ratio | Bar | |\n";
        out += "|---|---|---|---|---|---|---|\n";
        let mut notes = Vec::new();
        for s in &self.steps {
            for f in &s.figures {
                let fig = &f.figure;
                let baseline = fig
                    .baseline
                    .as_ref()
                    .map(|b| format!("{}: {}", b.name, baseline_text(b)))
                    .unwrap_or_default();
                let ratio = fig
                    .ratio
                    .as_ref()
                    .map(|r| format!("{} = {}", r.of, num(r.value)))
                    .unwrap_or_default();
                let bars: Vec<String> = fig.bars.iter().map(|b| b.describe(&fig.unit)).collect();
                let verdict = match f.met {
                    Some(true) => "MET",
                    Some(false) => "**NOT MET**",
                    None => "",
                };
                out += &format!(
                    "| {} | {} | {} | {} | {} | {} | {verdict} |\n",
                    cell(&s.step),
                    cell(&fig.name),
                    cell(&value_text(fig.value, &fig.unit)),
                    cell(&baseline),
                    cell(&ratio),
                    cell(&bars.join(", ")),
                );
                if let Some(n) = &fig.note {
                    notes.push(format!(
                        "- {} / {}: {}\n",
                        cell(&s.step),
                        cell(&fig.name),
                        cell(n)
                    ));
                }
            }
        }
        if !notes.is_empty() {
            out += "\n## Notes\n\n";
            out.extend(notes);
        }
        out += "\n## Steps\n\n| Step | Command | Exit | Time | Log |\n|---|---|---|---|---|\n";
        for s in &self.steps {
            out += &format!(
                "| {} | `{}` | {} | {} | {} |\n",
                cell(&s.step),
                cell(&s.command),
                s.exit.map_or("not run".into(), |c| c.to_string()),
                s.seconds.map_or(String::new(), duration),
                cell(&s.log)
            );
        }
        out
    }
}

fn reports(figures: Vec<Figure>) -> Vec<FigureReport> {
    figures
        .into_iter()
        .map(|figure| FigureReport {
            met: figure.met(),
            figure,
        })
        .collect()
}

/// Text safe inside a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn duration(s: f64) -> String {
    if s < 60.0 {
        format!("{s:.0} s")
    } else {
        format!("{} min {:.0} s", (s / 60.0).floor(), s % 60.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(step: &str, exit: i32) -> StepRun {
        StepRun {
            step: step.into(),
            command: format!("cargo bench --bench {step}"),
            exit,
            seconds: 75.0,
            log: format!("logs/{step}.log"),
        }
    }

    fn fig(step: &str, name: &str, value: f64, bar: f64) -> Figure {
        Figure {
            step: step.into(),
            ..Figure::new(name, value, "ms").at_most(bar)
        }
    }

    #[test]
    fn passes_only_when_everything_holds() {
        let ok = Report::build(
            Meta::default(),
            vec![run("a", 0), run("b", 0)],
            vec![fig("a", "x", 1.0, 2.0), fig("b", "y", 3.0, 4.0)],
        );
        assert!(ok.passed(), "{:?}", ok.problems);
        assert_eq!(ok.verdict, "PASS");
        let md = ok.to_markdown();
        assert!(md.contains("**PASS**: 2 figures from 2 steps"), "{md}");
        assert!(md.contains("| a | x | 1 ms |  |  | ≤ 2 ms | MET |"), "{md}");
        assert!(md.contains("| 1 min 15 s |"), "{md}");
    }

    #[test]
    fn names_every_problem() {
        let r = Report::build(
            Meta::default(),
            vec![run("crashed", 101), run("silent", 0), run("slow", 0)],
            vec![
                fig("crashed", "partial", 1.0, 2.0),
                fig("slow", "p50", 60.0, 50.0),
                fig("elsewhere", "z", 1.0, 2.0),
            ],
        );
        assert!(!r.passed());
        assert_eq!(r.verdict, "FAIL");
        let p = r.problems.join("\n");
        assert!(
            p.contains("crashed: exited with status 101 (log: logs/crashed.log)"),
            "{p}"
        );
        assert!(p.contains("silent: recorded no figure"), "{p}");
        assert!(p.contains("slow: p50: 60 ms (bar ≤ 50 ms) NOT MET"), "{p}");
        assert!(p.contains("elsewhere: figures recorded by a step"), "{p}");
        assert_eq!(r.problems.len(), 4, "{p}");
        let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        assert_eq!(json["verdict"], "FAIL");
        assert_eq!(json["steps"][2]["figures"][0]["met"], false);
        assert_eq!(json["steps"][2]["figures"][0]["value"], 60.0);
        assert!(r.to_markdown().contains("**NOT MET**"));
    }

    #[test]
    fn a_bad_line_is_an_error_with_its_number() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("steps.jsonl");
        std::fs::write(
            &path,
            "{\"step\":\"a\",\"exit\":0,\"seconds\":1}\n\n{\"step\":\"b\",\"exit\":\n",
        )
        .unwrap();
        let err = read_lines::<StepRun>(&path).unwrap_err().to_string();
        assert!(
            err.ends_with(")") && err.contains("steps.jsonl:3: not a record"),
            "{err}"
        );
        let missing = read_lines::<StepRun>(&dir.path().join("none")).unwrap_err();
        assert!(missing.to_string().starts_with("cannot read"), "{missing}");
    }

    #[test]
    fn pipes_do_not_break_the_table() {
        let r = Report::build(
            Meta::default(),
            vec![run("a", 0)],
            vec![fig("a", "x | y", 1.0, 2.0).note("one\ntwo")],
        );
        let md = r.to_markdown();
        assert!(md.contains("| x \\| y |"), "{md}");
        assert!(md.contains("- a / x \\| y: one two"), "{md}");
    }
}
