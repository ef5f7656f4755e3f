//! The second look at a grown story: does it still hold one event, or has it drifted (each
//! article close enough to the centroid of those before it, the last ones about something else)
//! or swallowed a look-alike event? Joining is one pass and never revisits a decision, so a
//! story is reviewed at sizes that double ([`is_review_size`]), on its most recent articles.
//!
//! The review re-clusters the story's own articles with the joining rule (centroid cosine plus
//! evidence agreement against [`Config::threshold_for`]) and the fragment-merging rule
//! ([`Config::merges`]), and keeps the largest group as the story. Another group leaves for a
//! story of its own when it is substantial ([`Config::split_min_articles`],
//! [`Config::split_min_share`]) and the merging rule would not join it back: its centroid is
//! not as close as a fragment's ([`Config::merge_threshold_for`]) or its event evidence
//! disagrees. So a review never undoes a merge the joining side would make again. When no group
//! leaves, a full-text story's main group is tried in two ([`bisect`]): look-alike events that
//! joined each other form one group, but halve cleanly. Pure: vectors in, indices out.

use crate::Config;
use crate::evidence::{Evidence, mean_agreement, stories_agreement};
// Ordered maps: sums over a hash map's random order differ in their last bits from run to run,
// and a review must decide the same on every node and every rerun.
use std::collections::BTreeMap;

/// One article of the story under review: its L2-normalised feature vector (as
/// [`crate::weigh`] makes it) and its event evidence.
pub struct Member<'a> {
    pub vector: &'a [(String, f32)],
    pub evidence: &'a Evidence,
}

/// The articles that leave, by index into the members given (ascending), and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    pub leaving: Vec<usize>,
    /// Cosine between the centroids of the group that stays and the group that leaves.
    pub cosine: f32,
    /// Mean evidence agreement between the two groups' members.
    pub agreement: f32,
}

impl Split {
    /// The reason recorded on each article that left.
    pub fn reason(&self, kept: usize) -> String {
        let why = if self.agreement < 0.0 {
            format!(
                "and whose dates, numbers and weekdays differ from theirs ({:+.2})",
                self.agreement
            )
        } else {
            "too little for one story".to_owned()
        };
        format!(
            "moved to a story of its own when its story was reviewed: {} articles of {} formed \
             a group whose terms match the rest at {:.2}, {why}",
            self.leaving.len(),
            self.leaving.len() + kept,
            self.cosine,
        )
    }
}

/// Whether a story that has just reached `size` articles gets a review: at
/// [`Config::review_from`] and every doubling after it, so a story of n articles has had
/// log₂ n reviews and the work per article stays bounded.
pub fn is_review_size(c: &Config, size: usize) -> bool {
    c.review_from > 0
        && size.is_multiple_of(c.review_from)
        && (size / c.review_from).is_power_of_two()
}

#[derive(Default)]
struct Group {
    members: Vec<usize>,
    centroid: BTreeMap<String, f32>,
    /// Mean number of features of its members (which threshold applies).
    features: usize,
}

impl Group {
    fn of(i: usize, v: &[(String, f32)]) -> Group {
        let mut g = Group::default();
        g.add(i, v);
        g
    }

    fn add(&mut self, i: usize, v: &[(String, f32)]) {
        let n = self.members.len();
        self.features = (self.features * n + v.len()) / (n + 1);
        self.members.push(i);
        for (t, w) in v {
            *self.centroid.entry(t.clone()).or_insert(0.0) += w;
        }
    }

    fn absorb(&mut self, other: Group) {
        let (n, m) = (self.members.len(), other.members.len());
        self.features = (self.features * n + other.features * m) / (n + m).max(1);
        self.members.extend(other.members);
        for (t, w) in other.centroid {
            *self.centroid.entry(t).or_insert(0.0) += w;
        }
    }
}

fn norm(c: &BTreeMap<String, f32>) -> f32 {
    c.values().map(|w| w * w).sum::<f32>().sqrt()
}

fn cosine_to(c: &BTreeMap<String, f32>, v: &[(String, f32)]) -> f32 {
    let n = norm(c);
    if n <= 0.0 {
        return 0.0;
    }
    v.iter()
        .map(|(t, w)| w * c.get(t).copied().unwrap_or(0.0))
        .sum::<f32>()
        / n
}

fn centroid_cosine(a: &BTreeMap<String, f32>, b: &BTreeMap<String, f32>) -> f32 {
    let (na, nb) = (norm(a), norm(b));
    if na <= 0.0 || nb <= 0.0 {
        return 0.0;
    }
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    small
        .iter()
        .map(|(t, w)| w * large.get(t).copied().unwrap_or(0.0))
        .sum::<f32>()
        / (na * nb)
}

