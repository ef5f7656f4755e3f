//! Feature extraction for the tagger: per-token hashed features from the word, its shape,
//! affixes, neighbours, gazetteer matches and document-level evidence (how the same word is
//! written elsewhere in the document, and how the first pass labelled it there).
//!
//! Features are 64-bit hashes (template id + strings) so nothing is stored per feature
//! name; the model maps hashes to weight rows.

use std::collections::HashMap;

use super::gazetteer::{self, GAZ};

/// Per-word label counts from the first pass over a document: PER, ORG, LOC, MISC, O
/// (O counted only for capitalised occurrences).
pub(crate) type DocLabels = HashMap<String, [u16; 5]>;

/// Static features of one sentence, plus what the dynamic (previous-tag) features need.
pub(crate) struct SentFeats {
    pub feats: Vec<u64>,
    /// `feats[offs[i]..offs[i + 1]]` belong to token `i`.
    pub offs: Vec<u32>,
    /// Hash of the lower-cased word and of the short shape, for previous-tag conjunctions.
    pub word_h: Vec<u64>,
    pub shape_h: Vec<u64>,
    /// Lower-cased (true-cased for all-caps lines) words, for document label statistics.
    pub lower: Vec<String>,
    pub capitalised: Vec<bool>,
}

impl SentFeats {
    pub fn len(&self) -> usize {
        self.word_h.len()
    }
    pub fn token(&self, i: usize) -> &[u64] {
        &self.feats[self.offs[i] as usize..self.offs[i + 1] as usize]
    }
}

const FNV_PRIME: u64 = 0x0100_0000_01b3;

#[inline]
fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// splitmix64 finaliser: the model takes the top bits of the hash.
#[inline]
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[inline]
fn seed(t: u8) -> u64 {
    0xcbf2_9ce4_8422_2325 ^ (u64::from(t) << 56) ^ u64::from(t)
}

#[inline]
fn f1(t: u8, a: &str) -> u64 {
    mix(fnv(seed(t), a.as_bytes()))
}

#[inline]
fn f2(t: u8, a: &str, b: &str) -> u64 {
    mix(fnv(fnv(seed(t), a.as_bytes()) ^ 0x1f, b.as_bytes()))
}

#[inline]
fn fn_(t: u8, v: u64) -> u64 {
    mix(seed(t) ^ v.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

/// Dynamic features: previous tags, alone and with the current word and shape.
#[inline]
pub(crate) fn dynamic(s: &SentFeats, i: usize, p1: u8, p2: u8) -> [u64; 4] {
    [
        fn_(200, u64::from(p1)),
        fn_(201, u64::from(p2) << 8 | u64::from(p1)),
        mix(s.shape_h[i] ^ fn_(202, u64::from(p1))),
        mix(s.word_h[i] ^ fn_(203, u64::from(p1))),
    ]
}

/// Word shape: X for upper, x for lower, d for digits, other characters kept; runs longer
/// than 3 collapsed (`long`), or all runs collapsed (`short`).
fn shapes(word: &str) -> (String, String) {
    let mut long = String::new();
    let mut short = String::new();
    let mut last = '\0';
    let mut run = 0;
    for c in word.chars().take(40) {
        let k = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else if c.is_ascii() {
            c
        } else if c.is_alphabetic() {
            'a'
        } else {
            'o'
        };
        if k == last {
            run += 1;
        } else {
            run = 1;
            short.push(k);
        }
        if run <= 3 {
            long.push(k);
        }
        last = k;
    }
    (long, short)
}

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn all_caps_word(word: &str) -> bool {
    let mut letters = 0;
    for c in word.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_alphabetic() {
            letters += 1;
        }
    }
    letters >= 2
}

/// A sentence written all in capitals (headline, dateline): its case carries no signal.
fn is_all_caps_sentence<S: AsRef<str>>(tokens: &[S]) -> bool {
    let mut words = 0;
    let mut caps = 0;
    for t in tokens {
        let t = t.as_ref();
        if t.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
            words += 1;
            if all_caps_word(t) {
                caps += 1;
            }
        }
    }
    words >= 1 && caps * 10 >= words * 8 && !(words == 1 && tokens.len() == 1 && caps == 1)
}

#[derive(Default)]
struct WordStats {
    /// Capitalised occurrences not at the start of a sentence.
    cap_mid: u32,
    /// Lower-case occurrences.
    lower: u32,
    /// Most frequent mixed-case spelling (for true-casing all-caps lines).
    form: Option<(String, u32)>,
}

/// Document-level statistics over the sentences that are not in all capitals.
struct DocStats {
    words: HashMap<String, WordStats>,
}

