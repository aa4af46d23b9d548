//! Without ONNX Runtime there is no serving at all, and the error says how to get it. (Its
//! own test binary: the runtime is loaded once per process.)

use cst_models::{MlError, runtime};

#[test]
fn a_missing_runtime_library_is_an_error_that_says_what_to_do() {
    let err = runtime::init(std::path::Path::new("/nonexistent/libonnxruntime.so")).unwrap_err();
    assert!(matches!(err, MlError::RuntimeMissing { .. }));
    let text = err.to_string();
    assert!(
        text.contains("/nonexistent/libonnxruntime.so") && text.contains("deploy/setup.sh"),
        "{text}"
    );
}
