//! Entities across articles: one canonical record per person, organisation or place, with its
//! aliases; linking an article's entities to those records; what an entity page shows (weekly
//! mentions, quotes); and the editor's merge and rename, which keep every link.

use crate::sql::{Exec, Value};
use crate::{Store, StoreError, now, params};
use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;
use tidings_model::{EntityKind, EntityMention, IsoWeek, slugify};

/// One canonical entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entity {
    pub id: i64,
    pub name: String,
    pub kind: EntityKind,
    pub slug: String,
    pub aliases: Vec<String>,
    /// Articles that mention it.
    pub articles: i64,
}

/// What a slug names: an entity, or the slug an entity now lives under (merged or renamed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntityLookup {
    Found(Entity),
    MovedTo(String),
    Missing,
}

/// A quote attributed to an entity, with the article it appeared in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityQuote {
    pub text: String,
    pub verb: Option<String>,
    pub article_id: i64,
    pub article_title: String,
    pub outlet_name: String,
    pub published_at: DateTime<Utc>,
}

/// A story an entity is part of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityStory {
    pub id: i64,
    pub headline: String,
    pub articles: i64,
    pub outlets: i64,
    pub updated_at: DateTime<Utc>,
}

impl Store {
    /// The entity under `slug`, or where it went.
    pub fn entity_by_slug(&self, slug: &str) -> Result<EntityLookup, StoreError> {
        self.read(|c| {
            let row = c.query_opt(
                "SELECT e.id, e.merged_into, t.slug FROM entities e
                 LEFT JOIN entities t ON t.id = e.merged_into WHERE e.slug = ?",
                params![slug],
            )?;
            if let Some(r) = row {
                return match r.opt_text(2)? {
                    Some(target) => Ok(EntityLookup::MovedTo(target)),
                    None => Ok(EntityLookup::Found(load_entity(c, r.i64(0)?)?)),
                };
            }
            let redirect = c.query_opt(
                "SELECT e.slug FROM entity_redirects r JOIN entities e ON e.id = r.entity_id
                 WHERE r.slug = ?",
                params![slug],
            )?;
            Ok(match redirect {
                Some(r) => EntityLookup::MovedTo(r.text(0)?),
                None => EntityLookup::Missing,
            })
        })
    }

    /// Entities, most mentioned first; of one kind when given; matching `search` in name or
    /// alias when given.
    pub fn entities(
        &self,
        kind: Option<EntityKind>,
        search: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Entity>, StoreError> {
        let mut filter = String::from("e.merged_into IS NULL");
        let mut args: Vec<Value> = Vec::new();
        if let Some(kind) = kind {
            filter.push_str(" AND e.kind = ?");
            args.push(kind.as_str().into());
        }
        if let Some(search) = search {
            let pattern = format!("%{}%", search.to_lowercase());
            filter.push_str(
                " AND (LOWER(e.name) LIKE ? OR e.id IN
                   (SELECT entity_id FROM entity_aliases WHERE LOWER(alias) LIKE ?))",
            );
            args.push(pattern.clone().into());
            args.push(pattern.into());
        }
        let sql = format!(
            "SELECT e.id FROM entities e LEFT JOIN article_entities ae ON ae.entity_id = e.id
             WHERE {filter} GROUP BY e.id, e.name ORDER BY COUNT(ae.article_id) DESC, e.name LIMIT {limit}"
        );
        self.read(|c| {
            let ids = c.query(&sql, &args)?;
            ids.iter().map(|r| load_entity(c, r.i64(0)?)).collect()
        })
    }

    /// Mentions of an entity in each of the `weeks` weeks up to and including `last`, oldest
    /// first.
    pub fn entity_weekly_mentions(
        &self,
        entity_id: i64,
        last: IsoWeek,
        weeks: usize,
    ) -> Result<Vec<(IsoWeek, i64)>, StoreError> {
        let mut span = vec![last];
        while span.len() < weeks {
            let earliest = span[span.len() - 1].previous();
            span.push(earliest);
        }
        span.reverse();
        let rows = self.read(|c| {
            c.query(
                "SELECT a.week_key, CAST(SUM(ae.mentions) AS BIGINT) FROM article_entities ae
                 JOIN articles a ON a.id = ae.article_id
                 WHERE ae.entity_id = ? AND a.week_key BETWEEN ? AND ?
                 GROUP BY a.week_key",
                params![entity_id, span[0].key(), last.key()],
            )?
            .iter()
            .map(|r| Ok((r.i64(0)?, r.i64(1)?)))
            .collect::<Result<Vec<_>, StoreError>>()
        })?;
        Ok(span
            .into_iter()
            .map(|w| {
                let n = rows.iter().find(|(k, _)| *k == w.key()).map_or(0, |r| r.1);
                (w, n)
            })
            .collect())
    }

