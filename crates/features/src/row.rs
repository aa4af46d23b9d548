//! What the builder answers for (pair, t): a row, or why there is none.

use serde::Serialize;

use crate::Group;

/// A group without data at a time, and why (logged and counted by the caller).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    pub group: Group,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureRow {
    pub pair: String,
    /// A candle boundary (Unix seconds, UTC): the row uses only data from before it.
    pub t: i64,
    pub version: String,
    /// In the FeatureSet's order. NaN in the columns of an optional group listed in `absent`
    /// (missing, never zero or a stale value), and where a value is undefined by definition:
    /// the mean score of an hour without news, the LLM score where no LLM is configured.
    pub values: Vec<f64>,
    pub absent: Vec<Missing>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Built {
    Row(FeatureRow),
    /// A required group is missing: no row at all.
    NoRow {
        pair: String,
        t: i64,
        missing: Vec<Missing>,
    },
}

impl Built {
    pub fn row(&self) -> Option<&FeatureRow> {
        match self {
            Built::Row(r) => Some(r),
            Built::NoRow { .. } => None,
        }
    }

    pub fn t(&self) -> i64 {
        match self {
            Built::Row(r) => r.t,
            Built::NoRow { t, .. } => *t,
        }
    }
}

impl serde::Serialize for Group {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}
