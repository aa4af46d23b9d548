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

/// One ONNX model taking `[N, n_features]` doubles and giving one double per row.
#[derive(Debug)]
pub struct OnnxModel {
    session: Session,
    n_features: usize,
    input: String,
}

impl OnnxModel {
    /// Loads `bytes` and checks that the model declares the inputs the service will feed
    /// it: one f64 tensor `[N, n_features]`, and one f64 output per row. Call [`init`]
    /// first. Inference runs on the calling thread: the agent decides the parallelism.
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
        check_tensor("input", input.dtype(), Some(n_features))?;
        let [output] = session.outputs() else {
            return Err(MlError::Shape(format!(
                "{} outputs; one ([N, 1] f64) expected",
                session.outputs().len()
            )));
        };
        check_tensor("output", output.dtype(), Some(1))?;
        let input = input.name().to_string();
        Ok(OnnxModel {
            session,
            n_features,
            input,
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
        let tensor = TensorRef::from_array_view(([n, self.n_features], rows))?;
        let outputs = self
            .session
            .run(ort::inputs![self.input.as_str() => tensor])?;
        let (_, values) = outputs[0].try_extract_tensor::<f64>()?;
        if values.len() != n {
            return Err(MlError::Shape(format!(
                "{} outputs for {n} rows",
                values.len()
            )));
        }
        Ok(values.to_vec())
    }
}

fn check_tensor(what: &str, ty: &ValueType, last: Option<usize>) -> Result<(), MlError> {
    let ValueType::Tensor { ty, shape, .. } = ty else {
        return Err(MlError::Shape(format!("the {what} is not a tensor")));
    };
    if *ty != TensorElementType::Float64 {
        return Err(MlError::Shape(format!("the {what} is {ty:?}, not f64")));
    }
    let dims: &[i64] = shape;
    let ok = dims.len() == 2 && last.is_none_or(|l| dims[1] == l as i64);
    if !ok {
        return Err(MlError::Shape(format!(
            "the {what} has shape {dims:?}; [N, {}] expected",
            last.map_or("?".to_string(), |l| l.to_string())
        )));
    }
    Ok(())
}
