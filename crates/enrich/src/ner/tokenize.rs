//! Raw text → blocks → sentences → word tokens with byte offsets, in one linear pass.
//! Tokens follow CoNLL/PTB conventions closely enough for the model: punctuation split off,
//! possessive `'s` and `n't` separate, abbreviations ("U.S.", "Mr.") kept whole.

/// A token: `text[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tok {
    pub start: usize,
    pub end: usize,
}

/// Sentences longer than this are cut, so per-sentence work stays bounded on text with no
/// sentence punctuation at all (one 5 MB paragraph).
pub(crate) const MAX_SENTENCE: usize = 150;

const OPENERS: &[char] = &[
    '"', '\'', '“', '‘', '(', '[', '{', '«', '<', '*', '„', '‚', '¿', '¡',
];
const CLOSERS: &[char] = &[
    '"', '\'', '”', '’', ')', ']', '}', '»', '>', '*', ',', ';', ':', '!', '?',
];
const DASHES: &[char] = &['—', '–', '―'];

/// Words that keep their final period.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "st", "jr", "sr", "inc", "corp",
    "co", "ltd", "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "lt", "col", "capt", "sgt", "rev", "no", "mt", "ft", "maj", "adm", "cmdr",
    "ave", "blvd", "dept", "univ", "fig", "approx", "calif", "fla", "mass", "wash", "ariz", "ala",
    "ark", "colo", "conn", "del", "ga", "ill", "ind", "kan", "ky", "la", "md", "mich", "minn",
    "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa", "tenn", "va", "vt", "wis", "wyo",
    "bros",
];

fn is_abbreviation(word: &str) -> bool {
    // word is without its final '.'
    if word.contains('.') {
        return true; // "U.S", "a.m"
    }
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_alphabetic(); // initials: "J."
    }
    word.len() <= 5 && ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
}

/// Splits one whitespace-free chunk `text[start..end]` into tokens.
fn split_chunk(text: &str, mut start: usize, end: usize, out: &mut Vec<Tok>) {
    // Leading openers, one token each.
    while start < end {
        let Some(c) = text[start..end].chars().next() else {
            return;
        };
        if OPENERS.contains(&c) && start + c.len_utf8() < end {
            out.push(Tok {
                start,
                end: start + c.len_utf8(),
            });
            start += c.len_utf8();
        } else {
            break;
        }
    }
    // Trailing closers, collected in reverse and emitted after the core.
    let mut tail: Vec<Tok> = Vec::new();
    let mut core_end = end;
    loop {
        let core = &text[start..core_end];
        let Some(c) = core.chars().next_back() else {
            break;
        };
        let clen = c.len_utf8();
        if core.len() <= clen {
            break;
        }
        if CLOSERS.contains(&c) {
            // Keep apostrophes inside words ("rock'n'roll") but split a final one.
            tail.push(Tok {
                start: core_end - clen,
                end: core_end,
            });
            core_end -= clen;
            continue;
        }
        if c == '.' {
            let dots = core.bytes().rev().take_while(|&b| b == b'.').count();
            if dots >= 2 {
                tail.push(Tok {
                    start: core_end - dots,
                    end: core_end,
                });
                core_end -= dots;
                continue;
            }
            let word = &core[..core.len() - 1];
            if !is_abbreviation(word) {
                tail.push(Tok {
                    start: core_end - 1,
                    end: core_end,
                });
                core_end -= 1;
                continue;
            }
        }
        break;
    }
    let core = &text[start..core_end];
    // Possessive and negation clitics.
    let lower_tail = core.len().saturating_sub(3);
    let mut split_at = None;
    if core.len() > 2 {
        for suffix in ["'s", "’s", "'S", "’S"] {
            if core.ends_with(suffix) && core.len() > suffix.len() {
                split_at = Some(core.len() - suffix.len());
            }
        }
        if split_at.is_none()
            && core.is_char_boundary(lower_tail)
            && core[lower_tail..].eq_ignore_ascii_case("n't")
            && core.len() > 3
        {
            split_at = Some(lower_tail);
        }
    }
    match split_at {
        Some(k) => {
            out.push(Tok {
                start,
                end: start + k,
            });
            out.push(Tok {
                start: start + k,
                end: core_end,
            });
        }
        None if start < core_end => out.push(Tok {
            start,
            end: core_end,
        }),
        None => {}
    }
    out.extend(tail.into_iter().rev());
}

