//! The FeatureSet: which groups, which features, in which order, under one version. A model
//! records the version it was trained on; any other version is refused, so a model never
//! reads columns it was not trained on (the Python version's sentiment columns that never
//! reached training).

use sha2::{Digest, Sha256};

use crate::{FeatureError, Group};

/// Bumped whenever a feature's formula changes without its name changing, so the version
/// still changes.
pub const DEFINITION_REVISION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSpec {
    pub group: Group,
    /// Without it at time t, a pair gets no row; otherwise the group's values are NaN.
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureSet {
    groups: Vec<GroupSpec>,
    names: Vec<&'static str>,
    version: String,
}

impl FeatureSet {
    pub fn new(groups: Vec<GroupSpec>) -> Result<FeatureSet, FeatureError> {
        if groups.is_empty() {
            return Err(FeatureError::EmptySet);
        }
        for (i, g) in groups.iter().enumerate() {
            if groups[..i].iter().any(|o| o.group == g.group) {
                return Err(FeatureError::DuplicateGroup(g.group));
            }
        }
        let names: Vec<&'static str> = groups
            .iter()
            .flat_map(|g| g.group.features().iter().copied())
            .collect();
        // The version names the columns, not which are required: requiring a group changes
        // which rows exist, never what a column means.
        let mut hash = Sha256::new();
        hash.update(DEFINITION_REVISION.to_le_bytes());
        for g in &groups {
            hash.update(g.group.name().as_bytes());
            hash.update([0]);
            for n in g.group.features() {
                hash.update(n.as_bytes());
                hash.update([1]);
            }
        }
        let digest = hex::encode(&hash.finalize()[..4]);
        let version = format!(
            "fs{DEFINITION_REVISION}-{}-{digest}",
            groups
                .iter()
                .map(|g| g.group.name())
                .collect::<Vec<_>>()
                .join("+")
        );
        Ok(FeatureSet {
            groups,
            names,
            version,
        })
    }

    /// The deployment's FeatureSet from `[features]` (already validated).
    pub fn from_config(cfg: &cst_config::FeaturesConfig) -> Result<FeatureSet, FeatureError> {
        let groups = cfg
            .groups
            .iter()
            .map(|name| {
                Group::parse(name)
                    .map(|group| GroupSpec {
                        group,
                        required: cfg.required.contains(name),
                    })
                    .ok_or_else(|| FeatureError::UnknownGroup(name.clone()))
            })
            .collect::<Result<_, _>>()?;
        FeatureSet::new(groups)
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn names(&self) -> &[&'static str] {
        &self.names
    }

    pub fn groups(&self) -> &[GroupSpec] {
        &self.groups
    }

    pub fn has(&self, group: Group) -> bool {
        self.groups.iter().any(|g| g.group == group)
    }

    /// Groups this deployment leaves out (their source does not exist here).
    pub fn left_out(&self) -> Vec<Group> {
        Group::ALL.into_iter().filter(|g| !self.has(*g)).collect()
    }

    /// Refuses a model trained on another FeatureSet version.
    pub fn check_model(&self, trained_on: &str) -> Result<(), FeatureError> {
        if trained_on == self.version {
            Ok(())
        } else {
            Err(FeatureError::VersionMismatch {
                model: trained_on.to_string(),
                deployment: self.version.clone(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(groups: &[(Group, bool)]) -> FeatureSet {
        FeatureSet::new(
            groups
                .iter()
                .map(|&(group, required)| GroupSpec { group, required })
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn the_version_follows_the_columns_and_a_model_of_another_version_is_refused() {
        let full = set(&[
            (Group::Technical, true),
            (Group::Sentiment, true),
            (Group::Whale, true),
            (Group::Book, true),
        ]);
        let optional = set(&[
            (Group::Technical, true),
            (Group::Sentiment, false),
            (Group::Whale, true),
            (Group::Book, false),
        ]);
        let candles_only = set(&[(Group::Technical, true)]);
        let reordered = set(&[(Group::Sentiment, true), (Group::Technical, true)]);
        assert_eq!(
            full.version(),
            optional.version(),
            "required is not a column"
        );
        assert_ne!(full.version(), candles_only.version());
        assert_ne!(
            set(&[(Group::Technical, true), (Group::Sentiment, true)]).version(),
            reordered.version(),
            "column order is part of the version"
        );
        assert!(full.check_model(full.version()).is_ok());
        let err = candles_only.check_model(full.version()).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains(full.version()) && msg.contains(candles_only.version()),
            "{msg}"
        );
        assert!(candles_only.version().contains("technical"));
        assert_eq!(
            candles_only.left_out(),
            vec![Group::Cross, Group::Sentiment, Group::Whale, Group::Book]
        );
        assert_eq!(
            full.names().len() + Group::Cross.features().len(),
            Group::ALL.iter().map(|g| g.features().len()).sum::<usize>()
        );
    }

    #[test]
    fn a_group_named_twice_or_no_group_is_refused() {
        assert!(matches!(
            FeatureSet::new(vec![
                GroupSpec {
                    group: Group::Whale,
                    required: true
                },
                GroupSpec {
                    group: Group::Whale,
                    required: false
                }
            ]),
            Err(FeatureError::DuplicateGroup(Group::Whale))
        ));
        assert!(matches!(
            FeatureSet::new(vec![]),
            Err(FeatureError::EmptySet)
        ));
    }
}
