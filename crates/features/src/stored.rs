//! A build in the store and back. The technical agent builds each pair-hour's row once,
//! when its inputs are in, and stores it here; the ml and whale agents, the dashboard and
//! `cst features` read that row instead of computing it again, so each of them sees
//! exactly the values the models were served (bit for bit, NaN included: postcard writes an
//! f64 as its 8 bytes).
//!
//! An hour never built live (history before the service ran, an imported series) has no
//! stored row; [`read_or_build`] builds it with [`FeatureBuilder`] and says so.

use cst_store::{Store, StoredFeatureRow};
use serde::{Deserialize, Serialize};

use crate::{
    BuildContext, Built, FeatureBuilder, FeatureError, FeatureRow, Group, LiveBuilder, Missing,
};

/// The stored form: `Built` is internally tagged for JSON, which postcard cannot read back.
#[derive(Serialize, Deserialize)]
struct Wire {
    pair: String,
    t: i64,
    version: String,
    /// `Some` for a row, `None` for no row.
    values: Option<Vec<f64>>,
    /// (group, reason): the absent optional groups of a row, or the missing required ones.
    reasons: Vec<(String, String)>,
}

/// `built` as stored for `exchange` and the FeatureSet `version`, built at `built_at`.
pub fn to_stored(exchange: &str, version: &str, built: &Built, built_at: i64) -> StoredFeatureRow {
    let reasons = |ms: &[Missing]| {
        ms.iter()
            .map(|m| (m.group.name().to_string(), m.reason.clone()))
            .collect()
    };
    let (pair, t, values, reasons) = match built {
        Built::Row(r) => (&r.pair, r.t, Some(r.values.clone()), reasons(&r.absent)),
        Built::NoRow { pair, t, missing } => (pair, *t, None, reasons(missing)),
    };
    let has_row = values.is_some();
    let wire = Wire {
        pair: pair.clone(),
        t,
        version: version.to_string(),
        values,
        reasons,
    };
    StoredFeatureRow {
        exchange: exchange.to_string(),
        feature_set: version.to_string(),
        pair: pair.clone(),
        t,
        has_row,
        built_at,
        row: postcard::to_allocvec(&wire)
            .expect("strings, integers and f64s always encode into a Vec"),
    }
}

/// The build a stored row holds.
pub fn from_stored(stored: &StoredFeatureRow) -> Result<Built, FeatureError> {
    let corrupt = |why: String| {
        FeatureError::Corrupt(format!(
            "stored feature row of {} at {}: {why}",
            stored.pair, stored.t
        ))
    };
    let wire: Wire = postcard::from_bytes(&stored.row).map_err(|e| corrupt(e.to_string()))?;
    if wire.pair != stored.pair || wire.t != stored.t || wire.version != stored.feature_set {
        return Err(corrupt(format!(
            "it holds {} at {} ({})",
            wire.pair, wire.t, wire.version
        )));
    }
    let mut missing = Vec::with_capacity(wire.reasons.len());
    for (group, reason) in wire.reasons {
        let group = Group::parse(&group).ok_or_else(|| corrupt(format!("group {group:?}")))?;
        missing.push(Missing { group, reason });
    }
    Ok(match wire.values {
        Some(values) => Built::Row(FeatureRow {
            pair: wire.pair,
            t: wire.t,
            version: wire.version,
            values,
            absent: missing,
        }),
        None => Built::NoRow {
            pair: wire.pair,
            t: wire.t,
            missing,
        },
    })
}

/// Where an answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The row the technical agent built live; `built_at` is the data's time then (the
    /// newest stored candle's close), so `built_at - t` says how long the row waited.
    Stored { built_at: i64 },
    /// Not built live (the service did not run at that hour): built now from the store.
    Built,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Stored { .. } => "stored",
            Source::Built => "built",
        }
    }
}

/// The stored build of `pair` at `t` for the context's FeatureSet, if any.
pub fn read(
    store: &Store,
    ctx: &BuildContext,
    pair: &str,
    t: i64,
) -> Result<Option<Built>, FeatureError> {
    store
        .feature_row(&ctx.exchange, ctx.set.version(), pair, t)?
        .map(|s| from_stored(&s))
        .transpose()
}

/// The stored build of `pair` at `t`, or, for an hour never built live, the builder's.
pub fn read_or_build(
    store: &Store,
    ctx: &BuildContext,
    pair: &str,
    t: i64,
) -> Result<(Built, Source), FeatureError> {
    if let Some(s) = store.feature_row(&ctx.exchange, ctx.set.version(), pair, t)? {
        return Ok((
            from_stored(&s)?,
            Source::Stored {
                built_at: s.built_at,
            },
        ));
    }
    Ok((FeatureBuilder::new(store, ctx).row(pair, t)?, Source::Built))
}

/// The builds of `pair` for every hour in `[from, to]`, oldest first: the stored ones, and
/// for the hours never built live, the builder's (one batch over the range, only when
/// some hour is not stored).
pub fn read_or_build_rows(
    store: &Store,
    ctx: &BuildContext,
    pair: &str,
    from: i64,
    to: i64,
) -> Result<Vec<(Built, Source)>, FeatureError> {
    let mut stored = std::collections::BTreeMap::new();
    for s in store.feature_rows_between(&ctx.exchange, ctx.set.version(), pair, from, to)? {
        let source = Source::Stored {
            built_at: s.built_at,
        };
        stored.insert(s.t, (from_stored(&s)?, source));
    }
    let hours = usize::try_from((to - from).div_euclid(crate::HOUR) + 1).unwrap_or(0);
    if stored.len() == hours {
        return Ok(stored.into_values().collect());
    }
    Ok(FeatureBuilder::new(store, ctx)
        .rows(pair, from, to)?
        .into_iter()
        .map(|b| stored.remove(&b.t()).unwrap_or((b, Source::Built)))
        .collect())
}

/// The technical agent's build step, apart from its waiting: each pair's row at t from the
/// live builder (O(1) technical update per new candle), all stored in one transaction.
/// The steady-state benchmark runs it too, so it measures the service's code.
#[derive(Debug, Default)]
pub struct RowWriter {
    live: LiveBuilder,
}

impl RowWriter {
    pub fn new() -> RowWriter {
        RowWriter::default()
    }

    /// Builds and stores each `(pair, t)`, in the order given (a pair's hours oldest
    /// first); answers in that order. A pair whose build fails is answered with its error
    /// and does not stop the others; only a failed write fails the whole batch.
    pub fn build(
        &mut self,
        store: &mut Store,
        ctx: &BuildContext,
        items: &[(String, i64)],
        built_at: i64,
    ) -> Result<Vec<Result<Built, FeatureError>>, FeatureError> {
        let mut out = Vec::with_capacity(items.len());
        let mut rows = Vec::with_capacity(items.len());
        for (pair, t) in items {
            let built = self.live.row(store, ctx, pair, *t);
            if let Ok(b) = &built {
                rows.push(to_stored(&ctx.exchange, ctx.set.version(), b, built_at));
            }
            out.push(built);
        }
        store.insert_feature_rows(&rows)?;
        Ok(out)
    }

    /// Gaps after which a pair's indicator engine began its warm-up again.
    pub fn gap_resets(&self) -> u64 {
        self.live.gap_resets()
    }
}
