//! The stub's HTTP side: public bodies as handed in, private calls checked as Kraken checks
//! them (key, signature, nonce), faults applied, then answered from the books.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::{Books, Call, Fault};

pub(super) async fn public(
    State(books): State<Arc<Mutex<Books>>>,
    Path(method): Path<String>,
) -> Response {
    let b = books.lock().unwrap_or_else(|p| p.into_inner());
    match b.public.get(&method) {
        Some(body) => body.clone().into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn kraken_error(e: &str) -> Response {
    axum::Json(json!({"error": [e]})).into_response()
}

pub(super) async fn private(
    State(books): State<Arc<Mutex<Books>>>,
    Path(method): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let (answer, late) = {
        let mut b = books.lock().unwrap_or_else(|p| p.into_inner());
        let params: BTreeMap<String, String> = form_urlencoded::parse(body.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let path = format!("/0/private/{method}");
        let nonce: Option<u64> = params.get("nonce").and_then(|n| n.parse().ok());
        let key_ok = headers.get("API-Key").and_then(|v| v.to_str().ok()) == Some(b.key.as_str());
        let sign = headers.get("API-Sign").and_then(|v| v.to_str().ok());
        let expected = nonce.and_then(|n| cst_exchange::api_sign(&b.secret, &path, n, &body).ok());
        let refused = if !key_ok {
            Some("EAPI:Invalid key")
        } else if sign.is_none() || sign != expected.as_deref() {
            Some("EAPI:Invalid signature")
        } else if nonce.is_none_or(|n| n <= b.last_nonce) {
            Some("EAPI:Invalid nonce")
        } else {
            None
        };
        if let Some(e) = refused {
            b.rejected.push(e.to_string());
            return kraken_error(e);
        }
        b.last_nonce = nonce.unwrap_or_default();
        let fault = b.faults.get_mut(&method).and_then(|q| {
            if q.is_empty() {
                None
            } else {
                Some(q.remove(0))
            }
        });
        match fault {
            Some(Fault::Status(s)) => {
                return StatusCode::from_u16(s)
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
                    .into_response();
            }
            Some(Fault::Body(text)) => return text.into_response(),
            Some(Fault::Error(e)) => return kraken_error(&e),
            Some(Fault::Late(_)) | None => {}
        }
        b.calls.push(Call {
            method: method.clone(),
            params: params.clone(),
        });
        let answer = match b.call(&method, &params) {
            Ok(result) => axum::Json(json!({"error": [], "result": result})).into_response(),
            Err(e) => kraken_error(&e),
        };
        let late = match fault {
            Some(Fault::Late(d)) => Some(d),
            _ => None,
        };
        (answer, late)
    };
    if let Some(d) = late {
        tokio::time::sleep(d).await;
    }
    answer
}