    /// The newest quotes attributed to an entity, each wording once (not from outlets we may
    /// only link to).
    pub fn entity_quotes(
        &self,
        entity_id: i64,
        limit: usize,
    ) -> Result<Vec<EntityQuote>, StoreError> {
        self.read(|c| {
            c.query(
                &format!(
                    "SELECT q.text, q.verb, a.id, a.title, o.name, a.published_at FROM quotes q
                     JOIN articles a ON a.id = q.article_id JOIN outlets o ON o.id = a.outlet_id
                     WHERE q.speaker_entity_id = ? AND o.policy <> 'link'
                     ORDER BY a.published_at DESC, q.article_id DESC, q.position LIMIT {}",
                    limit * 4
                ),
                params![entity_id],
            )?
            .iter()
            .map(|r| {
                Ok(EntityQuote {
                    text: r.text(0)?,
                    verb: r.opt_text(1)?,
                    article_id: r.i64(2)?,
                    article_title: r.text(3)?,
                    outlet_name: r.text(4)?,
                    published_at: Utc
                        .timestamp_opt(r.i64(5)?, 0)
                        .single()
                        .ok_or_else(|| StoreError::Decode("quote article time".into()))?,
                })
            })
            .collect::<Result<Vec<EntityQuote>, StoreError>>()
        })
        .map(|mut quotes| {
            // Republished copies repeat the same words; one of them is enough.
            let mut seen = std::collections::HashSet::new();
            quotes.retain(|q| seen.insert(q.text.to_lowercase()));
            quotes.truncate(limit);
            quotes
        })
    }

    /// The stories an entity is part of, most recently updated first.
    pub fn entity_stories(
        &self,
        entity_id: i64,
        limit: usize,
    ) -> Result<Vec<EntityStory>, StoreError> {
        self.read(|c| {
            c.query(
                &format!(
                    "SELECT s.id, s.headline, s.article_count, s.outlet_count, s.last_updated_at
                     FROM stories s
                     WHERE s.id IN (SELECT a.story_id FROM article_entities ae
                                    JOIN articles a ON a.id = ae.article_id WHERE ae.entity_id = ?)
                     ORDER BY s.last_updated_at DESC, s.id DESC LIMIT {limit}"
                ),
                params![entity_id],
            )?
            .iter()
            .map(|r| {
                Ok(EntityStory {
                    id: r.i64(0)?,
                    headline: r.text(1)?,
                    articles: r.i64(2)?,
                    outlets: r.i64(3)?,
                    updated_at: Utc
                        .timestamp_opt(r.i64(4)?, 0)
                        .single()
                        .ok_or_else(|| StoreError::Decode("story time".into()))?,
                })
            })
            .collect()
        })
    }

