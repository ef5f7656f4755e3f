//! Ranking stage: orders a week's stories into its top stories. Pure — the store supplies the
//! week's article cards, this crate scores them.
//!
//! The score (documented for readers at `/about/ranking`):
//! - **breadth**: 1 for every distinct outlet reporting the story itself, 0.4 for an outlet that
//!   only republished someone else's report;
//! - **engagement**: with `x = log10(1 + views + 10 × comments)` per article, the story's
//!   *median* `x` plus a quarter of its best article's, so one inflated view counter cannot carry
//!   a story; then saturated as `2 × (1 − e^(−x/4))`, so interest is worth at most two outlets
//!   of coverage;
//! - **freshness**: up to 0.5 for stories still being reported at the end of the week.
//!
//! Ties go to the story first seen earlier, then the lower id, so the order is stable.

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use tidings_model::{ArticleCard, IsoWeek};

/// Weight of an outlet that only republished the story.
pub const REPUBLICATION_WEIGHT: f64 = 0.4;
/// Comments say more about interest than views.
pub const COMMENT_WEIGHT: f64 = 10.0;
pub const FRESHNESS_MAX: f64 = 0.5;
/// The most engagement can add: as much as two outlets of coverage.
pub const ENGAGEMENT_MAX: f64 = 2.0;

/// The parts a story's score is made of, so the ranking can be explained.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ScoreParts {
    pub breadth: f64,
    pub engagement: f64,
    pub freshness: f64,
}

impl ScoreParts {
    pub fn total(&self) -> f64 {
        self.breadth + self.engagement + self.freshness
    }
}

/// One entry of a week's top stories.
#[derive(Debug, Clone, Serialize)]
pub struct RankedStory {
    pub rank: usize,
    pub story_id: i64,
    pub score: f64,
    pub parts: ScoreParts,
    /// The article that represents the story: the earliest original report.
    pub lead: ArticleCard,
    /// Every article of the story this week, earliest first.
    pub articles: Vec<ArticleCard>,
    pub outlet_count: usize,
    pub views: i64,
    pub comments: i64,
}

/// Ranks the stories of `week` from its article cards; `limit` cuts the list.
pub fn rank_week(week: IsoWeek, cards: &[ArticleCard], limit: usize) -> Vec<RankedStory> {
    let (start, end) = week.bounds();
    let mut stories: BTreeMap<i64, Vec<ArticleCard>> = BTreeMap::new();
    for c in cards {
        stories.entry(c.story_id).or_default().push(c.clone());
    }
    let mut ranked: Vec<RankedStory> = stories
        .into_iter()
        .map(|(story_id, mut articles)| {
            articles.sort_by_key(|a| (a.published_at, a.id));
            let parts = ScoreParts {
                breadth: breadth(&articles),
                engagement: engagement(&articles),
                freshness: freshness(&articles, start, end),
            };
            let lead = articles
                .iter()
                .find(|a| !a.is_republication)
                .unwrap_or(&articles[0])
                .clone();
            RankedStory {
                rank: 0,
                story_id,
                score: round3(parts.total()),
                parts,
                outlet_count: distinct_outlets(&articles),
                views: articles.iter().map(|a| a.views).sum(),
                comments: articles.iter().map(|a| a.comments).sum(),
                lead,
                articles,
            }
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.articles[0].published_at.cmp(&b.articles[0].published_at))
            .then(a.story_id.cmp(&b.story_id))
    });
    ranked.truncate(limit);
    for (i, r) in ranked.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    ranked
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn distinct_outlets(articles: &[ArticleCard]) -> usize {
    let mut slugs: Vec<&str> = articles.iter().map(|a| a.outlet_slug.as_str()).collect();
    slugs.sort_unstable();
    slugs.dedup();
    slugs.len()
}

/// Each outlet counts once, at full weight if any of its articles is its own reporting.
fn breadth(articles: &[ArticleCard]) -> f64 {
    let mut own: HashMap<&str, bool> = HashMap::new();
    for a in articles {
        *own.entry(a.outlet_slug.as_str()).or_insert(false) |= !a.is_republication;
    }
    round3(
        own.values()
            .map(|&o| if o { 1.0 } else { REPUBLICATION_WEIGHT })
            .sum(),
    )
}

