//! The model registry's rows (the bundles themselves are blobs). One active model per
//! horizon at most; activation and rollback each run in one transaction, so a kill never
//! leaves a horizon with two active models or none that should have one.

use rusqlite::{OptionalExtension, params};

use crate::{BlobId, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelStatus {
    /// Trained and evaluated, not serving.
    Candidate,
    Active,
    /// Replaced by a newer model; a rollback can bring it back.
    Retired,
    /// Not eligible (lost to its baselines or to the champion), or rolled back.
    Rejected,
}

impl ModelStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ModelStatus::Candidate => "candidate",
            ModelStatus::Active => "active",
            ModelStatus::Retired => "retired",
            ModelStatus::Rejected => "rejected",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "candidate" => ModelStatus::Candidate,
            "active" => ModelStatus::Active,
            "retired" => ModelStatus::Retired,
            "rejected" => ModelStatus::Rejected,
            other => return Err(StoreError::Corrupt(format!("model status {other:?}"))),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModelRecord {
    pub id: String,
    pub horizon_h: u32,
    pub feature_set: String,
    pub train_from: i64,
    pub train_to: i64,
    pub created_at: i64,
    pub bundle: BlobId,
    /// The evaluation report (JSON).
    pub report: String,
    pub status: ModelStatus,
    /// Why it has its status (what it lost, who rolled it back).
    pub reason: String,
    pub activated_at: Option<i64>,
    pub retired_at: Option<i64>,
}

const COLUMNS: &str = "id, horizon_h, feature_set, train_from, train_to, created_at, bundle, \
                       report, status, reason, activated_at, retired_at";

fn record(r: &rusqlite::Row<'_>) -> rusqlite::Result<(ModelRecord, String, String)> {
    let bundle: String = r.get(6)?;
    let status: String = r.get(8)?;
    Ok((
        ModelRecord {
            id: r.get(0)?,
            horizon_h: r.get(1)?,
            feature_set: r.get(2)?,
            train_from: r.get(3)?,
            train_to: r.get(4)?,
            created_at: r.get(5)?,
            bundle: BlobId::of(b""),
            report: r.get(7)?,
            status: ModelStatus::Candidate,
            reason: r.get(9)?,
            activated_at: r.get(10)?,
            retired_at: r.get(11)?,
        },
        bundle,
        status,
    ))
}

fn finish(
    (mut m, bundle, status): (ModelRecord, String, String),
) -> Result<ModelRecord, StoreError> {
    m.bundle = BlobId::parse(&bundle)?;
    m.status = ModelStatus::parse(&status)?;
    Ok(m)
}

impl Store {
    /// Records a newly trained model (as a candidate or already rejected).
    pub fn insert_model(&mut self, m: &ModelRecord) -> Result<(), StoreError> {
        self.conn.execute(
            &format!("INSERT INTO models ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"),
            params![
                m.id,
                m.horizon_h,
                m.feature_set,
                m.train_from,
                m.train_to,
                m.created_at,
                m.bundle.as_str(),
                m.report,
                m.status.as_str(),
                m.reason,
                m.activated_at,
                m.retired_at
            ],
        )?;
        Ok(())
    }

    /// Every model, or one horizon's, newest first.
    pub fn models(&self, horizon_h: Option<u32>) -> Result<Vec<ModelRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM models WHERE ?1 IS NULL OR horizon_h = ?1 \
             ORDER BY horizon_h, created_at DESC, id DESC"
        ))?;
        let rows = stmt.query_map(params![horizon_h], record)?;
        rows.map(|r| finish(r?)).collect()
    }

    pub fn model(&self, id: &str) -> Result<Option<ModelRecord>, StoreError> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM models WHERE id = ?1"),
                params![id],
                record,
            )
            .optional()?
            .map(finish)
            .transpose()
    }

    pub fn active_model(&self, horizon_h: u32) -> Result<Option<ModelRecord>, StoreError> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM models WHERE horizon_h = ?1 AND status = 'active'"),
                params![horizon_h],
                record,
            )
            .optional()?
            .map(finish)
            .transpose()
    }

    pub fn reject_model(&mut self, id: &str, reason: &str) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE models SET status = 'rejected', reason = ?2 WHERE id = ?1 AND status = 'candidate'",
            params![id, reason],
        )?;
        if n == 0 {
            return Err(StoreError::Registry(format!("no candidate model {id}")));
        }
        Ok(())
    }

    /// Makes candidate `id` its horizon's active model, retiring the one it replaces.
    pub fn activate_model(&mut self, id: &str, at: i64, reason: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let horizon: Option<u32> = tx
            .query_row(
                "SELECT horizon_h FROM models WHERE id = ?1 AND status = 'candidate'",
                params![id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(horizon) = horizon else {
            return Err(StoreError::Registry(format!("no candidate model {id}")));
        };
        tx.execute(
            "UPDATE models SET status = 'retired', retired_at = ?2, reason = ?3 \
             WHERE horizon_h = ?1 AND status = 'active'",
            params![horizon, at, format!("replaced by {id}")],
        )?;
        tx.execute(
            "UPDATE models SET status = 'active', activated_at = ?2, reason = ?3 WHERE id = ?1",
            params![id, at, reason],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Rejects the horizon's active model and brings back the one active before it. A
    /// rolled-back model is rejected, so a second rollback goes one further back.
    pub fn rollback_model(&mut self, horizon_h: u32, at: i64) -> Result<ModelRecord, StoreError> {
        let tx = self.conn.transaction()?;
        let current: Option<String> = tx
            .query_row(
                "SELECT id FROM models WHERE horizon_h = ?1 AND status = 'active'",
                params![horizon_h],
                |r| r.get(0),
            )
            .optional()?;
        let Some(current) = current else {
            return Err(StoreError::Registry(format!(
                "no active model for the {horizon_h} h horizon to roll back"
            )));
        };
        let previous: Option<String> = tx
            .query_row(
                "SELECT id FROM models WHERE horizon_h = ?1 AND status = 'retired' \
                 ORDER BY activated_at DESC, id DESC LIMIT 1",
                params![horizon_h],
                |r| r.get(0),
            )
            .optional()?;
        let Some(previous) = previous else {
            return Err(StoreError::Registry(format!(
                "the {horizon_h} h horizon has no earlier model to roll back to"
            )));
        };
        tx.execute(
            "UPDATE models SET status = 'rejected', retired_at = ?2, reason = 'rolled back' WHERE id = ?1",
            params![current, at],
        )?;
        tx.execute(
            "UPDATE models SET status = 'active', activated_at = ?2, retired_at = NULL, \
             reason = ?3 WHERE id = ?1",
            params![previous, at, format!("restored by a rollback of {current}")],
        )?;
        tx.commit()?;
        self.model(&previous)?
            .ok_or_else(|| StoreError::Corrupt(format!("model {previous} vanished")))
    }
}
