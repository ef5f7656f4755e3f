//! Within-article entity resolution: which recognised mentions name one person,
//! organisation or place, under which canonical name, with which aliases.
//!
//! News style introduces an entity once in full ("US National Security Advisor Mike Waltz",
//! "the Armenian National Committee of America (ANCA)") and then uses a short form ("Waltz",
//! "ANCA", "Trump's"). The rules here follow that convention: titles and possessives are not
//! part of a name, a lone surname or given name joins the full name that carries it, an
//! acronym joins the organisation it abbreviates, and common country aliases join one place.

use std::collections::HashMap;
use std::ops::Range;

use tidings_model::EntityKind;

use crate::ner::{Label, Span};

/// One entity of an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub name: String,
    pub kind: EntityKind,
    /// Other ways the article names it: short forms, acronyms, the titled form.
    pub aliases: Vec<String>,
    pub mentions: u32,
}

/// The entities of an article and, for each mention given to [`resolve`], which of them it
/// names (`None` for mentions that are not entities after all, such as a bare title).
#[derive(Debug, Default)]
pub struct Resolution {
    pub entities: Vec<Resolved>,
    mentions: Vec<(Range<usize>, Option<usize>)>,
}

impl Resolution {
    /// The entity named by the mention overlapping `range`, if any.
    pub fn entity_at(&self, range: &Range<usize>) -> Option<&Resolved> {
        self.mentions
            .iter()
            .find(|(r, _)| r.start < range.end && range.start < r.end)
            .and_then(|(_, e)| e.map(|i| &self.entities[i]))
    }

    /// The person or organisation a bare name refers to ("Waltz" → "Mike Waltz"), for
    /// speakers the recogniser did not tag.
    pub fn entity_named(&self, name: &str) -> Option<&Resolved> {
        let name = strip_possessive(name.trim());
        self.entities.iter().find(|e| {
            e.kind != EntityKind::Place
                && (e.name == name
                    || e.aliases.iter().any(|a| a == name)
                    || (e.kind == EntityKind::Person && is_name_part(&e.name, name)))
        })
    }
}

/// Resolves `spans` (recognised in `text`) into entities, listed in order of first mention.
/// MISC mentions are ignored.
pub fn resolve(text: &str, spans: &[Span]) -> Resolution {
    let mentions: Vec<Option<Mention>> = spans.iter().map(|s| Mention::read(text, s)).collect();
    // Full forms first, so that a short form met before its full form (a headline's
    // "Trump's", the body's "Donald Trump") still joins it.
    let mut order: Vec<(usize, &Mention)> = mentions
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.as_ref().map(|m| (i, m)))
        .collect();
    order.sort_by_key(|(_, m)| std::cmp::Reverse(m.words().count()));
    let mut groups = Groups::default();
    let mut assigned = vec![None; spans.len()];
    for (i, m) in order {
        assigned[i] = Some(groups.place(m, text));
    }
    let (entities, renumber) = groups.finish();
    Resolution {
        entities,
        mentions: spans
            .iter()
            .zip(assigned)
            .map(|(s, g)| (s.start..s.end, g.map(|g| renumber[g])))
            .collect(),
    }
}

/// A mention with its title and possessive taken off.
#[derive(Debug)]
struct Mention {
    range: Range<usize>,
    name: String,
    kind: EntityKind,
    /// "US National Security Advisor Mike Waltz" when the name came with a title.
    titled: Option<String>,
}

impl Mention {
    fn read(text: &str, span: &Span) -> Option<Mention> {
        let kind = match span.label {
            Label::Per => EntityKind::Person,
            Label::Org => EntityKind::Organization,
            Label::Loc => EntityKind::Place,
            Label::Misc => return None,
        };
        let surface = strip_possessive(text.get(span.start..span.end)?.trim());
        let (kind, name, title) = correct_kind(kind, surface)?;
        let name = name.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != ')');
        if name.is_empty() || (kind == EntityKind::Person && !looks_like_a_name(name)) {
            return None;
        }
        let title = title
            .map(str::to_owned)
            .or_else(|| title_before(text, span.start));
        let name = match kind {
            EntityKind::Place => canonical_place(name).unwrap_or(name),
            _ => name,
        };
        Some(Mention {
            range: span.start..span.end,
            titled: title.map(|t| format!("{t} {name}")),
            name: name.to_owned(),
            kind,
        })
    }

    fn words(&self) -> std::str::SplitWhitespace<'_> {
        self.name.split_whitespace()
    }
}

