//! The weekly digest: a week's top stories with their coverage, its most-quoted people, rising
//! entities and a chart of the week, as HTML (e-mail-safe, inline styles), plain text or
//! Markdown.

use crate::chart::{svg_bars, text_bars};
use crate::format;
use crate::ranking::week_ranking;
use askama::Template;
use chrono::NaiveDate;
use tidings_model::IsoWeek;
use tidings_store::{EntityTrend, SpeakerCount, Store, StoreError};

const DIGEST_STORIES: usize = 10;
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestFormat {
    Html,
    Text,
    Markdown,
}

impl std::str::FromStr for DigestFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "html" => Ok(Self::Html),
            "text" | "txt" => Ok(Self::Text),
            "markdown" | "md" => Ok(Self::Markdown),
            other => Err(format!(
                "unknown digest format {other:?} (html, text or markdown)"
            )),
        }
    }
}

pub struct DigestStory {
    pub rank: usize,
    pub title: String,
    pub url: String,
    pub outlet: String,
    pub summary: String,
    pub coverage: String,
}

pub struct Digest {
    pub site_name: String,
    pub week: IsoWeek,
    pub heading: String,
    pub range: String,
    pub stories: Vec<DigestStory>,
    pub speakers: Vec<SpeakerCount>,
    pub rising: Vec<EntityTrend>,
    pub daily: [i64; 7],
}

/// Gathers the digest of `week` from the store.
pub fn build(
    store: &Store,
    week: IsoWeek,
    today: NaiveDate,
    site_name: &str,
    public_url: &str,
) -> Result<Digest, StoreError> {
    let site = public_url.trim_end_matches('/');
    let stories = week_ranking(store, week, today, DIGEST_STORIES)?
        .iter()
        .map(|s| {
            let republished = s.articles.iter().filter(|a| a.is_republication).count();
            let coverage = match (s.outlet_count, republished) {
                (1, _) => "1 outlet".to_owned(),
                (n, 0) => format!("{n} outlets"),
                (n, r) => format!("{n} outlets, {r} republished"),
            };
            DigestStory {
                rank: s.rank,
                title: s.lead.title.clone(),
                url: format!("{site}/articles/{}", s.lead.id),
                outlet: s.lead.outlet_name.clone(),
                summary: s
                    .lead
                    .summary
                    .as_deref()
                    .map(|t| format::clip(t, 40))
                    .unwrap_or_default(),
                coverage,
            }
        })
        .collect();
    Ok(Digest {
        site_name: site_name.to_owned(),
        week,
        heading: format!("Top stories, week {} of {}", week.week(), week.year()),
        range: format::week_range(week),
        stories,
        speakers: store.week_speakers(week, 5)?,
        rising: store.week_entities(week, 5)?,
        daily: store.week_daily_counts(week)?,
    })
}

#[derive(Template)]
#[template(path = "digest/digest.html")]
struct HtmlDigest<'a> {
    d: &'a Digest,
    chart: String,
}

#[derive(Template)]
#[template(path = "digest/digest.txt")]
struct TextDigest<'a> {
    d: &'a Digest,
    chart: String,
}

#[derive(Template)]
#[template(path = "digest/digest.md")]
struct MarkdownDigest<'a> {
    d: &'a Digest,
    chart: String,
}

impl Digest {
    pub fn render(&self, format: DigestFormat) -> Result<String, askama::Error> {
        match format {
            DigestFormat::Html => HtmlDigest {
                d: self,
                chart: svg_bars("Articles published each day", &DAYS, &self.daily),
            }
            .render(),
            DigestFormat::Text => TextDigest {
                d: self,
                chart: text_bars(&DAYS, &self.daily, 30),
            }
            .render(),
            DigestFormat::Markdown => MarkdownDigest {
                d: self,
                chart: text_bars(&DAYS, &self.daily, 30),
            }
            .render(),
        }
    }
}

/// Template filters of the digest.
mod filters {
    /// Escapes what Markdown would read as markup, so a headline like `*Breaking*` stays text.
    pub fn md<T: std::fmt::Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        let mut out = String::new();
        for c in s.to_string().chars() {
            if "\\`*_[]<>#".contains(c) {
                out.push('\\');
            }
            out.push(c);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escaping() {
        assert_eq!(
            filters::md("*a* [b](c) 1.2", askama::NO_VALUES).unwrap(),
            "\\*a\\* \\[b\\](c) 1.2"
        );
    }
}

/// What sending a week's digest did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SendReport {
    /// False when another run (or node) already sent this week.
    pub claimed: bool,
    pub sent: usize,
    pub failed: usize,
}

/// Sends `week`'s digest to every confirmed subscriber, once per week across all nodes
/// (`force` sends again). Each message carries its own unsubscribe link.
pub fn send_week(
    store: &Store,
    mail: &crate::mail::MailConfig,
    week: IsoWeek,
    today: NaiveDate,
    site_name: &str,
    public_url: &str,
    force: bool,
) -> Result<SendReport, Box<dyn std::error::Error + Send + Sync>> {
    if !mail.is_enabled() {
        return Err(Box::new(crate::mail::MailError::Disabled));
    }
    let claimed = store.claim_digest_send(week)?;
    if !claimed && !force {
        return Ok(SendReport::default());
    }
    let digest = build(store, week, today, site_name, public_url)?;
    let html = digest.render(DigestFormat::Html)?;
    let text = digest.render(DigestFormat::Text)?;
    let subject = format!("{site_name}: {}", digest.heading);
    let base = public_url.trim_end_matches('/');
    let mut report = SendReport {
        claimed,
        ..SendReport::default()
    };
    for s in store.digest_subscribers()? {
        let unsubscribe = format!("{base}/digest/unsubscribe?token={}", s.token);
        let footer = format!("\n\nUnsubscribe: {unsubscribe}\n");
        let sent = mail.send(&crate::mail::Outgoing {
            to: &s.email,
            subject: &subject,
            text: format!("{text}{footer}"),
            html: Some(html.replace(
                "</body>",
                &format!("<p style=\"font:13px system-ui,sans-serif;color:#5b5953;max-width:640px;margin:24px auto\"><a href=\"{unsubscribe}\">Unsubscribe</a></p></body>"),
            )),
            unsubscribe: Some(unsubscribe),
        });
        match sent {
            Ok(()) => report.sent += 1,
            Err(e) => {
                report.failed += 1;
                tracing::warn!(error = %e, "digest not delivered to one subscriber");
            }
        }
    }
    store.record_digest_recipients(week, report.sent as i64)?;
    Ok(report)
}
