//! `/admin`: sources, outlets, entities and users, for administrators — each action is the
//! library function the CLI command of the same name calls. Every form has a CSRF token;
//! every page and action checks the admin role.

pub mod api;
pub mod entities;
pub mod outlets;
pub mod sources;
pub mod users;

use crate::{AppState, WebError, csrf, session};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tidings_store::{Role, User};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(index))
        .route("/admin/sources", get(sources::list).post(sources::add))
        .route("/admin/sources/{id}", get(sources::history))
        .route("/admin/sources/{id}/{action}", post(sources::act))
        .route("/admin/outlets", get(outlets::list))
        .route("/admin/outlets/{slug}/{setting}", post(outlets::set))
        .route("/admin/entities", get(entities::list))
        .route("/admin/entities/{slug}/{action}", post(entities::act))
        .route("/admin/users", get(users::list).post(users::set_role))
        .merge(api::routes())
}

/// A select: field name, label, and (value, text, selected) options.
pub(crate) type Select = (String, String, Vec<(String, String, bool)>);

/// One small form: hidden fields, at most one select and one text input, a button.
pub(crate) struct MiniForm {
    pub id: String,
    pub action: String,
    pub hidden: Vec<(String, String)>,
    pub select: Option<Select>,
    pub input: Option<(String, String)>,
    pub button: String,
}

impl MiniForm {
    pub fn button(action: impl Into<String>, label: &str) -> Self {
        let action = action.into();
        MiniForm {
            id: action.replace(['/', '.'], "-"),
            action,
            hidden: Vec::new(),
            select: None,
            input: None,
            button: label.to_owned(),
        }
    }

    pub fn with_input(mut self, name: &str, label: &str) -> Self {
        self.input = Some((name.to_owned(), label.to_owned()));
        self
    }

    pub fn with_select(mut self, name: &str, label: &str, options: &[&str], current: &str) -> Self {
        let options = options
            .iter()
            .map(|o| ((*o).to_owned(), (*o).to_owned(), *o == current))
            .collect();
        self.select = Some((name.to_owned(), label.to_owned(), options));
        self
    }

    pub fn with_hidden(mut self, name: &str, value: &str) -> Self {
        self.hidden.push((name.to_owned(), value.to_owned()));
        self
    }
}

pub(crate) struct Row {
    pub cells: Vec<(String, Option<String>)>,
    pub forms: Vec<MiniForm>,
}

#[derive(Template)]
#[template(path = "admin.html")]
pub(crate) struct AdminPage<'a> {
    pub site_name: &'a str,
    pub page_title: String,
    pub heading: String,
    /// The first link of the breadcrumb line, before `nav`.
    pub home: (&'static str, &'static str),
    pub nav: Vec<(&'static str, &'static str)>,
    /// A secret shown once (a new API token), set apart so that it can be copied.
    pub secret: Option<String>,
    pub message: Option<String>,
    pub top_forms: Vec<MiniForm>,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Row>,
    pub csrf: String,
}

const NAV: [(&str, &str); 5] = [
    ("/admin/sources", "Sources"),
    ("/admin/outlets", "Outlets"),
    ("/admin/entities", "Entities"),
    ("/admin/users", "Users"),
    ("/admin/moderation", "Moderation"),
];

impl<'a> AdminPage<'a> {
    pub fn new(state: &'a AppState, heading: &str) -> Self {
        AdminPage {
            site_name: &state.site.site_name,
            page_title: heading.to_owned(),
            heading: heading.to_owned(),
            home: ("/admin", "Admin"),
            nav: NAV.to_vec(),
            secret: None,
            message: None,
            top_forms: Vec::new(),
            columns: Vec::new(),
            rows: Vec::new(),
            csrf: String::new(),
        }
    }

    /// Renders with the CSRF token its forms need (and its cookie).
    pub fn respond(mut self, state: &AppState, headers: &HeaderMap) -> Response {
        csrf::page(state, headers, StatusCode::OK, |token| {
            self.csrf = token.to_owned();
            self.render()
        })
    }
}

/// The signed-in administrator, or the response for anyone else.
pub(crate) async fn admin(
    state: &AppState,
    headers: &HeaderMap,
    back: &str,
) -> Result<User, Response> {
    let Some(user) = session::current_user(state, headers).await else {
        return Err(Redirect::to(&format!("/login?next={back}")).into_response());
    };
    if user.role != Role::Admin {
        return Err(
            WebError::Forbidden("Only administrators can see this page.".into()).into_response(),
        );
    }
    Ok(user)
}

/// An admin form post: the administrator, after the CSRF check.
pub(crate) async fn admin_post(
    state: &AppState,
    headers: &HeaderMap,
    csrf_field: &str,
    back: &str,
) -> Result<User, Response> {
    let user = admin(state, headers, back).await?;
    if !csrf::verify(headers, csrf_field) {
        return Err(
            WebError::Forbidden("This form has expired. Please try again.".into()).into_response(),
        );
    }
    Ok(user)
}

/// Where an action goes back to, with what happened in the `done` query parameter.
pub(crate) fn back(path: &str, done: &str) -> Response {
    let done: String = done
        .bytes()
        .take(300)
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    Redirect::to(&format!("{path}?done={done}")).into_response()
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct Done {
    pub done: Option<String>,
    pub q: Option<String>,
}

pub(crate) fn date_time(t: Option<i64>) -> String {
    t.and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .map_or_else(|| "—".into(), |d| d.format("%Y-%m-%d %H:%M").to_string())
}

async fn index(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(r) = admin(&state, &headers, "/admin").await {
        return r;
    }
    let mut page = AdminPage::new(&state, "Admin");
    page.message = Some("Sources, outlets, entities, users and moderation: the same operations as the tidings command line.".into());
    page.respond(&state, &headers)
}
