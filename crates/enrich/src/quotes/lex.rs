//! Word-level lexing of the small windows around quotation marks, and the closed word
//! lists the attribution rules read. Only windows of bounded size are lexed, so the cost per
//! quotation mark is constant and the whole extractor stays linear in the text length.

use std::ops::Range;

/// What a token is: a word (letters and digits, with inner apostrophes, hyphens and dots)
/// or one punctuation character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Word,
    Punct(char),
}

/// One token of a window: `text[start..end]`, byte offsets on char boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tok {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

impl Tok {
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// Double quotation marks (and guillemets): the only marks that delimit quotes. Single
/// marks are left alone because `’` is far more often an apostrophe.
pub(crate) fn is_double_mark(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '«' | '»' | '‟')
}

/// Moves `i` down to the nearest char boundary, so windows cut at a byte budget never
/// split a character.
pub(crate) fn floor_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Moves `i` up to the nearest char boundary.
pub(crate) fn ceil_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Lexes `text[from..to]` (both on char boundaries). A dot right after an abbreviation
/// ("Sen.", "U.S.", an initial) is kept in the word so that it neither splits a name nor
/// ends a sentence.
pub(crate) fn lex(text: &str, from: usize, to: usize) -> Vec<Tok> {
    let mut out = Vec::new();
    let Some(window) = text.get(from..to) else {
        return out;
    };
    let mut it = window.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            continue;
        }
        if !c.is_alphanumeric() {
            out.push(Tok {
                start: from + i,
                end: from + i + c.len_utf8(),
                kind: Kind::Punct(c),
            });
            continue;
        }
        let mut end = i + c.len_utf8();
        loop {
            let rest = &window[end..];
            let mut cs = rest.chars();
            match cs.next() {
                Some(n) if n.is_alphanumeric() => end += n.len_utf8(),
                Some(n @ ('\'' | '’' | '-' | '.' | '&')) => match cs.next() {
                    Some(m) if m.is_alphanumeric() => end += n.len_utf8(),
                    _ => break,
                },
                _ => break,
            }
        }
        // Skip the chars consumed above.
        while let Some(&(j, _)) = it.peek() {
            if j < end {
                it.next();
            } else {
                break;
            }
        }
        let word = &window[i..end];
        if window[end..].starts_with('.') && is_abbreviation(word) {
            end += 1;
            it.next();
        }
        out.push(Tok {
            start: from + i,
            end: from + end,
            kind: Kind::Word,
        });
    }
    out
}

fn is_abbreviation(word: &str) -> bool {
    const ABBR: &[&str] = &[
        "Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Reps", "Sens", "Gov", "Gen", "Lt", "Col", "Sgt",
        "Capt", "Adm", "Prof", "Rev", "St", "Jr", "Sr", "Mt", "Maj", "Cpl", "Pres", "Atty", "Dept",
        "Corp", "Inc", "Co", "Ltd", "No", "Jan", "Feb", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec",
        "vs", "Fig", "Gens", "Cmdr", "Supt", "Amb",
    ];
    let mut cs = word.chars();
    let first = cs.next();
    // An initial ("John F. Kennedy") or a dotted acronym ("U.S", closed by this dot).
    if let Some(f) = first
        && f.is_uppercase()
        && cs.next().is_none()
    {
        return true;
    }
    word.contains('.') || ABBR.contains(&word)
}

