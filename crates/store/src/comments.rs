//! Comments on articles and stories: writing, replies one level deep, edits and deletion by the author
//! within a window, reports by readers, and moderation with its log. Bodies arrive already
//! rendered and sanitized by the web stage; the store keeps the source and the HTML.

use crate::accounts::Role;
use crate::sql::{Exec, Row};
use crate::{Store, StoreError, now, params};
use serde::Serialize;

/// What a comment is about: an article, or a whole story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "id")]
pub enum CommentTarget {
    Article(i64),
    Story(i64),
}

impl CommentTarget {
    /// The site page the comment appears on.
    pub fn path(self) -> String {
        match self {
            CommentTarget::Article(id) => format!("/articles/{id}"),
            CommentTarget::Story(id) => format!("/stories/{id}"),
        }
    }

    /// The column that holds the target, and its id.
    fn column(self) -> (&'static str, i64) {
        match self {
            CommentTarget::Article(id) => ("article_id", id),
            CommentTarget::Story(id) => ("story_id", id),
        }
    }
}

/// A comment as pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub id: i64,
    pub target: CommentTarget,
    pub user_id: i64,
    pub author: String,
    pub parent_id: Option<i64>,
    pub body_md: String,
    pub body_html: String,
    pub status: String,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub reports: i64,
}

/// A comment to store.
#[derive(Debug, Clone)]
pub struct NewComment<'a> {
    pub target: CommentTarget,
    pub user_id: i64,
    pub parent_id: Option<i64>,
    pub body_md: &'a str,
    pub body_html: &'a str,
    pub ip_hash: &'a str,
}

/// What a moderator does to a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderation {
    Hide,
    Restore,
    Delete,
}

impl Moderation {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "hide" => Some(Moderation::Hide),
            "restore" => Some(Moderation::Restore),
            "delete" => Some(Moderation::Delete),
            _ => None,
        }
    }

    fn status(self) -> &'static str {
        match self {
            Moderation::Hide => "hidden",
            Moderation::Restore => "visible",
            Moderation::Delete => "deleted",
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Moderation::Hide => "hide",
            Moderation::Restore => "restore",
            Moderation::Delete => "delete",
        }
    }
}

/// One entry of the moderation log.
#[derive(Debug, Clone, Serialize)]
pub struct ModerationEntry {
    pub comment_id: Option<i64>,
    pub moderator: Option<String>,
    pub action: String,
    pub note: Option<String>,
    pub created_at: i64,
}

const COMMENT_COLUMNS: &str = "c.id, c.article_id, c.user_id, u.display_name, c.parent_id, \
     c.body_md, c.body_html, c.status, c.created_at, c.edited_at, \
     (SELECT COUNT(*) FROM comment_reports r WHERE r.comment_id = c.id), c.story_id";

fn comment_from(r: &Row) -> Result<Comment, StoreError> {
    Ok(Comment {
        id: r.i64(0)?,
        target: match (r.opt_i64(1)?, r.opt_i64(11)?) {
            (Some(article), _) => CommentTarget::Article(article),
            (None, Some(story)) => CommentTarget::Story(story),
            (None, None) => return Err(StoreError::Decode("a comment without a target".into())),
        },
        user_id: r.i64(2)?,
        author: r.text(3)?,
        parent_id: r.opt_i64(4)?,
        body_md: r.text(5)?,
        body_html: r.text(6)?,
        status: r.text(7)?,
        created_at: r.i64(8)?,
        edited_at: r.opt_i64(9)?,
        reports: r.i64(10)?,
    })
}

fn load(tx: &mut dyn Exec, id: i64) -> Result<Comment, StoreError> {
    tx.query_opt(
        &format!("SELECT {COMMENT_COLUMNS} FROM comments c JOIN users u ON u.id = c.user_id WHERE c.id = ?"),
        params![id],
    )?
    .map(|r| comment_from(&r))
    .transpose()?
    .ok_or_else(|| StoreError::NotFound(format!("comment {id}")))
}

