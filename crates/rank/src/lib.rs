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
//! - **freshness**: up to 0.5 for stories still being reported at the end of the week;
//! - **diversity**: the list is picked greedily; a story whose lead outlet already leads `k`
//!   picked stories has its score multiplied by 0.85^k, and one whose section already has `k`
//!   by 0.9^k, so one outlet or one topic cannot fill the list.
//!
//! A finished week's ranking is kept (see [`apply_kept`]) so that late imports and new views do
//! not reshuffle history.
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub struct ScoreParts {
    pub breadth: f64,
    pub engagement: f64,
    pub freshness: f64,
    /// Multiplier ≤ 1 applied for outlets and sections already in the list above.
    pub diversity: f64,
}

impl ScoreParts {
    pub fn total(&self) -> f64 {
        (self.breadth + self.engagement + self.freshness) * self.diversity
    }
}

/// Penalty per earlier pick led by the same outlet.
pub const SAME_OUTLET_FACTOR: f64 = 0.85;
/// Penalty per earlier pick in the same section.
pub const SAME_SECTION_FACTOR: f64 = 0.9;

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
                diversity: 1.0,
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
    ranked.sort_by(by_score);
    pick_diverse(ranked, limit)
}

fn by_score(a: &RankedStory, b: &RankedStory) -> std::cmp::Ordering {
    b.score
        .total_cmp(&a.score)
        .then(a.articles[0].published_at.cmp(&b.articles[0].published_at))
        .then(a.story_id.cmp(&b.story_id))
}

/// Greedy selection with the diversity penalties; O(limit × stories).
fn pick_diverse(mut pool: Vec<RankedStory>, limit: usize) -> Vec<RankedStory> {
    let mut picked: Vec<RankedStory> = Vec::with_capacity(limit.min(pool.len()));
    let mut outlets: HashMap<String, i32> = HashMap::new();
    let mut sections: HashMap<String, i32> = HashMap::new();
    while picked.len() < limit && !pool.is_empty() {
        let diversity = |r: &RankedStory| {
            let o = outlets.get(&r.lead.outlet_slug).copied().unwrap_or(0);
            let s = r
                .lead
                .section
                .as_ref()
                .and_then(|s| sections.get(s))
                .copied()
                .unwrap_or(0);
            SAME_OUTLET_FACTOR.powi(o) * SAME_SECTION_FACTOR.powi(s)
        };
        let mut best = 0;
        let mut best_score = f64::MIN;
        for (i, r) in pool.iter().enumerate() {
            let adjusted = r.score * diversity(r);
            // Pool is sorted by base score, so ties keep that order.
            if adjusted > best_score + 1e-12 {
                best = i;
                best_score = adjusted;
            }
        }
        let mut story = pool.remove(best);
        story.parts.diversity = round3(diversity(&story));
        story.score = round3(story.parts.total());
        *outlets.entry(story.lead.outlet_slug.clone()).or_default() += 1;
        if let Some(s) = &story.lead.section {
            *sections.entry(s.clone()).or_default() += 1;
        }
        story.rank = picked.len() + 1;
        picked.push(story);
    }
    picked
}

/// A finished week's ranking as it was kept: story, rank, score and parts.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct KeptRank {
    pub story_id: i64,
    pub rank: usize,
    pub score: f64,
    pub parts: ScoreParts,
}

impl RankedStory {
    pub fn kept(&self) -> KeptRank {
        KeptRank {
            story_id: self.story_id,
            rank: self.rank,
            score: self.score,
            parts: self.parts,
        }
    }
}

/// Orders freshly loaded stories as a kept ranking says, with the kept scores; stories the
/// kept ranking does not hold (imported after the week was closed) are left out.
pub fn apply_kept(fresh: Vec<RankedStory>, kept: &[KeptRank]) -> Vec<RankedStory> {
    let mut by_id: HashMap<i64, RankedStory> = fresh.into_iter().map(|r| (r.story_id, r)).collect();
    let mut out: Vec<RankedStory> = kept
        .iter()
        .filter_map(|k| {
            let mut r = by_id.remove(&k.story_id)?;
            r.rank = k.rank;
            r.score = k.score;
            r.parts = k.parts;
            Some(r)
        })
        .collect();
    out.sort_by_key(|r| r.rank);
    out
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
    fn one_outlet_cannot_fill_the_list() {
        // Six equally strong stories from outlet "a", then weaker ones from others.
        let mut cards: Vec<_> = (1..=6).map(|i| card(i, i, "a", 17, 1000, false)).collect();
        cards.extend((7..=9).map(|i| card(i, i, &format!("o{i}"), 17, 300, false)));
        let ranked = rank_week(week(), &cards, 6);
        let from_a = ranked.iter().filter(|r| r.lead.outlet_slug == "a").count();
        assert!(from_a < 6, "diversity lets other outlets in: {from_a}");
        assert!(ranked.iter().any(|r| r.parts.diversity < 1.0));
        for w in ranked.windows(2) {
            assert_eq!(w[1].rank, w[0].rank + 1);
        }
    }

    #[test]
    fn a_kept_ranking_wins_over_a_fresh_one() {
        let cards: Vec<_> = (1..=3)
            .map(|i| card(i, i, &format!("o{i}"), 17, i * 100, false))
            .collect();
        let fresh = rank_week(week(), &cards, 10);
        let mut kept: Vec<KeptRank> = fresh.iter().map(RankedStory::kept).collect();
        kept.reverse();
        for (i, k) in kept.iter_mut().enumerate() {
            k.rank = i + 1;
        }
        kept.pop();
        let mut more = cards.clone();
        more.push(card(99, 99, "late", 22, 1_000_000, false));
        let applied = apply_kept(rank_week(week(), &more, 10), &kept);
        // Fresh order is 3, 2, 1; the kept one is reversed and lost its last entry.
        assert_eq!(
            applied.iter().map(|r| r.story_id).collect::<Vec<_>>(),
            vec![1, 2]
        );
    }

    #[test]
    fn freshness_is_bounded() {
        let ranked = rank_week(week(), &[card(1, 1, "a", 22, 0, false)], 1);
        assert!(ranked[0].parts.freshness <= FRESHNESS_MAX);
        assert!(ranked[0].parts.freshness > 0.4);
    }
}