#[derive(Debug)]
struct Group {
    first: usize,
    name: String,
    kind: EntityKind,
    aliases: Vec<String>,
    mentions: u32,
}

#[derive(Default)]
struct Groups {
    list: Vec<Group>,
    by_key: HashMap<(EntityKind, String), usize>,
}

impl Groups {
    /// Puts a mention into the group it belongs to, creating one when none fits.
    fn place(&mut self, m: &Mention, text: &str) -> usize {
        let g = self.find(m).unwrap_or_else(|| self.create(&m.name, m.kind));
        let group = &mut self.list[g];
        group.mentions += 1;
        group.first = group.first.min(m.range.start);
        for alias in std::iter::once(&m.name).chain(m.titled.as_ref()) {
            if *alias != group.name && !group.aliases.contains(alias) {
                group.aliases.push(alias.clone());
            }
        }
        if let Some(acronym) = acronym_after(text, m.range.end)
            && m.kind == EntityKind::Organization
        {
            self.by_key
                .insert((EntityKind::Organization, key(acronym)), g);
            let group = &mut self.list[g];
            if !group.aliases.iter().any(|a| a == acronym) {
                group.aliases.push(acronym.to_owned());
            }
        }
        g
    }

    fn find(&self, m: &Mention) -> Option<usize> {
        if let Some(&g) = self.by_key.get(&(m.kind, key(&m.name))) {
            return Some(g);
        }
        let single = m.words().count() == 1;
        match m.kind {
            EntityKind::Person => self.person_with_part(&m.name),
            // A lone surname tagged as an organisation or place is still the person.
            EntityKind::Organization | EntityKind::Place if single => self
                .person_with_part(&m.name)
                .or_else(|| self.organization_abbreviated(&m.name)),
            EntityKind::Organization => self.organization_abbreviated(&m.name),
            EntityKind::Place => None,
        }
    }

    fn person_with_part(&self, name: &str) -> Option<usize> {
        self.list
            .iter()
            .position(|g| g.kind == EntityKind::Person && is_name_part(&g.name, name))
    }

    fn organization_abbreviated(&self, name: &str) -> Option<usize> {
        if !is_acronym(name) {
            return None;
        }
        self.list
            .iter()
            .position(|g| g.kind == EntityKind::Organization && initials(&g.name) == name)
    }

    fn create(&mut self, name: &str, kind: EntityKind) -> usize {
        self.list.push(Group {
            first: usize::MAX,
            name: name.to_owned(),
            kind,
            aliases: Vec::new(),
            mentions: 0,
        });
        let g = self.list.len() - 1;
        self.by_key.insert((kind, key(name)), g);
        g
    }

    /// The entities in order of first mention, and each group's index among them.
    fn finish(self) -> (Vec<Resolved>, Vec<usize>) {
        let mut by_position: Vec<usize> = (0..self.list.len()).collect();
        by_position.sort_by_key(|&g| self.list[g].first);
        let mut renumber = vec![0; self.list.len()];
        for (new, &old) in by_position.iter().enumerate() {
            renumber[old] = new;
        }
        let mut groups: Vec<Option<Group>> = self.list.into_iter().map(Some).collect();
        let entities = by_position
            .iter()
            .filter_map(|&g| groups[g].take())
            .map(|g| Resolved {
                name: g.name,
                kind: g.kind,
                aliases: g.aliases,
                mentions: g.mentions,
            })
            .collect();
        (entities, renumber)
    }
}

fn key(name: &str) -> String {
    let lower = name.to_lowercase();
    lower
        .strip_prefix("the ")
        .map(str::to_owned)
        .unwrap_or(lower)
}

/// Whether `part` is the surname or given name of the multi-word `full` name.
fn is_name_part(full: &str, part: &str) -> bool {
    let words: Vec<&str> = full.split_whitespace().collect();
    if words.len() < 2 || part.split_whitespace().count() != 1 {
        return false;
    }
    words.last() == Some(&part) || words.first() == Some(&part)
}

pub(crate) fn strip_possessive(s: &str) -> &str {
    for suffix in ["'s", "’s", "'", "’"] {
        if let Some(stem) = s.strip_suffix(suffix)
            && !stem.is_empty()
        {
            return stem;
        }
    }
    s
}

