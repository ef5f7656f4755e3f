//! Evaluation of the recogniser on CoNLL-format files, for `tidings eval ner FILE
//! [--predictions OUT]`: reads the file, tags every document with [`super::tag_document`]
//! (document context: `-DOCSTART-` separates documents), and scores entity-level exact
//! match per type (PER, ORG, LOC; MISC left out) overall and on the "prose" subset. The
//! counting follows `shared/tools/ner_score.py --types PER,ORG,LOC` exactly, and
//! [`Report::predictions_conll`] is a file that scorer accepts as predictions.
//!
//! ```no_run
//! let text = std::fs::read_to_string("gold.txt").unwrap();
//! let report = tidings_enrich::ner::eval::evaluate(&text).unwrap();
//! print!("{}", report.to_text());
//! std::fs::write("pred.txt", &report.predictions_conll).unwrap();
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;

/// Types scored (MISC is left out, as in the project's headline numbers).
pub const SCORED_TYPES: [&str; 3] = ["LOC", "ORG", "PER"];

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("line {line}: need at least 'token tag', got {text:?}")]
    BadLine { line: usize, text: String },
    #[error("no sentences in the input")]
    Empty,
}

/// One sentence of a CoNLL file: tokens, gold tags (last column) and the original lines.
#[derive(Debug, Clone, Default)]
pub struct ConllSentence {
    pub tokens: Vec<String>,
    pub tags: Vec<String>,
    pub lines: Vec<String>,
}

/// Sentences between two `-DOCSTART-` lines.
#[derive(Debug, Clone, Default)]
pub struct ConllDoc {
    pub sentences: Vec<ConllSentence>,
}

/// Reads CoNLL text: one token per line, whitespace-separated columns, last column the tag;
/// blank lines end sentences; `-DOCSTART-` lines start documents.
pub fn parse_conll(text: &str) -> Result<Vec<ConllDoc>, EvalError> {
    let mut docs = vec![ConllDoc::default()];
    let mut cur = ConllSentence::default();
    fn flush(docs: &mut [ConllDoc], cur: &mut ConllSentence) {
        if !cur.tokens.is_empty()
            && let Some(d) = docs.last_mut()
        {
            d.sentences.push(std::mem::take(cur));
        }
    }
    for (no, line) in text.lines().enumerate() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        match cols.as_slice() {
            [] => flush(&mut docs, &mut cur),
            ["-DOCSTART-", ..] => {
                flush(&mut docs, &mut cur);
                docs.push(ConllDoc::default());
            }
            [_] => {
                return Err(EvalError::BadLine {
                    line: no + 1,
                    text: line.to_string(),
                });
            }
            [first, .., last] => {
                cur.tokens.push((*first).to_string());
                cur.tags.push((*last).to_string());
                cur.lines.push(line.trim_end().to_string());
            }
        }
    }
    flush(&mut docs, &mut cur);
    docs.retain(|d| !d.sentences.is_empty());
    Ok(docs)
}

/// Precision, recall, F1 and the counts behind them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub correct: usize,
    pub pred: usize,
    pub gold: usize,
}

impl Prf {
    fn from_counts(correct: usize, pred: usize, gold: usize) -> Prf {
        let p = if pred > 0 {
            correct as f64 / pred as f64
        } else {
            0.0
        };
        let r = if gold > 0 {
            correct as f64 / gold as f64
        } else {
            0.0
        };
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        Prf {
            precision: p,
            recall: r,
            f1,
            correct,
            pred,
            gold,
        }
    }
}

/// Scores over a set of sentences: overall (micro) and per type, sorted by type name.
#[derive(Debug, Clone, Default)]
pub struct Scores {
    pub sentences: usize,
    pub tokens: usize,
    pub overall: Prf,
    pub per_type: Vec<(String, Prf)>,
}

/// Everything `tidings eval ner` prints or writes.
#[derive(Debug, Clone)]
pub struct Report {
    /// All sentences.
    pub all: Scores,
    /// Only "prose" sentences (see [`is_prose`]).
    pub prose: Scores,
    pub documents: usize,
    /// Time spent tagging (not reading or scoring), and the resulting throughput.
    pub seconds: f64,
    pub tokens_per_second: f64,
    /// The input with the predicted tag appended to every token line (scorer input).
    pub predictions_conll: String,
}

fn split_tag(tag: &str) -> (char, &str) {
    if matches!(tag, "O" | "-" | "_" | "") {
        return ('O', "");
    }
    let b = tag.as_bytes();
    if b.len() > 2 && (b[1] == b'-' || b[1] == b'_') && b"BIESLUbiesluo".contains(&b[0]) {
        let p = match b[0].to_ascii_uppercase() {
            b'L' => 'E',
            b'U' => 'S',
            x => x as char,
        };
        return (p, &tag[2..]);
    }
    ('I', tag)
}

/// Tag sequence → (start, end, type) with conlleval's chunk rules (same as the scorer).
pub fn tags_to_spans<S: AsRef<str>>(tags: &[S]) -> Vec<(usize, usize, String)> {
    let mut spans = Vec::new();
    let mut start: Option<(usize, String)> = None;
    let (mut pp, mut pt) = ('O', String::new());
    for i in 0..=tags.len() {
        let (p, t) = if i < tags.len() {
            split_tag(tags[i].as_ref())
        } else {
            ('O', "")
        };
        let ends = matches!(pp, 'E' | 'S')
            || (matches!(pp, 'B' | 'I') && matches!(p, 'B' | 'S' | 'O'))
            || (pp != 'O' && pt != t);
        if ends && let Some((s, ty)) = start.take() {
            spans.push((s, i, ty));
        }
        let starts = matches!(p, 'B' | 'S')
            || (matches!(pp, 'E' | 'S') && matches!(p, 'E' | 'I'))
            || (pp == 'O' && matches!(p, 'E' | 'I'))
            || (p != 'O' && pt != t);
        if starts {
            start = Some((i, t.to_string()));
        }
        pp = p;
        pt = t.to_string();
    }
    spans
}