impl Store {
    /// Stores a comment. A reply answers a top-level comment of the same article or story
    /// (replies go one level deep).
    pub fn add_comment(&self, c: &NewComment<'_>) -> Result<Comment, StoreError> {
        let (column, target_id) = c.target.column();
        let table = match c.target {
            CommentTarget::Article(_) => "articles",
            CommentTarget::Story(_) => "stories",
        };
        self.write(|tx| {
            if tx
                .query_opt(&format!("SELECT id FROM {table} WHERE id = ?"), params![target_id])?
                .is_none()
            {
                return Err(StoreError::NotFound(format!("{} {target_id}", &table[..table.len() - 1])));
            }
            if let Some(parent) = c.parent_id {
                let p = tx
                    .query_opt(
                        &format!("SELECT {column}, parent_id, status FROM comments WHERE id = ?"),
                        params![parent],
                    )?
                    .ok_or_else(|| StoreError::NotFound(format!("comment {parent}")))?;
                if p.opt_i64(0)? != Some(target_id) || p.opt_i64(1)?.is_some() {
                    return Err(StoreError::Invalid(
                        "replies answer a top-level comment of the same page".into(),
                    ));
                }
                if p.text(2)? != "visible" {
                    return Err(StoreError::Invalid(
                        "that comment can no longer be answered".into(),
                    ));
                }
            }
            let id = tx
                .query_one(
                    &format!(
                        "INSERT INTO comments ({column}, user_id, parent_id, body_md, body_html, created_at, ip_hash)
                         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"
                    ),
                    params![
                        target_id,
                        c.user_id,
                        c.parent_id,
                        c.body_md,
                        c.body_html,
                        now(),
                        c.ip_hash
                    ],
                )?
                .i64(0)?;
            load(tx, id)
        })
    }

    /// Comments by this user, or from this address, since `since` (Unix seconds): for rate
    /// limits that hold across nodes.
    pub fn recent_comments(
        &self,
        user_id: i64,
        ip_hash: &str,
        since: i64,
    ) -> Result<(i64, i64), StoreError> {
        self.read(|c| {
            let r = c.query_one(
                "SELECT (SELECT COUNT(*) FROM comments WHERE user_id = ? AND created_at >= ?),
                        (SELECT COUNT(*) FROM comments WHERE ip_hash = ? AND created_at >= ?)",
                params![user_id, since, ip_hash, since],
            )?;
            Ok((r.i64(0)?, r.i64(1)?))
        })
    }

    /// The comments on an article or story, oldest first; hidden and deleted ones only for
    /// moderators.
    pub fn comments_on(
        &self,
        target: CommentTarget,
        moderator: bool,
    ) -> Result<Vec<Comment>, StoreError> {
        let (column, id) = target.column();
        let filter = if moderator {
            ""
        } else {
            " AND c.status = 'visible'"
        };
        self.read(|c| {
            c.query(
                &format!(
                    "SELECT {COMMENT_COLUMNS} FROM comments c JOIN users u ON u.id = c.user_id
                     WHERE c.{column} = ?{filter} ORDER BY c.created_at, c.id"
                ),
                params![id],
            )?
            .iter()
            .map(comment_from)
            .collect()
        })
    }

    pub fn comment(&self, id: i64) -> Result<Comment, StoreError> {
        self.read(|c| load(c, id))
    }

    /// The author edits a visible comment within `window_secs` of writing it.
    pub fn edit_comment(
        &self,
        id: i64,
        user_id: i64,
        body_md: &str,
        body_html: &str,
        window_secs: i64,
    ) -> Result<Comment, StoreError> {
        self.write(|tx| {
            let c = load(tx, id)?;
            own_and_recent(&c, user_id, window_secs)?;
            tx.execute(
                "UPDATE comments SET body_md = ?, body_html = ?, edited_at = ? WHERE id = ?",
                params![body_md, body_html, now(), id],
            )?;
            load(tx, id)
        })
    }

    /// The author deletes their comment within `window_secs` of writing it.
    pub fn delete_own_comment(
        &self,
        id: i64,
        user_id: i64,
        window_secs: i64,
    ) -> Result<Comment, StoreError> {
        self.write(|tx| {
            let c = load(tx, id)?;
            own_and_recent(&c, user_id, window_secs)?;
            tx.execute(
                "UPDATE comments SET status = 'deleted' WHERE id = ?",
                params![id],
            )?;
            load(tx, id)
        })
    }

