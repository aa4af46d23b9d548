//! The topics of the bus: one enum, so a publisher and its subscribers cannot drift apart by
//! a typo, and a test can check that every subscribed topic has a publisher and every
//! published one a reader.
//!
//! On the wire a topic is its name as a string (postcard: length + bytes), exactly as protocol
//! v1 sent the free-form names, so v1 frames decode unchanged; a name this build does not
//! know is a decode error, never an event routed to nobody.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What changed in the store. The key and version of an [`crate::bus::Event`] say which
/// artifact and which of its versions; the store is the truth, the event a hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    /// The collector stored closed candles of a pair (key: pair, version: newest open time).
    CandlesUpdated,
    /// The collector stored a coverage audit (key: exchange, version: audit time).
    Coverage,
    /// The technical agent stored a pair-hour's feature row, or why there is none (key: pair,
    /// version: decision time t).
    FeatureRows,
    /// The ml agent stored a pair's predictions (key: pair, version: t).
    Predictions,
    /// The risk agent recorded an hour's gate run (key: `all`, version: t).
    CandidatesUpdated,
    /// The paper account is halted (key: why, version: its last hour).
    RiskHalted,
    /// The health agent's verdict (key: go / degraded / nogo, version: service time).
    HealthStatus,
}

impl Topic {
    /// Every topic, in the order data flows through the service.
    pub const ALL: [Topic; 7] = [
        Topic::CandlesUpdated,
        Topic::Coverage,
        Topic::FeatureRows,
        Topic::Predictions,
        Topic::CandidatesUpdated,
        Topic::RiskHalted,
        Topic::HealthStatus,
    ];

    /// Topics read outside the agents (the health socket, the dashboard, a monitoring
    /// system), so that no agent subscribing to them is not a defect. None today: every
    /// topic has a subscribing agent.
    pub const EXTERNAL: [Topic; 0] = [];

    /// The name on the wire and in logs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Topic::CandlesUpdated => "candles.updated",
            Topic::Coverage => "coverage",
            Topic::FeatureRows => "features.rows",
            Topic::Predictions => "predictions",
            Topic::CandidatesUpdated => "candidates.updated",
            Topic::RiskHalted => "risk.halted",
            Topic::HealthStatus => "health.status",
        }
    }

    /// The topic named `name`, if this build knows it.
    pub fn from_name(name: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Topic {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Topic {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Topic::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown topic {name:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_round_trips_by_its_name_and_names_are_unique() {
        let mut names: Vec<&str> = Topic::ALL.iter().map(|t| t.as_str()).collect();
        for t in Topic::ALL {
            assert_eq!(Topic::from_name(t.as_str()), Some(t));
            let bytes = postcard::to_stdvec(&t).unwrap();
            // The v1 wire form: a length-prefixed string.
            assert_eq!(bytes, postcard::to_stdvec(t.as_str()).unwrap());
            assert_eq!(postcard::from_bytes::<Topic>(&bytes).unwrap(), t);
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Topic::ALL.len());
    }

    #[test]
    fn an_unknown_name_is_a_decode_error_that_names_it() {
        let bytes = postcard::to_stdvec("predictions.updated").unwrap();
        let err = postcard::from_bytes::<Topic>(&bytes).unwrap_err();
        assert!(Topic::from_name("predictions.updated").is_none());
        assert!(!err.to_string().is_empty());
    }
}
