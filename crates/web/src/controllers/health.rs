//! `/healthz`: is the process up and can it reach its database.

use crate::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;

pub async fn check(State(state): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    match state.db(|s| s.schema_version()).await {
        Ok(version) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": "ok", "schema_version": version })),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": "unreachable" })),
            )
        }
    }
}
