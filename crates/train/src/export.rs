//! A LightGBM model as an ONNX graph: one `ai.onnx.ml` `TreeEnsemble` (opset 5) in double
//! precision — thresholds, leaf values, input and output all `f64`, so the served model
//! takes the same branches as LightGBM on the same numbers — followed by `Sigmoid` for a
//! classifier. Input `features`: `[N, n_features]` f64; output `score`: `[N, 1]` f64.

use prost::Message;

use crate::{
    GbmModel, MlError,
    gbm::{MissingType, Transform},
    proto::{
        AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, TensorProto,
        TensorShapeProto, TypeProto, ValueInfoProto,
        attribute_proto::AttributeType,
        tensor_proto::DataType,
        tensor_shape_proto::{Dimension, dimension},
        type_proto,
    },
};

pub const INPUT: &str = "features";
pub const OUTPUT: &str = "score";

/// `nodes_modes`: x <= split goes to the true branch.
const BRANCH_LEQ: u8 = 0;
/// ONNX IR version 10 (ONNX 1.16+) and the opsets the graph uses.
const IR_VERSION: i64 = 10;
const OPSET_ONNX: i64 = 21;
const OPSET_ML: i64 = 5;

/// The flat arrays of the `TreeEnsemble` operator, global across trees.
#[derive(Default)]
struct Ensemble {
    roots: Vec<i64>,
    features: Vec<i64>,
    splits: Vec<f64>,
    modes: Vec<u8>,
    missing_true: Vec<i64>,
    true_ids: Vec<i64>,
    true_leaf: Vec<i64>,
    false_ids: Vec<i64>,
    false_leaf: Vec<i64>,
    leaf_targets: Vec<i64>,
    leaf_weights: Vec<f64>,
}

impl Ensemble {
    fn push_node(&mut self, feature: usize, split: f64, missing_true: bool) -> usize {
        self.features.push(feature as i64);
        self.splits.push(split);
        self.modes.push(BRANCH_LEQ);
        self.missing_true.push(missing_true as i64);
        self.true_ids.push(0);
        self.true_leaf.push(0);
        self.false_ids.push(0);
        self.false_leaf.push(0);
        self.features.len() - 1
    }

    fn push_leaf(&mut self, value: f64) -> i64 {
        self.leaf_targets.push(0);
        self.leaf_weights.push(value);
        (self.leaf_weights.len() - 1) as i64
    }
}

