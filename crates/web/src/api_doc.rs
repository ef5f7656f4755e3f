//! The OpenAPI 3.1 document of `/api/v1`, generated from the `#[utoipa::path]` annotations on
//! the handlers themselves (so it cannot drift from the routes they describe), served at
//! `/api/v1/openapi.json`, and a reference page rendered from it on the server at
//! `/api/v1/docs` — no script, nothing fetched from elsewhere.

use crate::{AppState, WebError};
use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::{RefOr, path::ParameterIn};
use utoipa::{OpenApi, PartialSchema, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "tidings API",
        version = "1",
        description = "JSON twins of the public pages, and the admin operations under /api/v1/admin (with an API token: Authorization: Bearer <token>, acting with its owner's role). Errors carry an error object with status and message; pages continue with the after cursor the previous page gave."
    ),
    modifiers(&BearerScheme),
    paths(
        crate::controllers::weeks::show::current_json,
        crate::controllers::weeks::show::json,
        crate::controllers::articles::show::json,
        crate::controllers::stories::show::json,
        crate::controllers::entities::show::json,
        crate::controllers::search::index::json,
        crate::controllers::listings::show::outlet_json,
        crate::controllers::listings::show::section_json,
        crate::controllers::listings::show::tag_json,
        crate::controllers::admin::api::sources::list,
        crate::controllers::admin::api::sources::add,
        crate::controllers::admin::api::sources::remove,
        crate::controllers::admin::api::sources::act,
        crate::controllers::admin::api::outlets::list,
        crate::controllers::admin::api::outlets::set,
        crate::controllers::admin::api::entities::rename,
        crate::controllers::admin::api::entities::merge,
        crate::controllers::admin::api::users::list,
        crate::controllers::admin::api::users::set_role,
        crate::controllers::admin::api::comments::reports,
        crate::controllers::admin::api::comments::moderate
    )
)]
pub struct ApiDoc;

/// Declares the `bearer` security scheme the admin operations name: an API token made with
/// `tidings token add` or on the account page.
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token (tdg_…); it acts with its owner's current role",
                    ))
                    .build(),
            ),
        );
    }
}

/// The body of every API error.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes the JSON `error::WebError::into_json` writes.
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ErrorDetail {
    /// The HTTP status, repeated.
    status: u16,
    /// What went wrong, for people.
    message: String,
}

#[allow(dead_code)] // Never built: it only names a schema.
/// A JSON object whose keys follow the interface contract (SPEC.md: Article JSON, cards,
/// rankings).
pub struct Object;

impl PartialSchema for Object {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some("A JSON object; see the interface contract"))
            .into()
    }
}

impl ToSchema for Object {}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

struct Operation {
    method: &'static str,
    /// Needs an API token.
    secured: bool,
    path: String,
    summary: String,
    params: Vec<(String, &'static str, bool, String)>,
    responses: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct DocsPage<'a> {
    site_name: &'a str,
    page_title: String,
    operations: Vec<Operation>,
}

fn operations(doc: &utoipa::openapi::OpenApi) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, item) in &doc.paths.paths {
        let methods = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (method, op) in methods {
            let Some(op) = op else { continue };
            out.push(operation(method, path, op));
        }
    }
    out
}

fn operation(method: &'static str, path: &str, op: &utoipa::openapi::path::Operation) -> Operation {
    Operation {
        method,
        secured: op.security.as_ref().is_some_and(|s| !s.is_empty()),
        path: path.to_owned(),
        summary: op
            .summary
            .clone()
            .or_else(|| op.description.clone())
            .unwrap_or_default(),
        params: op
            .parameters
            .iter()
            .flatten()
            .map(|p| {
                let place = match p.parameter_in {
                    ParameterIn::Path => "path",
                    ParameterIn::Query => "query",
                    ParameterIn::Header => "header",
                    ParameterIn::Cookie => "cookie",
                };
                let required = matches!(p.required, utoipa::openapi::Required::True);
                (
                    p.name.clone(),
                    place,
                    required,
                    p.description.clone().unwrap_or_default(),
                )
            })
            .collect(),
        responses: op
            .responses
            .responses
            .iter()
            .map(|(status, r)| {
                let text = match r {
                    RefOr::T(r) => r.description.clone(),
                    RefOr::Ref(_) => String::new(),
                };
                (status.clone(), text)
            })
            .collect(),
    }
}

/// `GET /api/v1/docs`: the reference, rendered from the document.
pub async fn reference(State(state): State<AppState>) -> Response {
    let page = DocsPage {
        site_name: &state.site.site_name,
        page_title: "API reference".into(),
        operations: operations(&ApiDoc::openapi()),
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => WebError::Internal(e.to_string()).into_response(),
    }
}