/// Reviews a story's `members` (oldest first): the group that should leave it, if any.
pub fn review(c: &Config, members: &[Member<'_>]) -> Option<Split> {
    let mut groups: Vec<Group> = Vec::new();
    for (i, m) in members.iter().enumerate() {
        if m.vector.is_empty() {
            continue;
        }
        let threshold = c.threshold_for(m.vector.len());
        let best = groups
            .iter()
            .enumerate()
            .map(|(g, group)| {
                let recent = recent_evidence(c, members, group);
                let agreement = mean_agreement(c, m.vector.len(), m.evidence, recent.into_iter());
                (g, cosine_to(&group.centroid, m.vector) + agreement)
            })
            .filter(|&(_, sim)| sim >= threshold)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        match best {
            Some((g, _)) => groups[g].add(i, m.vector),
            None => groups.push(Group::of(i, m.vector)),
        }
    }
    merge_fragments(c, members, &mut groups);
    // The story is its largest group (the earliest on a tie: groups are in order of their
    // first article).
    let keep = (0..groups.len()).max_by(|&a, &b| {
        groups[a]
            .members
            .len()
            .cmp(&groups[b].members.len())
            .then(b.cmp(&a))
    })?;
    let counted = groups.iter().map(|g| g.members.len()).sum::<usize>();
    let min_size = c
        .split_min_articles
        .max((c.split_min_share * counted as f32).ceil() as usize);
    let kept = &groups[keep];
    let leaving_group = groups
        .iter()
        .enumerate()
        .filter(|&(g, group)| g != keep && group.members.len() >= min_size)
        .map(|(g, group)| {
            let (cos, agreement) = likeness(c, members, kept, group);
            (g, cos, agreement)
        })
        .filter(|&(g, cos, agreement)| !mergeable(c, kept, &groups[g], cos, agreement))
        .max_by(|a, b| {
            groups[a.0]
                .members
                .len()
                .cmp(&groups[b.0].members.len())
                .then(b.0.cmp(&a.0))
        });
    let Some((g, cosine, agreement)) = leaving_group else {
        return bisect(c, members, kept, min_size);
    };
    let mut leaving = groups[g].members.clone();
    leaving.sort_unstable();
    Some(Split {
        leaving,
        cosine,
        agreement,
    })
}

/// Rounds of 2-means when a story's main group is tried in two.
const BISECT_ROUNDS: usize = 3;

/// A full-text story's main group tried in two (2-means from two of its most distant
/// articles). Look-alike events that joined each other one article at a time stay one group
/// above, but each event's articles are closer to their own. The smaller half leaves (on a tie,
/// the one without the story's first article) when both are substantial and they look like two
/// events: their evidence disagrees, or their centroids are less alike than fragments of
/// headlines must be to merge ([`Config::merge_threshold`]). Headlines are left alone: too few
/// features to halve reliably (tried, it split UCI's real stories).
fn bisect(c: &Config, members: &[Member<'_>], g: &Group, min_size: usize) -> Option<Split> {
    if g.members.len() < 2 * min_size || g.features < c.long_features {
        return None;
    }
    let farthest = |from: &Group, but: Option<usize>| {
        g.members
            .iter()
            .copied()
            .filter(|&i| Some(i) != but)
            .min_by(|&x, &y| {
                let cx = cosine_to(&from.centroid, members[x].vector);
                let cy = cosine_to(&from.centroid, members[y].vector);
                cx.total_cmp(&cy).then(x.cmp(&y))
            })
    };
    let a = farthest(g, None)?;
    let one = |i: usize| Group::of(i, members[i].vector);
    let b = farthest(&one(a), Some(a))?;
    let (mut first, mut second) = (one(a), one(b));
    for _ in 0..BISECT_ROUNDS {
        let (mut x, mut y) = (Group::default(), Group::default());
        for &i in &g.members {
            let v = members[i].vector;
            if cosine_to(&second.centroid, v) > cosine_to(&first.centroid, v) {
                y.add(i, v);
            } else {
                x.add(i, v);
            }
        }
        (first, second) = (x, y);
    }
    if first.members.len().min(second.members.len()) < min_size {
        return None;
    }
    let (cosine, agreement) = likeness(c, members, &first, &second);
    if agreement >= 0.0 && cosine >= c.merge_threshold {
        return None;
    }
    let story_first = g.members.iter().min()?;
    let first_leaves = match first.members.len().cmp(&second.members.len()) {
        std::cmp::Ordering::Less => true,
        std::cmp::Ordering::Greater => false,
        std::cmp::Ordering::Equal => !first.members.contains(story_first),
    };
    let mut leaving = if first_leaves {
        first.members
    } else {
        second.members
    };
    leaving.sort_unstable();
    Some(Split {
        leaving,
        cosine,
        agreement,
    })
}

/// Joins groups whose centroids are as close as fragments the joining side would merge (the
/// same rule, [`Config::merges`] without its size bound), in one sweep: each group absorbs every
/// later one it matches, so the work is quadratic in the groups at most.
fn merge_fragments(c: &Config, members: &[Member<'_>], groups: &mut Vec<Group>) {
    let mut a = 0;
    while a < groups.len() {
        let mut b = a + 1;
        while b < groups.len() {
            let (cos, agreement) = likeness(c, members, &groups[a], &groups[b]);
            if mergeable(c, &groups[a], &groups[b], cos, agreement) {
                let other = groups.remove(b);
                groups[a].absorb(other);
            } else {
                b += 1;
            }
        }
        a += 1;
    }
}

/// Whether the joining side would merge two groups as fragments of one story
/// ([`Config::merges`], without its size bound): alike centroids, evidence not against.
fn mergeable(c: &Config, a: &Group, b: &Group, cos: f32, agreement: f32) -> bool {
    cos >= c.merge_threshold_for(a.features.min(b.features)) && agreement >= 0.0
}

/// How alike two groups are: their centroids' cosine and their recent members' evidence
/// agreement.
fn likeness(c: &Config, members: &[Member<'_>], a: &Group, b: &Group) -> (f32, f32) {
    let agreement = stories_agreement(
        c,
        recent_evidence(c, members, a),
        recent_evidence(c, members, b),
    );
    (centroid_cosine(&a.centroid, &b.centroid), agreement)
}

/// The evidence of a group's most recent members, as a story remembers them.
fn recent_evidence<'a>(c: &Config, members: &[Member<'a>], g: &Group) -> Vec<&'a Evidence> {
    let recent = g.members.len().saturating_sub(c.member_memory);
    g.members[recent..]
        .iter()
        .map(|&i| members[i].evidence)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever the story, a review moves a sorted set of real members, at least the
        /// minimum, never all of them, and answers the same twice.
        #[test]
        fn a_split_is_a_proper_substantial_subset(
            docs in prop::collection::vec(
                (prop::collection::vec((0u8..30, 0.1f32..3.0), 0..25), prop::option::of(2000u16..2030)),
                0..40,
            )
        ) {
            let c = Config::default();
            let vectors: Vec<Vec<(String, f32)>> = docs
                .iter()
                .map(|(terms, _)| {
                    let mut t: Vec<(String, f32)> =
                        terms.iter().map(|&(k, w)| (format!("t{k}"), w)).collect();
                    t.sort_by(|a, b| a.0.cmp(&b.0));
                    t.dedup_by(|a, b| a.0 == b.0);
                    let refs: Vec<(&str, f32)> = t.iter().map(|(n, w)| (n.as_str(), *w)).collect();
                    if refs.is_empty() { Vec::new() } else { vector(&refs) }
                })
                .collect();
            let evidence: Vec<Evidence> = docs
                .iter()
                .map(|(_, year)| match year {
                    Some(y) => Evidence::from_features([(format!("#{y}").as_str(), 1.0)]),
                    None => Evidence::default(),
                })
                .collect();
            let members: Vec<Member<'_>> = vectors
                .iter()
                .zip(&evidence)
                .map(|(v, e)| Member { vector: v, evidence: e })
                .collect();
            let split = review(&c, &members);
            prop_assert_eq!(&split, &review(&c, &members));
            if let Some(split) = split {
                let l = &split.leaving;
                prop_assert!(l.windows(2).all(|w| w[0] < w[1]), "{:?}", l);
                prop_assert!(l.iter().all(|&i| i < members.len() && !members[i].vector.is_empty()));
                prop_assert!(l.len() >= c.split_min_articles);
                prop_assert!(l.len() < members.len());
            }
        }
    }

    fn vector(terms: &[(&str, f32)]) -> Vec<(String, f32)> {
        let n = terms.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        terms
            .iter()
            .map(|(t, w)| ((*t).to_owned(), w / n))
            .collect()
    }

    fn members<'a>(vs: &'a [Vec<(String, f32)>], ev: &'a Evidence) -> Vec<Member<'a>> {
        vs.iter()
            .map(|v| Member {
                vector: v,
                evidence: ev,
            })
            .collect()
    }

    /// Long enough (40+ features) for the full-text thresholds.
    fn article(topic: &str, shared: &str, k: usize) -> Vec<(String, f32)> {
        let mut terms: Vec<(String, f32)> = (0..40)
            .map(|i| (format!("{topic}{}", (i + k) % 48), 1.0))
            .collect();
        terms.push((shared.to_owned(), 1.0));
        let refs: Vec<(&str, f32)> = terms.iter().map(|(t, w)| (t.as_str(), *w)).collect();
        vector(&refs)
    }

    /// 40 terms `t{from}`… taken cyclically from a run of `period`, starting `k` in.
    fn window(from: usize, period: usize, k: usize) -> Vec<(String, f32)> {
        let terms: Vec<(String, f32)> = (0..40)
            .map(|i| (format!("t{}", from + (i + k) % period), 1.0))
            .collect();
        let refs: Vec<(&str, f32)> = terms.iter().map(|(t, w)| (t.as_str(), *w)).collect();
        vector(&refs)
    }

    /// The first `n` articles with the evidence `then`, the rest with `now`.
    fn two_eras<'a>(
        vs: &'a [Vec<(String, f32)>],
        n: usize,
        then: &'a Evidence,
        now: &'a Evidence,
    ) -> Vec<Member<'a>> {
        vs.iter()
            .enumerate()
            .map(|(i, v)| Member {
                vector: v,
                evidence: if i < n { then } else { now },
            })
            .collect()
    }

    fn years() -> (Evidence, Evidence) {
        (
            Evidence::from_features([("#2011", 1.0)]),
            Evidence::from_features([("#2024", 1.0)]),
        )
    }

    #[test]
    fn reviews_at_sizes_that_double() {
        let c = Config::default();
        let sizes: Vec<usize> = (1..=200).filter(|&n| is_review_size(&c, n)).collect();
        assert_eq!(sizes, vec![8, 16, 32, 64, 128]);
        let off = Config {
            review_from: 0,
            ..Config::default()
        };
        assert!(!(1..=200).any(|n| is_review_size(&off, n)));
    }

    #[test]
    fn a_coherent_story_stays_whole() {
        let c = Config::default();
        let vs: Vec<_> = (0..16).map(|k| article("quake", "island", k)).collect();
        let ev = Evidence::default();
        assert_eq!(review(&c, &members(&vs, &ev)), None);
    }

    #[test]
    fn a_story_that_swallowed_another_event_splits_off_the_later_one() {
        let c = Config::default();
        let mut vs: Vec<_> = (0..10).map(|k| article("quake", "island", k)).collect();
        vs.extend((0..6).map(|k| article("ferry", "island", k)));
        let ev = Evidence::default();
        let split = review(&c, &members(&vs, &ev)).expect("a split");
        assert_eq!(split.leaving, (10..16).collect::<Vec<_>>());
        assert!(split.cosine < c.merge_threshold_for(41), "{split:?}");
        assert!(
            split.reason(10).contains("6 articles of 16"),
            "{}",
            split.reason(10)
        );
    }

    /// Two look-alike events: many shared terms, different years. The later one leaves.
    #[test]
    fn look_alike_events_split_on_their_evidence() {
        let c = Config::default();
        let mut vs: Vec<_> = (0..8).map(|k| window(0, 40, k)).collect();
        vs.extend((0..5).map(|k| window(26, 40, k)));
        let (then, now) = years();
        let ms = two_eras(&vs, 8, &then, &now);
        let split = review(&c, &ms).expect("a split");
        assert_eq!(split.leaving, (8..13).collect::<Vec<_>>());
        assert!(split.agreement < 0.0, "{split:?}");
        let why = split.reason(8);
        assert!(
            why.contains("5 articles of 13") && why.contains("weekdays differ"),
            "{why}"
        );
        // The same articles with agreeing evidence stay together.
        assert_eq!(review(&c, &members(&vs, &then)), None);
    }

    /// Look-alike events close enough to form one group (each article joins despite its years)
    /// are told apart by halving the group: the halves' evidence disagrees.
    #[test]
    fn a_group_of_two_look_alike_events_is_halved() {
        let c = Config::default();
        let mut vs: Vec<_> = (0..8).map(|k| window(0, 44, k)).collect();
        vs.extend((0..5).map(|k| window(10, 44, k)));
        let (then, now) = years();
        let ms = two_eras(&vs, 8, &then, &now);
        let split = review(&c, &ms).expect("a split");
        assert_eq!(split.leaving, (8..13).collect::<Vec<_>>(), "{split:?}");
        assert!(
            split.agreement < 0.0 && split.cosine >= c.merge_threshold,
            "{split:?}"
        );
        // Headlines-sized vectors are not halved.
        let short: Vec<Vec<(String, f32)>> = vs.iter().map(|v| v[..6].to_vec()).collect();
        let ms = two_eras(&short, 8, &then, &now);
        assert!(review(&c, &ms).is_none_or(|s| s.cosine < c.merge_threshold));
    }

    #[test]
    fn a_small_stray_group_does_not_split() {
        let c = Config::default();
        let mut vs: Vec<_> = (0..14).map(|k| article("quake", "island", k)).collect();
        vs.extend((0..2).map(|k| article("ferry", "island", k)));
        let ev = Evidence::default();
        assert_eq!(review(&c, &members(&vs, &ev)), None);
    }
}