/// Whether the word starts with an upper-case letter.
pub(crate) fn is_cap(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn in_ci(word: &str, list: &[&str]) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// Speech and attribution verbs, lower case as written in running text. Nouns that share a
/// form with a verb ("claims", "notes", "posts") are left out because they would attach
/// quotes to the wrong clause more often than they help.
const VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "tell",
    "wrote",
    "writes",
    "added",
    "adds",
    "stated",
    "noted",
    "argued",
    "argues",
    "insisted",
    "insists",
    "claimed",
    "declared",
    "declares",
    "explained",
    "explains",
    "warned",
    "warns",
    "asked",
    "asks",
    "replied",
    "replies",
    "concluded",
    "concludes",
    "tweeted",
    "posted",
    "announced",
    "announces",
    "continued",
    "continues",
    "recalled",
    "recalls",
    "acknowledged",
    "acknowledges",
    "admitted",
    "admits",
    "responded",
    "responds",
    "remarked",
    "suggested",
    "suggests",
    "joked",
    "quipped",
    "urged",
    "urges",
    "predicted",
    "predicts",
    "boasted",
    "boasts",
    "complained",
    "complains",
    "countered",
    "shouted",
    "yelled",
    "observed",
    "observes",
    "reported",
    "reports",
    "promised",
    "vowed",
    "vows",
    "pledged",
    "testified",
    "emphasized",
    "emphasised",
    "stressed",
    "stresses",
    "cautioned",
    "conceded",
    "concedes",
    "demanded",
    "called",
    "calls",
    "described",
    "describes",
    "dubbed",
    "labeled",
    "labelled",
    "saying",
    "adding",
    "telling",
    "writing",
    "calling",
    "noting",
    "arguing",
    "insisting",
    "explaining",
    "warning",
    "asking",
    "declaring",
    "tweeting",
    "stating",
    "describing",
    "mused",
    "wondered",
    "exclaimed",
    "proclaimed",
    "retorted",
    "charged",
    "contended",
    "maintained",
    "maintains",
    "assured",
    "reiterated",
    "confirmed",
    "thundered",
    "whispered",
    "read",
    "reads",
    "texted",
    "emailed",
    "recounted",
    "lamented",
    "chimed",
    "interjected",
    "screamed",
    "chanted",
    "pointed",
    // Evaluative verbs that carry partial quotes in news ("condemned the test as "…"").
    "condemned",
    "condemns",
    "criticized",
    "criticised",
    "criticizes",
    "accused",
    "accuses",
    "attacked",
    "blasted",
    "slammed",
    "praised",
    "hailed",
    "lauded",
    "mocked",
    "dismissed",
    "denounced",
    "scolded",
    "branded",
    "touted",
    "defended",
    "cited",
    "highlighted",
    "questioned",
    "characterized",
    "characterised",
    "likened",
    "compared",
    "promising",
    "claiming",
    "vowing",
    "urging",
    "accusing",
    "blaming",
    "blamed",
    "sings",
    "sang",
];

/// Whether a speech verb starts at token `i`; returns the index just after it. "according
/// to" is two tokens; "pointed" counts only as "pointed out".
pub(crate) fn verb_at(text: &str, toks: &[Tok], i: usize) -> Option<usize> {
    let t = toks.get(i)?;
    if t.kind != Kind::Word {
        return None;
    }
    let w = &text[t.range()];
    let next_is = |s: &str| {
        toks.get(i + 1)
            .is_some_and(|n| n.kind == Kind::Word && text[n.range()].eq_ignore_ascii_case(s))
    };
    if w.eq_ignore_ascii_case("according") {
        return next_is("to").then_some(i + 2);
    }
    if w == "pointed" {
        return next_is("out").then_some(i + 2);
    }
    // "read" and "reads" quote documents ("the statement read"), never people with names
    // before them in other senses often enough to matter.
    VERBS.contains(&w).then_some(i + 1)
}

/// Whether the verb at `i` is "according to", whose speaker follows it.
pub(crate) fn is_according(text: &str, toks: &[Tok], i: usize) -> bool {
    toks.get(i)
        .is_some_and(|t| text[t.range()].eq_ignore_ascii_case("according"))
}

pub(crate) fn is_pronoun(word: &str) -> bool {
    in_ci(word, &["he", "she", "they", "i", "we", "it", "you"])
}

/// Words that may sit between a speaker and its verb: auxiliaries and adverbs ("has
/// said", "later told", "repeatedly claimed").
pub(crate) fn is_aux_adverb(word: &str) -> bool {
    if is_cap(word) {
        return false;
    }
    (word.len() > 4 && word.ends_with("ly") && word != "only")
        || in_ci(
            word,
            &[
                "has",
                "have",
                "had",
                "also",
                "later",
                "then",
                "once",
                "again",
                "would",
                "will",
                "did",
                "does",
                "do",
                "has",
                "never",
                "always",
                "just",
                "further",
                "even",
                "first",
                "since",
                "still",
                "previously",
                "often",
                "soon",
                "quickly",
                "recently",
                "reportedly",
                "already",
                "simply",
                "then",
                "had",
                "would",
                "could",
                "might",
                "may",
                "can",
                "must",
                "should",
                "not",
                "once",
            ],
        )
}

/// Determiners and quantifiers that open a common-noun speaker ("a spokesperson", "the
/// ministry", "two officials").
pub(crate) fn is_determiner(word: &str) -> bool {
    in_ci(
        word,
        &[
            "a", "an", "the", "his", "her", "their", "its", "our", "my", "your", "this", "these",
            "those", "one", "two", "three", "four", "five", "some", "several", "many", "other",
            "another", "both", "each", "every", "any", "most", "few", "senior", "top",
        ],
    ) || word.ends_with("'s")
        || word.ends_with("’s")
}

/// Prepositions allowed inside a speaker noun phrase ("a spokesperson for the ministry").
pub(crate) fn is_np_preposition(word: &str) -> bool {
    in_ci(word, &["for", "of", "at", "with", "from", "in", "on"])
}