/// Encodes `model` as an ONNX file (protobuf bytes).
pub fn to_onnx(model: &GbmModel, doc: &str) -> Result<Vec<u8>, MlError> {
    let mut e = Ensemble::default();
    for (t, tree) in model.trees.iter().enumerate() {
        let leaf_base = e.leaf_weights.len() as i64;
        for &v in &tree.leaves {
            e.push_leaf(v);
        }
        if tree.splits.is_empty() {
            // ONNX trees start at a node: a constant tree is one node whose branches meet.
            let n = e.push_node(0, 0.0, true);
            e.roots.push(n as i64);
            (e.true_ids[n], e.true_leaf[n]) = (leaf_base, 1);
            (e.false_ids[n], e.false_leaf[n]) = (leaf_base, 1);
            continue;
        }
        let node_base = e.features.len() as i64;
        e.roots.push(node_base);
        for s in &tree.splits {
            // Where NaN goes: LightGBM's missing-value rule as one flag. `None` compares 0.0.
            let nan_left = match s.missing {
                MissingType::NaN => s.default_left,
                MissingType::None => 0.0 <= s.threshold,
                MissingType::Zero => {
                    return Err(MlError::Export(format!(
                        "tree {t}: zero-as-missing splits have no ONNX equivalent; train \
                         with zero_as_missing=false"
                    )));
                }
            };
            e.push_node(s.feature, s.threshold, nan_left);
        }
        for (i, s) in tree.splits.iter().enumerate() {
            let n = node_base as usize + i;
            let link = |child: i32| {
                if child >= 0 {
                    (node_base + child as i64, 0)
                } else {
                    (leaf_base + (!child) as i64, 1)
                }
            };
            (e.true_ids[n], e.true_leaf[n]) = link(s.left);
            (e.false_ids[n], e.false_leaf[n]) = link(s.right);
        }
    }

    let tree_node = NodeProto {
        input: vec![INPUT.into()],
        output: vec![if model.transform == Transform::Identity {
            OUTPUT.into()
        } else {
            "raw".into()
        }],
        name: Some("trees".into()),
        op_type: Some("TreeEnsemble".into()),
        domain: Some("ai.onnx.ml".into()),
        attribute: vec![
            ints("tree_roots", e.roots),
            ints("nodes_featureids", e.features),
            tensor_attr("nodes_splits", f64_tensor(&e.splits)),
            tensor_attr("nodes_modes", u8_tensor(&e.modes)),
            ints("nodes_missing_value_tracks_true", e.missing_true),
            ints("nodes_truenodeids", e.true_ids),
            ints("nodes_trueleafs", e.true_leaf),
            ints("nodes_falsenodeids", e.false_ids),
            ints("nodes_falseleafs", e.false_leaf),
            ints("leaf_targetids", e.leaf_targets),
            tensor_attr("leaf_weights", f64_tensor(&e.leaf_weights)),
            int("n_targets", 1),
            int("aggregate_function", 1), // SUM
            int("post_transform", 0),     // NONE: the sigmoid is its own node, in f64
        ],
        ..Default::default()
    };
    let mut nodes = vec![tree_node];
    let mut initializers = Vec::new();
    if let Transform::Sigmoid { scale } = model.transform {
        let mut input = "raw".to_string();
        if scale != 1.0 {
            let mut s = f64_tensor(&[scale]);
            s.name = Some("sigmoid_scale".into());
            s.dims = vec![];
            initializers.push(s);
            nodes.push(node("Mul", &["raw", "sigmoid_scale"], "scaled"));
            input = "scaled".into();
        }
        nodes.push(node("Sigmoid", &[&input], OUTPUT));
    }
    let model_proto = ModelProto {
        ir_version: Some(IR_VERSION),
        opset_import: vec![opset("", OPSET_ONNX), opset("ai.onnx.ml", OPSET_ML)],
        producer_name: Some("cryptosmarttrader".into()),
        producer_version: Some(env!("CARGO_PKG_VERSION").into()),
        doc_string: Some(doc.into()),
        graph: Some(GraphProto {
            node: nodes,
            name: Some("gbm".into()),
            initializer: initializers,
            input: vec![value_info(
                INPUT,
                DataType::Double,
                &[None, Some(model.n_features as i64)],
            )],
            output: vec![value_info(OUTPUT, DataType::Double, &[None, Some(1)])],
            ..Default::default()
        }),
        ..Default::default()
    };
    Ok(model_proto.encode_to_vec())
}

fn opset(domain: &str, version: i64) -> OperatorSetIdProto {
    OperatorSetIdProto {
        domain: Some(domain.into()),
        version: Some(version),
    }
}

fn node(op: &str, inputs: &[&str], output: &str) -> NodeProto {
    NodeProto {
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![output.into()],
        name: Some(op.to_lowercase()),
        op_type: Some(op.into()),
        ..Default::default()
    }
}

fn ints(name: &str, v: Vec<i64>) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        r#type: Some(AttributeType::Ints as i32),
        ints: v,
        ..Default::default()
    }
}

fn int(name: &str, v: i64) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        r#type: Some(AttributeType::Int as i32),
        i: Some(v),
        ..Default::default()
    }
}

fn tensor_attr(name: &str, t: TensorProto) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        r#type: Some(AttributeType::Tensor as i32),
        t: Some(t),
        ..Default::default()
    }
}

fn f64_tensor(v: &[f64]) -> TensorProto {
    TensorProto {
        dims: vec![v.len() as i64],
        data_type: Some(DataType::Double as i32),
        raw_data: Some(v.iter().flat_map(|x| x.to_le_bytes()).collect()),
        ..Default::default()
    }
}

fn u8_tensor(v: &[u8]) -> TensorProto {
    TensorProto {
        dims: vec![v.len() as i64],
        data_type: Some(DataType::Uint8 as i32),
        raw_data: Some(v.to_vec()),
        ..Default::default()
    }
}

/// A tensor input or output of `elem`; `None` dimensions are symbolic (the batch). Public
/// for tests that build a user's model by hand.
pub fn value_info(name: &str, elem: DataType, dims: &[Option<i64>]) -> ValueInfoProto {
    let dim = dims
        .iter()
        .map(|d| Dimension {
            denotation: None,
            value: Some(match d {
                Some(n) => dimension::Value::DimValue(*n),
                None => dimension::Value::DimParam("N".into()),
            }),
        })
        .collect();
    ValueInfoProto {
        name: Some(name.into()),
        r#type: Some(TypeProto {
            denotation: None,
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: Some(elem as i32),
                shape: Some(TensorShapeProto { dim }),
            })),
        }),
        ..Default::default()
    }
}
