//! Compiles the vendored ONNX schema (proto/onnx-ml.proto) into prost types with protox:
//! pure Rust, so no protoc binary is needed to build.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto/onnx-ml.proto");
    let fds = protox::compile(["onnx-ml.proto"], ["proto"])?;
    prost_build::Config::new().compile_fds(fds)?;
    Ok(())
}