impl DocStats {
    fn new<S: AsRef<str>>(sents: &[Vec<S>], caps: &[bool]) -> DocStats {
        let mut words: HashMap<String, WordStats> = HashMap::new();
        let mut forms: HashMap<&str, u32> = HashMap::new();
        for (s, &is_caps) in sents.iter().zip(caps) {
            if is_caps {
                continue;
            }
            for (i, t) in s.iter().enumerate() {
                let t = t.as_ref();
                if !t.chars().next().is_some_and(char::is_alphabetic) {
                    continue;
                }
                let st = words.entry(t.to_lowercase()).or_default();
                if is_capitalised(t) {
                    if i > 0 {
                        st.cap_mid += 1;
                        *forms.entry(t).or_insert(0) += 1;
                    }
                } else {
                    st.lower += 1;
                    *forms.entry(t).or_insert(0) += 1;
                }
            }
        }
        for (form, n) in forms {
            if let Some(st) = words.get_mut(&form.to_lowercase()) {
                let better = match &st.form {
                    None => true,
                    Some((f, m)) => n > *m || (n == *m && form < f.as_str()),
                };
                if better {
                    st.form = Some((form.to_string(), n));
                }
            }
        }
        DocStats { words }
    }

    /// Spelling for a word on an all-caps line: as written elsewhere in the document, else
    /// as is for short acronyms, title case for gazetteer names and places, else lower case
    /// (unknown words stay untagged rather than guessed).
    fn truecase(&self, word: &str) -> String {
        let lower = word.to_lowercase();
        if let Some((f, _)) = self.words.get(&lower).and_then(|s| s.form.as_ref()) {
            return f.clone();
        }
        if !all_caps_word(word) || word.chars().count() <= 3 {
            return word.to_string();
        }
        let g = GAZ.word(&lower);
        let place_or_name = gazetteer::COUNTRY
            | gazetteer::STATE
            | gazetteer::CITY
            | gazetteer::FIRST
            | gazetteer::SURNAME
            | gazetteer::DEMONYM;
        if g & place_or_name == 0 {
            return lower;
        }
        // A known name or place.
        let mut out = String::with_capacity(lower.len());
        let mut first = true;
        for c in lower.chars() {
            if first && c.is_alphabetic() {
                out.extend(c.to_uppercase());
                first = false;
            } else {
                out.push(c);
                if !c.is_alphabetic() {
                    first = true;
                }
            }
        }
        out
    }
}

const GAZ_NAMES: [&str; 8] = [
    "country", "state", "city", "first", "surname", "demonym", "orgcue", "title",
];

fn push_bits(out: &mut Vec<u64>, t: u8, pos: &str, bits: u8) {
    for (k, name) in GAZ_NAMES.iter().enumerate() {
        if bits & (1 << k) != 0 {
            out.push(f2(t, pos, name));
        }
    }
}

/// One document's sentences with their document-level statistics; sentences are prepared
/// one at a time so memory stays proportional to one sentence's features.
pub(crate) struct DocCtx<'a, S: AsRef<str>> {
    sents: &'a [Vec<S>],
    caps: Vec<bool>,
    stats: DocStats,
}

impl<'a, S: AsRef<str>> DocCtx<'a, S> {
    pub fn new(sents: &'a [Vec<S>]) -> Self {
        let caps: Vec<bool> = sents.iter().map(|s| is_all_caps_sentence(s)).collect();
        let stats = DocStats::new(sents, &caps);
        DocCtx { sents, caps, stats }
    }

    /// Features of sentence `i`; `labels` are the first-pass labels of the document's
    /// words (second pass only).
    pub fn prepare(&self, i: usize, labels: Option<&DocLabels>) -> SentFeats {
        let raw: Vec<&str> = self.sents[i].iter().map(AsRef::as_ref).collect();
        prepare_sentence(&raw, self.caps[i], &self.stats, labels)
    }
}

fn digit_norm(lower: &str) -> String {
    if lower.bytes().any(|b| b.is_ascii_digit()) {
        lower
            .chars()
            .map(|c| if c.is_ascii_digit() { '0' } else { c })
            .collect()
    } else {
        lower.to_string()
    }
}