    /// Merges the entity `from` into `into` (slugs): its article links, quotes, name and aliases
    /// move over; `from`'s page redirects to `into`'s. Returns the surviving entity.
    pub fn merge_entities(&self, from: &str, into: &str) -> Result<Entity, StoreError> {
        if slugify(from) == slugify(into) {
            return Err(StoreError::Invalid(
                "cannot merge an entity into itself".into(),
            ));
        }
        self.write(|tx| {
            let source = live_entity_id(tx, from)?;
            let target = live_entity_id(tx, into)?;
            if source == target {
                return Err(StoreError::Invalid(format!(
                    "{from} is already merged into {into}"
                )));
            }
            // Mentions add up where both were linked to one article.
            tx.execute(
                "UPDATE article_entities SET mentions = mentions +
                   (SELECT s.mentions FROM article_entities s
                    WHERE s.entity_id = ? AND s.article_id = article_entities.article_id)
                 WHERE entity_id = ? AND article_id IN
                   (SELECT article_id FROM article_entities WHERE entity_id = ?)",
                params![source, target, source],
            )?;
            tx.execute(
                "DELETE FROM article_entities WHERE entity_id = ? AND article_id IN
                   (SELECT article_id FROM article_entities WHERE entity_id = ?)",
                params![source, target],
            )?;
            tx.execute(
                "UPDATE article_entities SET entity_id = ? WHERE entity_id = ?",
                params![target, source],
            )?;
            tx.execute(
                "UPDATE quotes SET speaker_entity_id = ? WHERE speaker_entity_id = ?",
                params![target, source],
            )?;
            let name = tx
                .query_one("SELECT name FROM entities WHERE id = ?", params![source])?
                .text(0)?;
            add_alias(tx, target, &name)?;
            tx.execute(
                "INSERT INTO entity_aliases (entity_id, alias)
                 SELECT ?, alias FROM entity_aliases WHERE entity_id = ?
                 ON CONFLICT DO NOTHING",
                params![target, source],
            )?;
            tx.execute(
                "UPDATE entities SET merged_into = ? WHERE id = ? OR merged_into = ?",
                params![target, source, source],
            )?;
            tx.execute(
                "UPDATE entity_redirects SET entity_id = ? WHERE entity_id = ?",
                params![target, source],
            )?;
            tx.execute(
                "UPDATE entities SET
                   person_votes = person_votes + (SELECT person_votes FROM entities WHERE id = ?),
                   organization_votes = organization_votes + (SELECT organization_votes FROM entities WHERE id = ?),
                   place_votes = place_votes + (SELECT place_votes FROM entities WHERE id = ?)
                 WHERE id = ?",
                params![source, source, source, target],
            )?;
            refresh_entity_kind(tx, target)?;
            load_entity(tx, target)
        })
    }

    /// Renames an entity; its old name becomes an alias and its old slug redirects.
    pub fn rename_entity(&self, slug: &str, name: &str) -> Result<Entity, StoreError> {
        let name = name.trim();
        let new_slug = slugify(name);
        if new_slug.is_empty() {
            return Err(StoreError::Invalid(format!("{name:?} makes no slug")));
        }
        self.write(|tx| {
            let id = live_entity_id(tx, slug)?;
            let old = tx.query_one("SELECT name, slug FROM entities WHERE id = ?", params![id])?;
            let (old_name, old_slug) = (old.text(0)?, old.text(1)?);
            if new_slug != old_slug {
                if tx
                    .query_opt("SELECT id FROM entities WHERE slug = ?", params![&new_slug])?
                    .is_some()
                {
                    return Err(StoreError::Conflict(format!(
                        "an entity already lives at /entities/{new_slug}; merge instead"
                    )));
                }
                tx.execute(
                    "DELETE FROM entity_redirects WHERE slug = ?",
                    params![&new_slug],
                )?;
                tx.execute(
                    "INSERT INTO entity_redirects (slug, entity_id) VALUES (?, ?)",
                    params![old_slug, id],
                )?;
            }
            tx.execute(
                "UPDATE entities SET name = ?, slug = ? WHERE id = ?",
                params![name, new_slug, id],
            )?;
            if old_name != name {
                add_alias(tx, id, &old_name)?;
            }
            tx.execute(
                "DELETE FROM entity_aliases WHERE entity_id = ? AND alias = ?",
                params![id, name],
            )?;
            load_entity(tx, id)
        })
    }
}

/// Links one article mention to its canonical entity: the entity with this name's slug; for
/// a short form ("Waltz"), the one entity of that kind that has it as an alias; else a new
/// one. Records the mention's aliases on the entity.
pub(crate) fn ensure_entity(tx: &mut dyn Exec, e: &EntityMention) -> Result<i64, StoreError> {
    let slug = slugify(&e.name);
    let id = match tx.query_opt(
        "SELECT COALESCE(merged_into, id) FROM entities WHERE slug = ?",
        params![&slug],
    )? {
        Some(row) => row.i64(0)?,
        None => match unique_alias_owner(tx, e)? {
            Some(id) => id,
            None => {
                tx.query_one(
                    "INSERT INTO entities (name, kind, slug, created_at) VALUES (?, ?, ?, ?) RETURNING id",
                    params![&e.name, e.kind.as_str(), slug, now()],
                )?
                .i64(0)?
            }
        },
    };
    for alias in &e.aliases {
        add_alias(tx, id, alias)?;
    }
    Ok(id)
}

