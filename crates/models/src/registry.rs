//! Champion/challenger over the store's model registry. A trained model is recorded with
//! its bundle (a blob) and evaluation report; it becomes active only if one of its uses
//! earned activation out of sample ([`crate::report::Uses`]) and it is at least as good as
//! the active model on every use the active model serves, compared on the same unseen rows
//! (the challenger's evaluation fold, which the champion never saw either: training scores
//! the champion there, `EvalReport::champion`). Only when the champion cannot be scored there
//! (it saw those rows, or reads other columns) are the two compared on their own windows, by
//! skill, and the reason says so.

use cst_store::{BlobStore, ModelRecord, ModelStatus, Store};

use crate::{MlError, bundle::ModelBundle, predict::Predictor, report::EvalReport};

/// A trained horizon: its bundle and its evaluation report, ready to register.
#[derive(Debug, Clone)]
pub struct Fitted {
    pub bundle: ModelBundle,
    pub report: EvalReport,
    /// Dataset indices of the evaluation rows (where the champion is scored too).
    pub eval_idx: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Registered {
    pub id: String,
    pub status: ModelStatus,
    pub reason: String,
}

/// Records `fitted` and decides: rejected (loses to a baseline or to the champion) or
/// active (replacing the champion, which is retired and can be rolled back to).
pub fn register(
    store: &mut Store,
    blobs: &BlobStore,
    fitted: &Fitted,
    now: i64,
) -> Result<Registered, MlError> {
    let bytes = fitted.bundle.encode()?;
    let blob = blobs.put(&bytes)?;
    let r = &fitted.report;
    let id = format!("h{}-{now}-{}", fitted.bundle.horizon_h, &blob.as_str()[..8]);
    let report = serde_json::to_string(r).map_err(|e| MlError::Bundle(e.to_string()))?;
    let champion = store.active_model(fitted.bundle.horizon_h)?;
    let champion = champion.as_ref().map(champion_report).transpose()?;
    let (status, reason) = decide(r, champion.as_ref());
    store.insert_model(&ModelRecord {
        id: id.clone(),
        horizon_h: fitted.bundle.horizon_h,
        feature_set: fitted.bundle.feature_set.clone(),
        train_from: fitted.bundle.train_from,
        train_to: fitted.bundle.train_to,
        created_at: now,
        bundle: blob,
        report,
        status: if status == ModelStatus::Rejected {
            ModelStatus::Rejected
        } else {
            ModelStatus::Candidate
        },
        reason: reason.clone(),
        activated_at: None,
        retired_at: None,
    })?;
    if status == ModelStatus::Active {
        store.activate_model(&id, now, &reason)?;
    }
    Ok(Registered { id, status, reason })
}

fn champion_report(c: &ModelRecord) -> Result<EvalReport, MlError> {
    serde_json::from_str(&c.report)
        .map_err(|e| MlError::Bundle(format!("model {}: unreadable report: {e}", c.id)))
}

/// Champion/challenger as a pure function, for the registry and the backtester's
/// walk-forward alike: rejected when no use earned activation, or when the challenger is
/// worse than the champion on a use the champion serves; active otherwise.
pub fn decide(r: &EvalReport, champion: Option<&EvalReport>) -> (ModelStatus, String) {
    if !r.uses.any() {
        return (
            ModelStatus::Rejected,
            format!("no use earned activation: {}", r.lost.join("; ")),
        );
    }
    let earned: Vec<String> = [("ranking", &r.uses.ranking), ("absolute", &r.uses.absolute)]
        .iter()
        .filter(|(_, u)| u.earned)
        .map(|(n, u)| format!("{n} ({})", u.evidence))
        .collect();
    let Some(c) = champion else {
        return (
            ModelStatus::Active,
            format!("first model; earned: {}", earned.join("; ")),
        );
    };
    let (mine, theirs, basis) = match (&r.signal, &r.champion, &c.signal) {
        (Some(m), Some(t), _) => (m, t, "on the same unseen rows"),
        (Some(m), None, Some(t)) => (
            m,
            t,
            "each on its own evaluation window (the champion could not be scored on the              challenger's)",
        ),
        _ => {
            return (
                ModelStatus::Active,
                format!(
                    "the champion has no figures to compare with; earned: {}",
                    earned.join("; ")
                ),
            );
        }
    };
    type Figure = fn(&cst_calibrate::signal::Signal) -> f64;
    let ic: Figure = |s| s.rank_ic.unwrap_or(f64::NEG_INFINITY);
    let skill: Figure = |s| match (s.brier, s.brier_base) {
        (Some(b), Some(base)) if base > 0.0 => 1.0 - b / base,
        _ => f64::NEG_INFINITY,
    };
    // Each use the champion serves: the challenger must serve it too, at least as well.
    let uses = [
        (
            &c.uses.ranking,
            &r.uses.ranking,
            ic,
            "the champion ranks and this model does not",
            "rank IC",
        ),
        (
            &c.uses.absolute,
            &r.uses.absolute,
            skill,
            "the champion's probability has skill and this one's does not",
            "Brier skill",
        ),
    ];
    let mut worse = Vec::new();
    for (theirs_use, mine_use, figure, lacks, name) in uses {
        if !theirs_use.earned {
            continue;
        }
        if !mine_use.earned {
            worse.push(format!("{lacks} ({})", mine_use.evidence));
        } else if figure(mine) < figure(theirs) {
            worse.push(format!(
                "{name} {:+.4} below the champion's {:+.4}",
                figure(mine),
                figure(theirs)
            ));
        }
    }
    if worse.is_empty() {
        (
            ModelStatus::Active,
            format!(
                "at least the champion on every use it serves, {basis}; earned: {}",
                earned.join("; ")
            ),
        )
    } else {
        (
            ModelStatus::Rejected,
            format!("{}, {basis}", worse.join("; ")),
        )
    }
}

/// The active model of a horizon, loaded for serving; `None` when there is none.
pub fn load_active(
    store: &Store,
    blobs: &BlobStore,
    horizon_h: u32,
    feature_set: &str,
) -> Result<Option<Predictor>, MlError> {
    let Some(m) = store.active_model(horizon_h)? else {
        return Ok(None);
    };
    let bundle = ModelBundle::decode(&blobs.get(&m.bundle)?)?;
    Predictor::load(bundle, &m.id, feature_set).map(Some)
}