/// Titles and roles that precede names in news copy; not part of the name.
const TITLES: &[&str] = &[
    "President",
    "Vice",
    "Prime",
    "Minister",
    "Secretary",
    "Senator",
    "Sen.",
    "Rep.",
    "Representative",
    "Congressman",
    "Congresswoman",
    "Gov.",
    "Governor",
    "Mayor",
    "Speaker",
    "Chancellor",
    "Ambassador",
    "Envoy",
    "envoy",
    "Advisor",
    "Adviser",
    "adviser",
    "advisor",
    "Chairman",
    "Chairwoman",
    "Chair",
    "Director",
    "Commissioner",
    "General",
    "Gen.",
    "Col.",
    "Lt.",
    "Capt.",
    "Admiral",
    "Judge",
    "Justice",
    "Attorney",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "Prof.",
    "Professor",
    "Sir",
    "Dame",
    "Lord",
    "Pope",
    "Rev.",
    "Chief",
    "Executive",
    "CEO",
    "Spokesman",
    "Spokeswoman",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "Leader",
    "leader",
    "Founder",
    "Deputy",
    "Foreign",
    "Defense",
    "Defence",
    "Interior",
    "Finance",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
];

/// Fixes the kind of mentions whose form gives them away, and splits off a person's title:
/// "National Security Advisor Mike Waltz" tagged as an organisation is the person "Mike
/// Waltz"; a "person" with an all-capitals word ("RIA Novosti") is an organisation; a
/// "person" named like an event or era ("the Golden Age") and a "place" that is a people
/// ("Armenians") are not entities of these kinds at all.
fn correct_kind(kind: EntityKind, surface: &str) -> Option<(EntityKind, &str, Option<&str>)> {
    let (name, title) = split_title(surface);
    let person_like = title.is_some()
        && name.split_whitespace().count() >= 2
        && name
            .split_whitespace()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase));
    match kind {
        EntityKind::Person if has_acronym_word(name) => {
            Some((EntityKind::Organization, surface, None))
        }
        EntityKind::Person if ends_in_event_noun(name) => None,
        EntityKind::Person => Some((kind, name, title)),
        EntityKind::Place if is_people_word(surface) => None,
        _ if person_like => Some((EntityKind::Person, name, title)),
        _ => Some((kind, surface, None)),
    }
}

/// Words that head names of eras, events, agreements and programmes, not of people.
const EVENT_NOUNS: &[&str] = &[
    "Age",
    "Era",
    "War",
    "Revolution",
    "Summit",
    "Act",
    "Accord",
    "Accords",
    "Agreement",
    "Treaty",
    "Plan",
    "Deal",
    "Doctrine",
    "Day",
    "Week",
    "Games",
    "Cup",
    "Festival",
    "Award",
    "Awards",
    "Prize",
    "Initiative",
    "Program",
    "Programme",
    "Project",
    "Strategy",
    "Declaration",
    "Convention",
    "Protocol",
    "Crisis",
    "Dream",
    "Century",
    "Olympics",
];

fn ends_in_event_noun(name: &str) -> bool {
    name.split_whitespace()
        .last()
        .is_some_and(|w| EVENT_NOUNS.contains(&w))
}

/// An all-capitals word of letters ("RIA", "NATO") — rare in a person's name.
fn has_acronym_word(name: &str) -> bool {
    name.split_whitespace()
        .any(|w| (2..=5).contains(&w.chars().count()) && w.chars().all(|c| c.is_ascii_uppercase()))
}

/// Plural demonyms ("Armenians", "Americans") name peoples, not places.
fn is_people_word(surface: &str) -> bool {
    !surface.contains(' ')
        && ["ians", "eans", "cans", "mans", "ese", "ish"]
            .iter()
            .any(|suffix| surface.ends_with(suffix))
}

fn is_title(word: &str) -> bool {
    TITLES.contains(&word)
}

/// Splits "US National Security Advisor Mike Waltz" into ("Mike Waltz", Some("US National
/// Security Advisor")): everything up to the last title word is the title.
fn split_title(surface: &str) -> (&str, Option<&str>) {
    let words: Vec<(usize, &str)> = word_offsets(surface);
    let Some(last_title) = words[..words.len().saturating_sub(1)]
        .iter()
        .rposition(|(_, w)| is_title(w))
    else {
        return (surface, None);
    };
    let name_start = words[last_title + 1].0;
    (
        &surface[name_start..],
        Some(surface[..name_start].trim_end()),
    )
}

