//! Champion/challenger over the store's model registry. A trained model is recorded with
//! its bundle (a blob) and evaluation report; it becomes active only if it beats its naive
//! baselines out of sample and its out-of-sample skill is at least the active model's.
//! Skill (1 − score / baseline score on the same rows) is what is compared, because the two
//! models were evaluated on different windows and one window can simply be harder.

use cst_store::{BlobStore, ModelRecord, ModelStatus, Store};

use crate::{MlError, bundle::ModelBundle, predict::Predictor, report::EvalReport};

/// A trained horizon: its bundle and its evaluation report, ready to register.
#[derive(Debug)]
pub struct Fitted {
    pub bundle: ModelBundle,
    pub report: EvalReport,
}

/// Out-of-sample skill against the baselines: (Brier skill, median pinball skill).
pub fn skill(r: &EvalReport) -> (f64, f64) {
    (
        1.0 - r.brier.model / r.brier.baseline,
        1.0 - r.pinball_q50.model / r.pinball_q50.baseline,
    )
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
/// walk-forward alike: rejected when it loses to a baseline or to the champion's skill,
/// active otherwise.
pub fn decide(r: &EvalReport, champion: Option<&EvalReport>) -> (ModelStatus, String) {
    if !r.beats_baselines {
        return (
            ModelStatus::Rejected,
            format!("loses to its baselines: {}", r.lost.join("; ")),
        );
    }
    let Some(c) = champion else {
        return (
            ModelStatus::Active,
            "first model that beats its baselines".to_string(),
        );
    };
    let (c_brier, c_pin) = skill(c);
    let (brier, pin) = skill(r);
    if brier >= c_brier && pin >= c_pin {
        (
            ModelStatus::Active,
            format!(
                "skill {brier:.4}/{pin:.4} (Brier/pinball) >= the champion's {c_brier:.4}/{c_pin:.4}"
            ),
        )
    } else {
        (
            ModelStatus::Rejected,
            format!(
                "skill {brier:.4}/{pin:.4} (Brier/pinball) below the champion's {c_brier:.4}/{c_pin:.4}"
            ),
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
