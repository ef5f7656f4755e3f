//! Outlets: the publishers articles and feeds belong to, with their republication policy.

use crate::sql::{Exec, Row};
use crate::{Store, StoreError, now, params};
use serde::Serialize;
use tidings_model::{ExtractionMode, OutletRef, RepublicationPolicy, slugify};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outlet {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub domain: Option<String>,
    pub language: Option<String>,
    pub description: Option<String>,
    pub policy: RepublicationPolicy,
    pub extraction_mode: ExtractionMode,
    pub article_count: i64,
}

const OUTLET_COLUMNS: &str = "o.id, o.name, o.slug, o.domain, o.language, o.description, o.policy, \
     o.extraction_mode, (SELECT COUNT(*) FROM articles a WHERE a.outlet_id = o.id)";

fn outlet_from_row(r: &Row) -> Result<Outlet, StoreError> {
    let policy = r.text(6)?;
    let mode = r.text(7)?;
    Ok(Outlet {
        id: r.i64(0)?,
        name: r.text(1)?,
        slug: r.text(2)?,
        domain: r.opt_text(3)?,
        language: r.opt_text(4)?,
        description: r.opt_text(5)?,
        policy: policy.parse().map_err(StoreError::Decode)?,
        extraction_mode: mode.parse().map_err(StoreError::Decode)?,
        article_count: r.i64(8)?,
    })
}

/// What an admin (or the demo loader) says about an outlet.
#[derive(Debug, Clone, Default)]
pub struct OutletSettings {
    pub name: String,
    pub domain: Option<String>,
    pub language: Option<String>,
    pub description: Option<String>,
    pub policy: Option<RepublicationPolicy>,
    pub extraction_mode: Option<ExtractionMode>,
}

impl Store {
    pub fn outlets(&self) -> Result<Vec<Outlet>, StoreError> {
        self.read(|c| {
            c.query(
                &format!("SELECT {OUTLET_COLUMNS} FROM outlets o ORDER BY o.name"),
                &[],
            )?
            .iter()
            .map(outlet_from_row)
            .collect()
        })
    }

    pub fn outlet_by_slug(&self, slug: &str) -> Result<Option<Outlet>, StoreError> {
        self.read(|c| outlet_by_slug(c, slug))
    }

    /// Creates the outlet or updates the settings given (`None` leaves a setting as it is).
    pub fn save_outlet(&self, s: &OutletSettings) -> Result<Outlet, StoreError> {
        let name = s.name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid("outlet name is empty".into()));
        }
        self.write(|tx| {
            let id = ensure_outlet(
                tx,
                &OutletRef {
                    name: name.to_owned(),
                    domain: s.domain.clone(),
                },
            )?;
            tx.execute(
                "UPDATE outlets SET
                     domain = COALESCE(?, domain),
                     language = COALESCE(?, language),
                     description = COALESCE(?, description),
                     policy = COALESCE(?, policy),
                     extraction_mode = COALESCE(?, extraction_mode)
                 WHERE id = ?",
                params![
                    s.domain.as_deref().map(normalize_domain),
                    s.language.as_deref(),
                    s.description.as_deref(),
                    s.policy.map(|p| p.as_str()),
                    s.extraction_mode.map(|m| m.as_str()),
                    id
                ],
            )?;
            outlet_by_id(tx, id)
        })
    }

    pub fn set_outlet_extraction_mode(
        &self,
        slug: &str,
        mode: ExtractionMode,
    ) -> Result<Outlet, StoreError> {
        self.write(|tx| {
            if tx.execute(
                "UPDATE outlets SET extraction_mode = ? WHERE slug = ?",
                params![mode.as_str(), slug],
            )? == 0
            {
                return Err(StoreError::NotFound(format!("outlet {slug:?}")));
            }
            outlet_by_slug(tx, slug)?.ok_or_else(|| StoreError::NotFound(slug.into()))
        })
    }

    pub fn set_outlet_policy(
        &self,
        slug: &str,
        policy: RepublicationPolicy,
    ) -> Result<Outlet, StoreError> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE outlets SET policy = ? WHERE slug = ?",
                params![policy.as_str(), slug],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound(format!("outlet {slug:?}")));
            }
            outlet_by_slug(tx, slug)?.ok_or_else(|| StoreError::NotFound(slug.into()))
        })
    }
}

pub(crate) fn outlet_by_slug(c: &mut dyn Exec, slug: &str) -> Result<Option<Outlet>, StoreError> {
    c.query_opt(
        &format!("SELECT {OUTLET_COLUMNS} FROM outlets o WHERE o.slug = ?"),
        params![slug],
    )?
    .as_ref()
    .map(outlet_from_row)
    .transpose()
}

pub(crate) fn outlet_by_id(c: &mut dyn Exec, id: i64) -> Result<Outlet, StoreError> {
    let row = c.query_one(
        &format!("SELECT {OUTLET_COLUMNS} FROM outlets o WHERE o.id = ?"),
        params![id],
    )?;
    outlet_from_row(&row)
}

/// `www.Example.org` → `example.org`.
pub(crate) fn normalize_domain(d: &str) -> String {
    let d = d.trim().trim_end_matches('.').to_ascii_lowercase();
    d.strip_prefix("www.").map(str::to_owned).unwrap_or(d)
}

/// Finds the outlet by slug of its name (creating it when new) and fills in a missing domain.
pub(crate) fn ensure_outlet(tx: &mut dyn Exec, r: &OutletRef) -> Result<i64, StoreError> {
    let name = r.name.trim();
    let slug = slugify(name);
    let domain = r.domain.as_deref().map(normalize_domain);
    if let Some(row) = tx.query_opt("SELECT id FROM outlets WHERE slug = ?", params![&slug])? {
        let id = row.i64(0)?;
        if domain.is_some() {
            tx.execute(
                "UPDATE outlets SET domain = ? WHERE id = ? AND domain IS NULL",
                params![domain, id],
            )?;
        }
        return Ok(id);
    }
    tx.execute(
        "INSERT INTO outlets (name, slug, domain, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (slug) DO NOTHING",
        params![name, &slug, domain, now()],
    )?;
    tx.query_one("SELECT id FROM outlets WHERE slug = ?", params![&slug])?
        .i64(0)
}