/// The scorer's "prose" sentence: at least 8 tokens, at most 15% of tokens containing a
/// digit, and at least 30% of the tokens that start with a letter starting lower-case.
pub fn is_prose<S: AsRef<str>>(tokens: &[S]) -> bool {
    let n = tokens.len();
    if n < 8 {
        return false;
    }
    let digits = tokens
        .iter()
        .filter(|t| t.as_ref().chars().any(char::is_numeric))
        .count();
    let firsts: Vec<char> = tokens
        .iter()
        .filter_map(|t| t.as_ref().chars().next())
        .filter(|c| c.is_alphabetic())
        .collect();
    let lower = firsts.iter().filter(|c| c.is_lowercase()).count();
    digits as f64 <= 0.15 * n as f64
        && !firsts.is_empty()
        && lower as f64 >= 0.3 * firsts.len() as f64
}

#[derive(Default)]
struct Counter {
    sentences: usize,
    tokens: usize,
    by_type: BTreeMap<String, [usize; 3]>,
}

impl Counter {
    fn add(
        &mut self,
        tokens: usize,
        gold: &[(usize, usize, String)],
        pred: &[(usize, usize, String)],
    ) {
        self.sentences += 1;
        self.tokens += tokens;
        let keep = |s: &&(usize, usize, String)| SCORED_TYPES.contains(&s.2.as_str());
        // The scorer compares sets, so duplicates cannot occur; spans are unique anyway.
        let g: Vec<&(usize, usize, String)> = gold.iter().filter(keep).collect();
        let p: Vec<&(usize, usize, String)> = pred.iter().filter(keep).collect();
        for s in &g {
            self.by_type.entry(s.2.clone()).or_default()[2] += 1;
        }
        for s in &p {
            self.by_type.entry(s.2.clone()).or_default()[1] += 1;
            if g.contains(s) {
                self.by_type.entry(s.2.clone()).or_default()[0] += 1;
            }
        }
    }

    fn scores(&self) -> Scores {
        let mut tot = [0usize; 3];
        let mut per_type = Vec::new();
        for (ty, c) in &self.by_type {
            for k in 0..3 {
                tot[k] += c[k];
            }
            per_type.push((ty.clone(), Prf::from_counts(c[0], c[1], c[2])));
        }
        Scores {
            sentences: self.sentences,
            tokens: self.tokens,
            overall: Prf::from_counts(tot[0], tot[1], tot[2]),
            per_type,
        }
    }
}

/// Tags and scores a CoNLL file given as text.
pub fn evaluate(conll_text: &str) -> Result<Report, EvalError> {
    let docs = parse_conll(conll_text)?;
    if docs.is_empty() {
        return Err(EvalError::Empty);
    }
    let started = Instant::now();
    let predicted: Vec<Vec<Vec<&'static str>>> = docs
        .iter()
        .map(|d| {
            let sents: Vec<&[String]> = d.sentences.iter().map(|s| s.tokens.as_slice()).collect();
            let sents: Vec<Vec<&str>> = sents
                .iter()
                .map(|s| s.iter().map(String::as_str).collect())
                .collect();
            super::tag_document(&sents)
        })
        .collect();
    let seconds = started.elapsed().as_secs_f64();
    let mut all = Counter::default();
    let mut prose = Counter::default();
    let mut out = String::new();
    for (d, pd) in docs.iter().zip(&predicted) {
        out.push_str("-DOCSTART- -X- -X- O O\n\n");
        for (s, ps) in d.sentences.iter().zip(pd) {
            let gold = tags_to_spans(&s.tags);
            let pred = tags_to_spans(ps);
            all.add(s.tokens.len(), &gold, &pred);
            if is_prose(&s.tokens) {
                prose.add(s.tokens.len(), &gold, &pred);
            }
            for (line, tag) in s.lines.iter().zip(ps) {
                let _ = writeln!(out, "{line} {tag}");
            }
            out.push('\n');
        }
    }
    let all = all.scores();
    Ok(Report {
        tokens_per_second: if seconds > 0.0 {
            all.tokens as f64 / seconds
        } else {
            0.0
        },
        all,
        prose: prose.scores(),
        documents: docs.len(),
        seconds,
        predictions_conll: out,
    })
}

impl Report {
    /// A conlleval-like summary: overall and prose, per type, plus speed.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} documents, {} sentences, {} tokens; tagged in {:.2}s ({:.0} tokens/s)",
            self.documents,
            self.all.sentences,
            self.all.tokens,
            self.seconds,
            self.tokens_per_second
        );
        for (name, s) in [("all", &self.all), ("prose", &self.prose)] {
            let o = &s.overall;
            let _ = writeln!(
                out,
                "{name} ({} sentences, {} tokens), types PER,ORG,LOC: precision {:6.2}%  recall {:6.2}%  F1 {:6.2}  (gold {} pred {} correct {})",
                s.sentences,
                s.tokens,
                100.0 * o.precision,
                100.0 * o.recall,
                100.0 * o.f1,
                o.gold,
                o.pred,
                o.correct
            );
            for (ty, p) in &s.per_type {
                let _ = writeln!(
                    out,
                    "  {ty:>4}: precision {:6.2}%  recall {:6.2}%  F1 {:6.2}  (gold {} pred {} correct {})",
                    100.0 * p.precision,
                    100.0 * p.recall,
                    100.0 * p.f1,
                    p.gold,
                    p.pred,
                    p.correct
                );
            }
        }
        out
    }
}
