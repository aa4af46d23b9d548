//! Serving new hours, as the ml agent does it for each burst of `features.rows` and the
//! steady-state cycle benchmark does it for every pair: each pair's row at t as the
//! technical agent built and stored it ([`cst_features::stored`]: computed once, read
//! here), then every loaded horizon's models over all the rows at once. One code path, so
//! the benchmark measures the service.

use std::collections::BTreeMap;

use cst_features::{BuildContext, Built, FeatureRow, Missing, stored};
use cst_store::{Store, StoredPrediction};

use crate::{
    MlError,
    predict::{Predictor, predict_all},
};

/// The loaded models (one per horizon).
#[derive(Debug, Default)]
pub struct Server {
    pub loaded: BTreeMap<u32, Predictor>,
}

/// What serving one (pair, t) gave.
#[derive(Debug)]
pub enum Served {
    /// The row and one prediction per loaded horizon, ready for the store.
    Predicted {
        row: FeatureRow,
        predictions: Vec<StoredPrediction>,
    },
    /// No row at t, so no prediction: the required groups that were missing.
    NoRow(Vec<Missing>),
    /// Nothing stored for (pair, t) under this FeatureSet: the technical agent has not
    /// built the hour (or built it for another FeatureSet).
    NotBuilt,
    /// The row could not be built (for example a damaged store); nothing predicted.
    Failed(MlError),
}

impl Server {
    pub fn new() -> Server {
        Server::default()
    }

    /// Serves each `(pair, t)`; the answers are in the order asked. A pair whose row fails
    /// is answered with its error and does not stop the others; an error of the models
    /// themselves fails the whole batch.
    pub fn serve(
        &mut self,
        store: &Store,
        ctx: &BuildContext,
        items: &[(String, i64)],
        threads: usize,
    ) -> Result<Vec<Served>, MlError> {
        let mut out = Vec::with_capacity(items.len());
        let mut x = Vec::new();
        let mut with_row = Vec::new();
        for (pair, t) in items {
            out.push(match stored::read(store, ctx, pair, *t) {
                Ok(Some(Built::Row(row))) => {
                    x.extend_from_slice(&row.values);
                    with_row.push(out.len());
                    Served::Predicted {
                        row,
                        predictions: Vec::with_capacity(self.loaded.len()),
                    }
                }
                Ok(Some(Built::NoRow { missing, .. })) => Served::NoRow(missing),
                Ok(None) => Served::NotBuilt,
                Err(e) => Served::Failed(e.into()),
            });
        }
        if with_row.is_empty() || self.loaded.is_empty() {
            return Ok(out);
        }
        let mut predictors: Vec<&mut Predictor> = self.loaded.values_mut().collect();
        for horizon in predict_all(&mut predictors, &x, threads)? {
            for (x, &i) in horizon.into_iter().zip(&with_row) {
                let Served::Predicted { row, predictions } = &mut out[i] else {
                    unreachable!("with_row indexes rows only");
                };
                predictions.push(x.stored(&row.pair, row.t));
            }
        }
        Ok(out)
    }
}