/// Lower-case particles inside names ("Secretary of State", "Ursula von der Leyen").
pub(crate) fn is_name_connector(word: &str) -> bool {
    matches!(
        word,
        "of" | "de"
            | "van"
            | "von"
            | "der"
            | "den"
            | "al"
            | "bin"
            | "la"
            | "le"
            | "da"
            | "du"
            | "del"
            | "di"
            | "y"
            | "dos"
            | "el"
    )
}

/// Capitalised words that are not names: sentence openers, weekdays, months and a few
/// others that often stand right before a name ("On Monday Smith said").
pub(crate) fn is_cap_stop(word: &str) -> bool {
    crate::ner::is_calendar(&word.to_ascii_lowercase())
        || in_ci(
            word,
            &[
                "but",
                "and",
                "or",
                "so",
                "yet",
                "in",
                "on",
                "at",
                "after",
                "before",
                "when",
                "while",
                "as",
                "if",
                "then",
                "also",
                "still",
                "now",
                "however",
                "meanwhile",
                "later",
                "earlier",
                "there",
                "here",
                "this",
                "that",
                "these",
                "those",
                "what",
                "why",
                "how",
                "where",
                "who",
                "which",
                "because",
                "although",
                "though",
                "since",
                "during",
                "until",
                "for",
                "from",
                "with",
                "without",
                "by",
                "to",
                "of",
                "asked",
                "speaking",
                "last",
                "next",
                "today",
                "yesterday",
                "tonight",
                "instead",
                "indeed",
                "not",
                "no",
                "yes",
                "even",
                "once",
                "is",
                "was",
                "it",
                "he",
                "she",
                "they",
                "we",
                "i",
                "you",
                "said",
                "according",
            ],
        )
}

/// Words that end a common-noun phrase: function words and frequent verbs.
pub(crate) fn is_np_stop(word: &str) -> bool {
    in_ci(
        word,
        &[
            "that",
            "which",
            "who",
            "whom",
            "whose",
            "and",
            "but",
            "or",
            "nor",
            "because",
            "if",
            "when",
            "while",
            "as",
            "than",
            "so",
            "is",
            "was",
            "were",
            "are",
            "be",
            "been",
            "being",
            "to",
            "not",
            "there",
            "here",
            "what",
            "how",
            "why",
            "where",
            "has",
            "have",
            "had",
            "do",
            "does",
            "did",
            "will",
            "would",
            "can",
            "could",
            "should",
            "may",
            "might",
            "must",
            "also",
            "it",
            "he",
            "she",
            "they",
            "we",
            "i",
            "you",
            "him",
            "them",
            "us",
            "me",
            "by",
            "about",
            "after",
            "before",
            "into",
            "over",
            "under",
            "then",
            "just",
            "even",
            "only",
            "very",
            "said",
            "says",
            "told",
            "according",
            "like",
        ],
    )
}

/// Head nouns that can stand without a determiner as speakers ("officials said", "police
/// said"): plurals and a few collective nouns.
pub(crate) fn is_bare_speaker_head(word: &str) -> bool {
    if is_cap(word) {
        return false;
    }
    (word.len() > 3 && word.ends_with('s') && !word.ends_with("ss"))
        || in_ci(
            word,
            &[
                "police",
                "staff",
                "leadership",
                "management",
                "government",
                "spokesperson",
                "spokesman",
                "spokeswoman",
            ],
        )
}

/// Title words stripped from the front of a name to get the named mention
/// ("Sen. Elizabeth Warren" -> "Elizabeth Warren").
pub(crate) fn is_title(word: &str) -> bool {
    in_ci(
        word,
        &[
            "mr.",
            "mrs.",
            "ms.",
            "dr.",
            "sen.",
            "rep.",
            "gov.",
            "gen.",
            "lt.",
            "col.",
            "sgt.",
            "capt.",
            "adm.",
            "prof.",
            "rev.",
            "pres.",
            "amb.",
            "president",
            "senator",
            "secretary",
            "governor",
            "representative",
            "congressman",
            "congresswoman",
            "mayor",
            "judge",
            "justice",
            "speaker",
            "leader",
            "chairman",
            "chairwoman",
            "chair",
            "director",
            "minister",
            "prime",
            "vice",
            "deputy",
            "chief",
            "general",
            "attorney",
            "ambassador",
            "commissioner",
            "sheriff",
            "officer",
            "candidate",
            "nominee",
            "former",
            "state",
            "house",
            "senate",
            "majority",
            "minority",
            "press",
            "pope",
            "king",
            "queen",
            "prince",
            "princess",
            "professor",
            "doctor",
            "sir",
            "lady",
            "lord",
            "democrat",
            "republican",
            "democratic",
            "gop",
            "presidential",
            "candidate",
        ],
    )
}