fn interest(a: &ArticleCard) -> f64 {
    (1.0 + a.views.max(0) as f64 + COMMENT_WEIGHT * a.comments.max(0) as f64).log10()
}

fn engagement(articles: &[ArticleCard]) -> f64 {
    let mut scores: Vec<f64> = articles.iter().map(interest).collect();
    scores.sort_by(f64::total_cmp);
    let median = scores[scores.len() / 2];
    let best = scores[scores.len() - 1];
    let x = median + 0.25 * best;
    round3(ENGAGEMENT_MAX * (1.0 - (-x / 4.0).exp()))
}

/// Linear in how late in the week the story's latest article appeared.
fn freshness(articles: &[ArticleCard], start: DateTime<Utc>, end: DateTime<Utc>) -> f64 {
    let latest = articles
        .iter()
        .map(|a| a.published_at)
        .max()
        .unwrap_or(start);
    let span = (end - start).num_seconds().max(1) as f64;
    let into = (latest - start).num_seconds().clamp(0, span as i64) as f64;
    round3(FRESHNESS_MAX * into / span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn card(
        id: i64,
        story: i64,
        outlet: &str,
        day: u32,
        views: i64,
        republication: bool,
    ) -> ArticleCard {
        ArticleCard {
            id,
            story_id: story,
            title: format!("Article {id}"),
            url: None,
            authors: vec![],
            outlet_name: outlet.into(),
            outlet_slug: outlet.into(),
            section: None,
            published_at: Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap(),
            summary: None,
            views,
            comments: 0,
            is_republication: republication,
        }
    }

    fn week() -> IsoWeek {
        "2026-W47".parse().unwrap()
    }

    #[test]
    fn broad_coverage_beats_a_single_viral_article() {
        let cards = vec![
            card(1, 1, "a", 16, 100, false),
            card(2, 1, "b", 17, 80, false),
            card(3, 1, "c", 18, 50, false),
            card(4, 2, "d", 18, 1_000_000, false),
        ];
        let ranked = rank_week(week(), &cards, 10);
        assert_eq!(ranked[0].story_id, 1);
        assert_eq!(ranked[0].outlet_count, 3);
        assert_eq!(ranked[0].rank, 1);
        assert_eq!(ranked[1].rank, 2);
    }

    #[test]
    fn republications_count_less_than_independent_reports() {
        let independent = vec![
            card(1, 1, "a", 17, 10, false),
            card(2, 1, "b", 17, 10, false),
        ];
        let republished = vec![
            card(3, 2, "c", 17, 10, false),
            card(4, 2, "d", 17, 10, true),
        ];
        let all: Vec<_> = independent.into_iter().chain(republished).collect();
        let ranked = rank_week(week(), &all, 10);
        assert_eq!(ranked[0].story_id, 1);
        assert_eq!(ranked[1].parts.breadth, 1.0 + REPUBLICATION_WEIGHT);
        assert_eq!(ranked[1].lead.id, 3, "the lead is the original report");
    }

    #[test]
    fn one_inflated_counter_does_not_carry_a_story() {
        let honest = vec![
            card(1, 1, "a", 17, 900, false),
            card(2, 1, "b", 17, 900, false),
            card(3, 1, "c", 17, 900, false),
        ];
        let inflated = vec![
            card(4, 2, "d", 17, 5, false),
            card(5, 2, "e", 17, 5, false),
            card(6, 2, "f", 17, 50_000_000, false),
        ];
        let all: Vec<_> = honest.into_iter().chain(inflated).collect();
        assert_eq!(rank_week(week(), &all, 10)[0].story_id, 1);
    }

    #[test]
    fn limit_and_empty() {
        assert!(rank_week(week(), &[], 10).is_empty());
        let cards: Vec<_> = (1..=5).map(|i| card(i, i, "a", 17, i, false)).collect();
        assert_eq!(rank_week(week(), &cards, 3).len(), 3);
    }

    #[test]
    fn freshness_is_bounded() {
        let ranked = rank_week(week(), &[card(1, 1, "a", 22, 0, false)], 1);
        assert!(ranked[0].parts.freshness <= FRESHNESS_MAX);
        assert!(ranked[0].parts.freshness > 0.4);
    }
}