/// Tokenises one line-free block of text; offsets are absolute (block starts at `base`).
pub(crate) fn tokenize(text: &str, base: usize, end: usize, out: &mut Vec<Tok>) {
    let mut chunk_start: Option<usize> = None;
    let slice = &text[base..end];
    for (off, c) in slice.char_indices() {
        let pos = base + off;
        if c.is_whitespace() || DASHES.contains(&c) {
            if let Some(s) = chunk_start.take() {
                split_chunk(text, s, pos, out);
            }
            if !c.is_whitespace() {
                out.push(Tok {
                    start: pos,
                    end: pos + c.len_utf8(),
                });
            }
        } else if chunk_start.is_none() {
            chunk_start = Some(pos);
        }
    }
    if let Some(s) = chunk_start {
        split_chunk(text, s, end, out);
    }
}

/// Splits a block's tokens into sentences (ranges of token indexes).
pub(crate) fn sentences(text: &str, toks: &[Tok]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut begin = 0;
    let mut i = 0;
    while i < toks.len() {
        let t = &text[toks[i].start..toks[i].end];
        let mut end_here = false;
        if matches!(t, "." | "!" | "?" | "..." | "…") || t.ends_with("..") {
            // Attach closing quotes/brackets to the sentence they close.
            while i + 1 < toks.len()
                && matches!(
                    &text[toks[i + 1].start..toks[i + 1].end],
                    "\"" | "”" | "’" | "'" | ")" | "]"
                )
            {
                i += 1;
            }
            end_here = match toks.get(i + 1) {
                None => true,
                Some(n) => !text[n.start..n.end]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_lowercase()),
            };
        }
        if end_here || i + 1 - begin >= MAX_SENTENCE {
            out.push((begin, i + 1));
            begin = i + 1;
        }
        i += 1;
    }
    if begin < toks.len() {
        out.push((begin, toks.len()));
    }
    out
}

/// Byte ranges of the lines of `text` that contain something besides whitespace. Each
/// line is tagged as its own block (titles, paragraphs, list items).
pub(crate) fn blocks(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            if !text[start..i].trim().is_empty() {
                out.push((start, i));
            }
            start = i + 1;
        }
    }
    if start < text.len() && !text[start..].trim().is_empty() {
        out.push((start, text.len()));
    }
    out
}

/// Cheap check that a block is English in Latin script: mostly Latin letters, and (for
/// longer blocks) some common English function words. Other text gets no entities.
pub(crate) fn looks_english(block: &str, text: &str, toks: &[Tok]) -> bool {
    let mut letters = 0usize;
    let mut latin = 0usize;
    for c in block.chars().filter(|c| c.is_alphabetic()).take(2000) {
        letters += 1;
        if (c as u32) < 0x250 || ('\u{1E00}'..='\u{1EFF}').contains(&c) {
            latin += 1;
        }
    }
    if letters > 0 && latin * 10 < letters * 7 {
        return false;
    }
    let words: Vec<&str> = toks
        .iter()
        .take(400)
        .map(|t| &text[t.start..t.end])
        .filter(|w| w.chars().next().is_some_and(|c| c.is_alphabetic()))
        .collect();
    if words.len() < 15 {
        return true; // titles and short lines: too little evidence to reject
    }
    const FUNCTION_WORDS: &[&str] = &[
        "the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "was", "as", "by",
        "at", "from", "he", "she", "it", "said", "his", "her", "are", "be", "has", "have", "an",
        "this", "not", "but", "were", "they", "will", "who", "which", "or", "after", "i", "we",
        "you", "their", "its", "had", "been",
    ];
    let hits = words
        .iter()
        .filter(|w| FUNCTION_WORDS.iter().any(|f| f.eq_ignore_ascii_case(w)))
        .count();
    hits * 100 >= words.len() * 8
}