    /// A reader reports a comment (once per reader; reporting again changes nothing).
    pub fn report_comment(&self, id: i64, user_id: i64, reason: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            load(tx, id)?;
            tx.execute(
                "INSERT INTO comment_reports (comment_id, user_id, reason, created_at)
                 VALUES (?, ?, ?, ?) ON CONFLICT (comment_id, user_id) DO NOTHING",
                params![id, user_id, reason, now()],
            )?;
            Ok(())
        })
    }

    /// A moderator hides, restores or deletes a comment; logged with a note.
    pub fn moderate_comment(
        &self,
        id: i64,
        moderator_id: i64,
        role: Role,
        action: Moderation,
        note: Option<&str>,
    ) -> Result<Comment, StoreError> {
        if !role.can_moderate() {
            return Err(StoreError::Forbidden(
                "only moderators moderate comments".into(),
            ));
        }
        self.write(|tx| {
            load(tx, id)?;
            tx.execute(
                "UPDATE comments SET status = ? WHERE id = ?",
                params![action.status(), id],
            )?;
            if action == Moderation::Restore {
                tx.execute(
                    "DELETE FROM comment_reports WHERE comment_id = ?",
                    params![id],
                )?;
            }
            tx.execute(
                "INSERT INTO moderation_log (comment_id, moderator_id, action, note, created_at)
                 VALUES (?, ?, ?, ?, ?)",
                params![id, moderator_id, action.as_str(), note, now()],
            )?;
            load(tx, id)
        })
    }

    /// Visible comments with reports, most reported first: the moderation queue.
    pub fn reported_comments(&self, limit: usize) -> Result<Vec<Comment>, StoreError> {
        self.read(|c| {
            c.query(
                &format!(
                    "SELECT {COMMENT_COLUMNS} FROM comments c JOIN users u ON u.id = c.user_id
                     WHERE c.status = 'visible'
                       AND EXISTS (SELECT 1 FROM comment_reports r WHERE r.comment_id = c.id)
                     ORDER BY 11 DESC, c.id LIMIT ?"
                ),
                params![limit as i64],
            )?
            .iter()
            .map(comment_from)
            .collect()
        })
    }

    /// Visible reported comments after id `after` (a cursor), oldest first: the moderation
    /// queue a page at a time.
    pub fn reported_comments_after(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<Comment>, StoreError> {
        self.read(|c| {
            c.query(
                &format!(
                    "SELECT {COMMENT_COLUMNS} FROM comments c JOIN users u ON u.id = c.user_id
                     WHERE c.status = 'visible' AND c.id > ?
                       AND EXISTS (SELECT 1 FROM comment_reports r WHERE r.comment_id = c.id)
                     ORDER BY c.id LIMIT ?"
                ),
                params![after, limit as i64],
            )?
            .iter()
            .map(comment_from)
            .collect()
        })
    }

    pub fn moderation_log(&self, limit: usize) -> Result<Vec<ModerationEntry>, StoreError> {
        self.read(|c| {
            c.query(
                "SELECT l.comment_id, u.display_name, l.action, l.note, l.created_at
                 FROM moderation_log l LEFT JOIN users u ON u.id = l.moderator_id
                 ORDER BY l.created_at DESC, l.id DESC LIMIT ?",
                params![limit as i64],
            )?
            .iter()
            .map(|r| {
                Ok(ModerationEntry {
                    comment_id: r.opt_i64(0)?,
                    moderator: r.opt_text(1)?,
                    action: r.text(2)?,
                    note: r.opt_text(3)?,
                    created_at: r.i64(4)?,
                })
            })
            .collect()
        })
    }
}

fn own_and_recent(c: &Comment, user_id: i64, window_secs: i64) -> Result<(), StoreError> {
    if c.user_id != user_id {
        return Err(StoreError::Forbidden(
            "only the author can change a comment".into(),
        ));
    }
    if c.status != "visible" {
        return Err(StoreError::Invalid(
            "this comment is no longer shown".into(),
        ));
    }
    if now() - c.created_at > window_secs {
        return Err(StoreError::Forbidden(
            "comments can be changed only shortly after writing them".into(),
        ));
    }
    Ok(())
}