/// Counts `mentions` (negative to take them back) of an entity recognised as `kind`, and sets
/// its kind to the one most of its mentions have (on a tie the current kind stays): one
/// article's mistake does not decide for all.
pub(crate) fn vote_entity_kind(
    tx: &mut dyn Exec,
    entity_id: i64,
    kind: EntityKind,
    mentions: i64,
) -> Result<(), StoreError> {
    let column = votes_column(kind);
    tx.execute(
        &format!("UPDATE entities SET {column} = {column} + ? WHERE id = ?"),
        params![mentions, entity_id],
    )?;
    refresh_entity_kind(tx, entity_id)
}

fn votes_column(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "person_votes",
        EntityKind::Organization => "organization_votes",
        EntityKind::Place => "place_votes",
    }
}

fn refresh_entity_kind(tx: &mut dyn Exec, entity_id: i64) -> Result<(), StoreError> {
    let r = tx.query_one(
        "SELECT kind, person_votes, organization_votes, place_votes FROM entities WHERE id = ?",
        params![entity_id],
    )?;
    let current = r.text(0)?;
    let votes = [
        (EntityKind::Person, r.i64(1)?),
        (EntityKind::Organization, r.i64(2)?),
        (EntityKind::Place, r.i64(3)?),
    ];
    let most = votes.iter().map(|v| v.1).max().unwrap_or(0);
    let current_votes = votes
        .iter()
        .find(|v| v.0.as_str() == current)
        .map_or(0, |v| v.1);
    if most > current_votes
        && let Some((kind, _)) = votes.iter().find(|v| v.1 == most)
    {
        tx.execute(
            "UPDATE entities SET kind = ? WHERE id = ?",
            params![kind.as_str(), entity_id],
        )?;
    }
    Ok(())
}

/// Short forms are ambiguous across articles ("Johnson"); only an alias that exactly one
/// entity of the kind carries is trusted.
fn unique_alias_owner(tx: &mut dyn Exec, e: &EntityMention) -> Result<Option<i64>, StoreError> {
    if e.name.split_whitespace().count() > 1 {
        return Ok(None);
    }
    let owners = tx.query(
        "SELECT DISTINCT COALESCE(e.merged_into, e.id) FROM entity_aliases a
         JOIN entities e ON e.id = a.entity_id WHERE a.alias = ? AND e.kind = ? LIMIT 2",
        params![&e.name, e.kind.as_str()],
    )?;
    match owners.as_slice() {
        [only] => Ok(Some(only.i64(0)?)),
        _ => Ok(None),
    }
}

fn add_alias(tx: &mut dyn Exec, id: i64, alias: &str) -> Result<(), StoreError> {
    let alias = alias.trim();
    if alias.is_empty() || alias.len() > 200 {
        return Ok(());
    }
    tx.execute(
        "INSERT INTO entity_aliases (entity_id, alias) SELECT ?, ?
         WHERE NOT EXISTS (SELECT 1 FROM entities WHERE id = ? AND name = ?)
         ON CONFLICT DO NOTHING",
        params![id, alias, id, alias],
    )?;
    Ok(())
}

fn live_entity_id(tx: &mut dyn Exec, slug: &str) -> Result<i64, StoreError> {
    tx.query_opt(
        "SELECT COALESCE(merged_into, id) FROM entities WHERE slug = ?",
        params![slug],
    )?
    .map(|r| r.i64(0))
    .transpose()?
    .ok_or_else(|| StoreError::NotFound(format!("entity {slug:?}")))
}

fn load_entity(c: &mut dyn Exec, id: i64) -> Result<Entity, StoreError> {
    let r = c.query_one(
        "SELECT e.name, e.kind, e.slug,
                (SELECT COUNT(*) FROM article_entities WHERE entity_id = e.id)
         FROM entities e WHERE e.id = ?",
        params![id],
    )?;
    let kind = r.text(1)?;
    let aliases = c
        .query(
            "SELECT alias FROM entity_aliases WHERE entity_id = ? ORDER BY alias",
            params![id],
        )?
        .iter()
        .map(|a| a.text(0))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Entity {
        id,
        name: r.text(0)?,
        kind: EntityKind::parse(&kind)
            .ok_or_else(|| StoreError::Decode(format!("entity kind {kind:?}")))?,
        slug: r.text(2)?,
        aliases,
        articles: r.i64(3)?,
    })
}