fn word_offsets(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(st)) => {
                out.push((st, &s[st..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, &s[st..]));
    }
    out
}

/// The capitalised title run right before a name in the text, as in "US National Security
/// Advisor [Mike Waltz]": it must end in a title word and stay within the sentence.
fn title_before(text: &str, start: usize) -> Option<String> {
    let before = text.get(start.saturating_sub(120)..start)?;
    let before = &before[before
        .char_indices()
        .rev()
        .find(|&(_, c)| matches!(c, '.' | ',' | ';' | ':' | '\n' | '(' | '“' | '"'))
        .map_or(0, |(i, c)| i + c.len_utf8())..];
    let words = word_offsets(before);
    let last = words.last()?;
    if !is_title(last.1) {
        return None;
    }
    let first = words
        .iter()
        .rposition(|(_, w)| !w.chars().next().is_some_and(char::is_uppercase))
        .map_or(0, |i| i + 1);
    (first < words.len() && words[first..].iter().any(|(_, w)| w.len() > 1))
        .then(|| before[words[first].0..].trim().to_owned())
}

/// A person's name starts with a capital and does not end in a title: "Parliamentary
/// Speaker" names an office, not a person.
fn looks_like_a_name(name: &str) -> bool {
    name.split_whitespace().last().is_some_and(|w| !is_title(w))
        && name.chars().next().is_some_and(char::is_uppercase)
}

/// "ANCA" in "Armenian National Committee of America (ANCA)".
fn acronym_after(text: &str, end: usize) -> Option<&str> {
    let rest = text.get(end..)?.trim_start_matches(['’', '\'', 's', ' ']);
    let inner = rest.strip_prefix('(')?;
    let close = inner.find(')')?;
    let candidate = &inner[..close];
    is_acronym(candidate).then_some(candidate)
}

fn is_acronym(s: &str) -> bool {
    (2..=8).contains(&s.chars().count())
        && s.chars().all(|c| c.is_uppercase() || c == '&' || c == '-')
        && s.chars().filter(|c| c.is_uppercase()).count() >= 2
}

/// The initials of a name's capitalised words: "Armenian National Committee of America" →
/// "ANCA".
fn initials(name: &str) -> String {
    name.split(|c: char| c.is_whitespace() || c == '-')
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_uppercase())
        .collect()
}

/// Everyday names of countries mapped to the name GeoNames uses.
const PLACE_ALIASES: &[(&str, &str)] = &[
    ("US", "United States"),
    ("U.S.", "United States"),
    ("U.S", "United States"),
    ("USA", "United States"),
    ("U.S.A.", "United States"),
    ("America", "United States"),
    ("United States of America", "United States"),
    ("the United States", "United States"),
    ("UK", "United Kingdom"),
    ("U.K.", "United Kingdom"),
    ("Britain", "United Kingdom"),
    ("Great Britain", "United Kingdom"),
    ("the United Kingdom", "United Kingdom"),
    ("UAE", "United Arab Emirates"),
    ("U.A.E.", "United Arab Emirates"),
    ("the Netherlands", "Netherlands"),
    ("Holland", "Netherlands"),
    ("Czech Republic", "Czechia"),
    ("Russian Federation", "Russia"),
    ("DRC", "Democratic Republic of the Congo"),
    ("DR Congo", "Democratic Republic of the Congo"),
    ("Ivory Coast", "Ivory Coast"),
    ("Côte d'Ivoire", "Ivory Coast"),
    ("Burma", "Myanmar"),
    ("Türkiye", "Turkey"),
    ("Republic of Korea", "South Korea"),
    ("North Korea", "North Korea"),
    ("DPRK", "North Korea"),
    ("PRC", "China"),
    ("People's Republic of China", "China"),
    ("Kyiv", "Kyiv"),
    ("Kiev", "Kyiv"),
];

