//! The built pages (`web/dist`, made by `build.rs`), embedded in the binary: no CDN and no
//! files to find at run time, so the dashboard works offline and from any directory.

use axum::{
    http::{StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use rust_embed::RustEmbed;

use crate::server::ApiError;

#[derive(RustEmbed)]
#[folder = "../../web/dist/"]
struct Dist;

/// `/` is the app; `/assets/...` its hashed files (cached for a year: the hash changes with
/// the content). Anything else is a JSON 404 that says where the API is.
pub async fn page(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    if path.starts_with("api/") {
        return not_found(uri.path());
    }
    match Dist::get(path) {
        Some(file) => {
            let cache = if path.starts_with("assets/") {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            (
                [
                    (header::CONTENT_TYPE, file.metadata.mimetype().to_string()),
                    (header::CACHE_CONTROL, cache.to_string()),
                ],
                file.data.into_owned(),
            )
                .into_response()
        }
        None => not_found(uri.path()),
    }
}

fn not_found(path: &str) -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no such path {path}: the pages are at / and the API under /api/ (see /api/openapi.json)"),
    )
    .into_response()
}
