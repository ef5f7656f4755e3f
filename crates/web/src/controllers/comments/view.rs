//! How an article's comments are laid out for a reader: threads one level deep, and which
//! actions the reader has on each.

use super::EDIT_WINDOW_SECS;
use crate::format;
use tidings_store::{Comment, CommentTarget, User};

pub struct CommentView {
    pub id: i64,
    pub author: String,
    pub date: String,
    pub body_md: String,
    pub body_html: String,
    pub edited: bool,
    /// "hidden" or "deleted", shown to moderators only (others never get such comments).
    pub status_note: Option<String>,
    pub editable: bool,
    pub replies: Vec<CommentView>,
}

/// Everything the comment section of an article page needs.
pub struct Discussion {
    pub heading: String,
    /// The page the comments belong to ("/articles/7", "/stories/3"); forms post below it.
    pub path: String,
    pub signed_in_as: Option<String>,
    pub can_moderate: bool,
    pub csrf: String,
    pub comments: Vec<CommentView>,
}

impl Discussion {
    pub fn new(
        target: CommentTarget,
        comments: Vec<Comment>,
        viewer: Option<&User>,
        csrf: String,
    ) -> Self {
        let now = chrono::Utc::now().timestamp();
        let visible = comments.iter().filter(|c| c.status == "visible").count() as i64;
        let view = |c: &Comment| CommentView {
            id: c.id,
            author: c.author.clone(),
            date: chrono::DateTime::from_timestamp(c.created_at, 0)
                .map_or_else(String::new, format::date_of),
            body_md: c.body_md.clone(),
            body_html: if c.status == "deleted" {
                "<p><em>(deleted)</em></p>".into()
            } else {
                c.body_html.clone()
            },
            edited: c.edited_at.is_some(),
            status_note: (c.status != "visible").then(|| c.status.clone()),
            editable: viewer.is_some_and(|v| v.id == c.user_id)
                && c.status == "visible"
                && now - c.created_at <= EDIT_WINDOW_SECS,
            replies: Vec::new(),
        };
        let mut top: Vec<CommentView> = comments
            .iter()
            .filter(|c| c.parent_id.is_none())
            .map(view)
            .collect();
        for reply in comments.iter().filter(|c| c.parent_id.is_some()) {
            if let Some(parent) = top.iter_mut().find(|t| Some(t.id) == reply.parent_id) {
                parent.replies.push(view(reply));
            }
        }
        Discussion {
            heading: format::count(visible, "comment", "comments"),
            path: target.path(),
            signed_in_as: viewer.map(|v| v.display_name.clone()),
            can_moderate: viewer.is_some_and(|v| v.role.can_moderate()),
            csrf,
            comments: top,
        }
    }
}