fn canonical_place(name: &str) -> Option<&'static str> {
    PLACE_ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map(|&(_, canonical)| canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Spans for the given surfaces, each at its first occurrence at or after the previous.
    fn spans(text: &str, surfaces: &[(&str, Label)]) -> Vec<Span> {
        let mut from = 0;
        surfaces
            .iter()
            .map(|&(s, label)| {
                let start = from + text[from..].find(s).expect(s);
                from = start + s.len();
                Span {
                    start,
                    end: start + s.len(),
                    label,
                }
            })
            .collect()
    }

    fn names(r: &Resolution) -> Vec<(&str, EntityKind, u32)> {
        r.entities
            .iter()
            .map(|e| (e.name.as_str(), e.kind, e.mentions))
            .collect()
    }

    #[test]
    fn short_forms_titles_and_possessives_join_the_full_name() {
        let text = "Trump’s envoy met US National Security Advisor Mike Waltz. Later, Waltz said \
                    President Donald Trump agreed. Waltz's post followed.";
        let r = resolve(
            text,
            &spans(
                text,
                &[
                    ("Trump’s", Label::Per),
                    ("US National Security Advisor Mike Waltz", Label::Per),
                    ("Waltz", Label::Per),
                    ("Donald Trump", Label::Per),
                    ("Waltz's", Label::Org),
                ],
            ),
        );
        assert_eq!(
            names(&r),
            vec![
                ("Donald Trump", EntityKind::Person, 2),
                ("Mike Waltz", EntityKind::Person, 3),
            ]
        );
        let waltz = &r.entities[1];
        assert!(waltz.aliases.contains(&"Waltz".to_owned()));
        assert!(
            waltz
                .aliases
                .contains(&"US National Security Advisor Mike Waltz".to_owned())
        );
        assert_eq!(
            r.entity_named("Waltz").map(|e| e.name.as_str()),
            Some("Mike Waltz")
        );
    }

    #[test]
    fn a_title_before_the_span_becomes_an_alias() {
        let text = "A call with Azerbaijani President Ilham Aliyev followed.";
        let r = resolve(text, &spans(text, &[("Ilham Aliyev", Label::Per)]));
        assert_eq!(
            r.entities[0].aliases,
            vec!["Azerbaijani President Ilham Aliyev".to_owned()]
        );
    }

    #[test]
    fn acronyms_join_the_organisation_they_abbreviate() {
        let text = "the Armenian National Committee of America (ANCA), which said no. Later ANCA \
                    wrote again, and the NAACP too.";
        let r = resolve(
            text,
            &spans(
                text,
                &[
                    ("Armenian National Committee of America", Label::Org),
                    ("ANCA", Label::Org),
                    ("ANCA", Label::Org),
                    ("NAACP", Label::Org),
                ],
            ),
        );
        assert_eq!(
            names(&r),
            vec![
                (
                    "Armenian National Committee of America",
                    EntityKind::Organization,
                    3
                ),
                ("NAACP", EntityKind::Organization, 1),
            ]
        );
        assert_eq!(r.entities[0].aliases, vec!["ANCA".to_owned()]);
    }

    #[test]
    fn kinds_given_away_by_form_are_corrected() {
        let text = "National Security Advisor Mike Waltz spoke to RIA Novosti about America’s \
                    Golden Age. Armenians listened. Later Waltz left.";
        let r = resolve(
            text,
            &spans(
                text,
                &[
                    ("National Security Advisor Mike Waltz", Label::Org),
                    ("RIA Novosti", Label::Per),
                    ("America", Label::Loc),
                    ("Golden Age", Label::Per),
                    ("Armenians", Label::Loc),
                    ("Waltz", Label::Per),
                ],
            ),
        );
        assert_eq!(
            names(&r),
            vec![
                ("Mike Waltz", EntityKind::Person, 2),
                ("RIA Novosti", EntityKind::Organization, 1),
                ("United States", EntityKind::Place, 1),
            ]
        );
    }

    #[test]
    fn country_aliases_join_one_place_and_bare_titles_are_no_person() {
        let text = "The US and the U.S. and America; the Parliamentary Speaker spoke.";
        let r = resolve(
            text,
            &spans(
                text,
                &[
                    ("US", Label::Loc),
                    ("U.S.", Label::Loc),
                    ("America", Label::Loc),
                    ("Parliamentary Speaker", Label::Per),
                ],
            ),
        );
        assert_eq!(names(&r), vec![("United States", EntityKind::Place, 3)]);
        assert!(r.entity_at(&(4..6)).is_some());
    }
}