fn prepare_sentence(
    raw: &[&str],
    is_caps: bool,
    stats: &DocStats,
    labels: Option<&DocLabels>,
) -> SentFeats {
    let n = raw.len();
    let words: Vec<String> = if is_caps {
        raw.iter().map(|w| stats.truecase(w)).collect()
    } else {
        raw.iter().map(|w| w.to_string()).collect()
    };
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let norm: Vec<String> = lower.iter().map(|w| digit_norm(w)).collect();
    let capitalised: Vec<bool> = words.iter().map(|w| is_capitalised(w)).collect();
    let shape: Vec<(String, String)> = words.iter().map(|w| shapes(w)).collect();
    let (gb, gi) = GAZ.tag(&lower, &capitalised);
    let word_h: Vec<u64> = norm.iter().map(|w| f1(1, w)).collect();
    let shape_h: Vec<u64> = shape.iter().map(|s| f1(4, &s.1)).collect();

    let w = |k: isize| -> &str {
        let j = k;
        if j < 0 {
            "<s>"
        } else if j as usize >= n {
            "</s>"
        } else {
            &norm[j as usize]
        }
    };
    let sh = |k: isize| -> &str {
        if k < 0 {
            "<s>"
        } else if k as usize >= n {
            "</s>"
        } else {
            &shape[k as usize].1
        }
    };
    let mut feats = Vec::with_capacity(n * 48);
    let mut offs = Vec::with_capacity(n + 1);
    offs.push(0u32);
    for i in 0..n {
        let ii = i as isize;
        let word = &words[i];
        let lw = &norm[i];
        feats.push(f1(0, ""));
        feats.push(word_h[i]);
        feats.push(f1(2, word));
        feats.push(f1(3, &shape[i].0));
        feats.push(shape_h[i]);
        let chars: Vec<char> = lw.chars().take(6).collect();
        let rchars: Vec<char> = lw.chars().rev().take(4).collect();
        for k in 1..=3usize.min(chars.len()) {
            let p: String = chars[..k].iter().collect();
            feats.push(f1(4 + k as u8, &p));
        }
        for k in 1..=4usize.min(rchars.len()) {
            let p: String = rchars[..k].iter().rev().collect();
            feats.push(f1(8 + k as u8, &p));
        }
        feats.push(f2(
            13,
            if i == 0 { "first" } else { "mid" },
            if capitalised[i] { "cap" } else { "nocap" },
        ));
        feats.push(f1(14, w(ii - 1)));
        feats.push(f1(15, w(ii + 1)));
        feats.push(f1(16, w(ii - 2)));
        feats.push(f1(17, w(ii + 2)));
        feats.push(f1(18, sh(ii - 1)));
        feats.push(f1(19, sh(ii + 1)));
        feats.push(f2(20, w(ii - 1), lw));
        feats.push(f2(21, lw, w(ii + 1)));
        feats.push(f2(22, &shape[i].1, w(ii - 1)));
        feats.push(f2(23, &shape[i].1, w(ii + 1)));
        feats.push(f2(24, sh(ii - 1), &shape[i].1));
        feats.push(f2(25, &shape[i].1, sh(ii + 1)));
        // Gazetteers: this token (begin / inside a match) and its neighbours.
        push_bits(&mut feats, 30, "b", gb[i]);
        push_bits(&mut feats, 30, "i", gi[i]);
        if i > 0 {
            push_bits(&mut feats, 31, "prev", gb[i - 1] | gi[i - 1]);
        }
        if i + 1 < n {
            push_bits(&mut feats, 32, "next", gb[i + 1] | gi[i + 1]);
        }
        if i > 1 {
            push_bits(&mut feats, 33, "prev2", gb[i - 2] | gi[i - 2]);
        }
        if i + 2 < n {
            push_bits(&mut feats, 33, "next2", gb[i + 2] | gi[i + 2]);
        }
        if is_caps {
            feats.push(f1(40, "capsline"));
            feats.push(f2(41, "capsline", &shape[i].1));
        }
        // Document evidence for capitalised words: is the word written in lower case
        // elsewhere (a common word), or capitalised mid-sentence (a name)?
        if capitalised[i] {
            let st = stats.words.get(&lower[i]);
            let lower_seen = st.is_some_and(|s| s.lower > 0);
            let mid_seen = st.is_some_and(|s| s.cap_mid > u32::from(i > 0 && !is_caps));
            feats.push(f2(
                42,
                if lower_seen { "lower" } else { "nolower" },
                if mid_seen { "mid" } else { "nomid" },
            ));
            feats.push(f2(
                43,
                if i == 0 { "first" } else { "mid" },
                if lower_seen { "lower" } else { "nolower" },
            ));
        }
        if let Some(labels) = labels
            && capitalised[i]
            && let Some(c) = labels.get(&lower[i])
        {
            let total: u32 = c.iter().map(|&x| u32::from(x)).sum();
            let (best, &bc) = c
                .iter()
                .enumerate()
                .max_by_key(|&(k, &v)| (v, std::cmp::Reverse(k)))
                .unwrap_or((4, &0));
            const NAMES: [&str; 5] = ["PER", "ORG", "LOC", "MISC", "O"];
            feats.push(f1(50, NAMES[best]));
            if u32::from(bc) * 2 > total && total >= 2 {
                feats.push(f2(51, NAMES[best], &shape[i].1));
            }
            for (k, &v) in c.iter().enumerate().take(4) {
                if v > 0 {
                    feats.push(f1(52, NAMES[k]));
                }
            }
        }
        offs.push(feats.len() as u32);
    }
    SentFeats {
        feats,
        offs,
        word_h,
        shape_h,
        lower,
        capitalised,
    }
}
