//! Serving through ONNX Runtime, loaded at run time (`ort` with `load-dynamic`) from the
//! shared library of the pinned PyPI wheel that deploy/setup.sh installs. The library is
//! loaded once per process; a missing or wrong library is an error that says how to fix it,
//! never a silent fallback to another way of predicting.

use std::{
    path::{Path, PathBuf},
    sync::OnceLock,
};

use ort::{
    environment::Environment,
    session::{Session, builder::GraphOptimizationLevel},
    value::{TensorElementType, TensorRef, ValueType},
};

use crate::MlError;

/// Set by `.cargo/config.toml` for builds and tests, by the user otherwise.
pub const DYLIB_ENV: &str = "ORT_DYLIB_PATH";

static ENV: OnceLock<Result<Environment, String>> = OnceLock::new();

/// The library to load: `ORT_DYLIB_PATH` when set, else the configured path.
pub fn dylib_path(configured: Option<&Path>) -> Option<PathBuf> {
    match std::env::var_os(DYLIB_ENV) {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => configured.map(Path::to_path_buf),
    }
}

/// Loads ONNX Runtime from `path` once per process (later calls reuse the first result).
pub fn init(path: &Path) -> Result<(), MlError> {
    let result = ENV.get_or_init(|| {
        if !path.is_file() {
            return Err("no such file".to_string());
        }
        ort::init_from(path)
            .map_err(|e| e.to_string())?
            .with_name("cst")
            .with_telemetry(false)
            .build()
            .map_err(|e| e.to_string())
    });
    result
        .as_ref()
        .map(|_| ())
        .map_err(|reason| MlError::RuntimeMissing {
            path: path.display().to_string(),
            reason: reason.clone(),
        })
}

/// One ONNX model taking `[N, n_features]` numbers and giving one number per row. The
/// service's own models are f64 throughout; a user-supplied model may take and give f32
/// (the usual export of PyTorch or scikit-learn), fed by rounding each f64 feature once.
#[derive(Debug)]
pub struct OnnxModel {
    session: Session,
    n_features: usize,
    input: String,
    input_f32: bool,
    output_f32: bool,
}

impl OnnxModel {
    /// Loads `bytes` and checks that the model declares the inputs the service will feed
    /// it: one f64 or f32 tensor `[N, n_features]`, and one f64 or f32 output of one value
    /// per row (`[N, 1]` or `[N]`). Call [`init`] first. Inference runs on the calling
    /// thread: the agent decides the parallelism.
    pub fn load(bytes: &[u8], n_features: usize) -> Result<OnnxModel, MlError> {
        let env = match ENV.get() {
            Some(Ok(env)) => env,
            Some(Err(reason)) => {
                return Err(MlError::RuntimeMissing {
                    path: "the configured path".into(),
                    reason: reason.clone(),
                });
            }
            None => {
                return Err(MlError::RuntimeMissing {
                    path: "nowhere yet".into(),
                    reason: "runtime::init was not called".into(),
                });
            }
        };
        let session = Session::builder(env)?
            .with_optimization_level(GraphOptimizationLevel::Level1)
            .map_err(ort::Error::from)?
            .with_intra_threads(1)
            .map_err(ort::Error::from)?
            .commit_from_memory(bytes)?;
        let [input] = session.inputs() else {
            return Err(MlError::Shape(format!(
                "{} inputs; one ([N, {n_features}] f64) expected",
                session.inputs().len()
            )));
        };
        let input_f32 = check_tensor("input", input.dtype(), Some(n_features))?;
        let [output] = session.outputs() else {
            return Err(MlError::Shape(format!(
                "{} outputs; one ([N, 1] f64) expected",
                session.outputs().len()
            )));
        };
        let output_f32 = check_tensor("output", output.dtype(), Some(1))?;
        let input = input.name().to_string();
        Ok(OnnxModel {
            session,
            n_features,
            input,
            input_f32,
            output_f32,
        })
    }

    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Scores `rows` (row-major, `n_features` per row): one value per row.
    pub fn predict(&mut self, rows: &[f64]) -> Result<Vec<f64>, MlError> {
        if rows.is_empty() || !rows.len().is_multiple_of(self.n_features) {
            return Err(MlError::Shape(format!(
                "{} values are not whole rows of {} features",
                rows.len(),
                self.n_features
            )));
        }
        let n = rows.len() / self.n_features;
        let shape = [n, self.n_features];
        let narrowed: Vec<f32>;
        let outputs = if self.input_f32 {
            narrowed = rows.iter().map(|&v| v as f32).collect();
            let tensor = TensorRef::from_array_view((shape, narrowed.as_slice()))?;
            self.session
                .run(ort::inputs![self.input.as_str() => tensor])?
        } else {
            let tensor = TensorRef::from_array_view((shape, rows))?;
            self.session
                .run(ort::inputs![self.input.as_str() => tensor])?
        };
        let values: Vec<f64> = if self.output_f32 {
            let (_, v) = outputs[0].try_extract_tensor::<f32>()?;
            v.iter().map(|&x| f64::from(x)).collect()
        } else {
            outputs[0].try_extract_tensor::<f64>()?.1.to_vec()
        };
        if values.len() != n {
            return Err(MlError::Shape(format!(
                "{} outputs for {n} rows",
                values.len()
            )));
        }
        Ok(values)
    }
}

/// Checks a declared tensor: f64 or f32, `[N, last]` (an output may also be `[N]`).
/// Returns whether it is f32.
fn check_tensor(what: &str, ty: &ValueType, last: Option<usize>) -> Result<bool, MlError> {
    let ValueType::Tensor { ty, shape, .. } = ty else {
        return Err(MlError::Shape(format!("the {what} is not a tensor")));
    };
    let f32 = match ty {
        TensorElementType::Float64 => false,
        TensorElementType::Float32 => true,
        other => {
            return Err(MlError::Shape(format!(
                "the {what} is {other:?}, not f64 or f32"
            )));
        }
    };
    let dims: &[i64] = shape;
    let ok = match dims {
        [_, d] => last.is_none_or(|l| *d == l as i64),
        [_] => what == "output",
        _ => false,
    };
    if !ok {
        return Err(MlError::Shape(format!(
            "the {what} has shape {dims:?}; [N, {}] expected",
            last.map_or("?".to_string(), |l| l.to_string())
        )));
    }
    Ok(f32)
}
