//! Evaluation of [`extract`](super::extract) against a quote-attribution gold set in the
//! PolNeAR JSONL format (`shared/datasets/quotes/README.md`), for `tidings eval quotes`.
//!
//! The scoring mirrors `shared/tools/quote_score.py` exactly, so the numbers printed here
//! and the script's numbers on the written predictions agree: quote content is compared as
//! sets of character positions without white space and quotation marks; `overlap` pairs
//! predictions and gold one-to-one at Jaccard >= 0.5, best first; `contain` accepts a
//! prediction lying >= 90% inside one gold content. Offsets in the files are character
//! (code point) offsets, as Python counts them, so byte offsets are converted on the way out.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

use serde::Deserialize;

use crate::ner;

/// An evaluation input or prediction file that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("line {line}: {source}")]
    Json {
        line: usize,
        #[source]
        source: serde_json::Error,
    },
    #[error("line {line}: unknown article id {id:?}")]
    UnknownId { line: usize, id: String },
}

/// How predicted quotes are matched with gold attributions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchMode {
    /// One-to-one, Jaccard of positions >= 0.5.
    Overlap,
    /// A prediction is right when >= 90% of it lies in one gold content.
    Contain,
}

/// Scores in one match mode; fractions in 0..=1.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scores {
    pub gold: usize,
    pub gold_pronoun_sources: usize,
    pub pred_scored: usize,
    pub pred_ignored: usize,
    pub matched: usize,
    pub speaker_right: usize,
    pub quote_precision: f64,
    pub quote_recall: f64,
    pub quote_f1: f64,
    pub speaker_accuracy: f64,
    pub e2e_precision: f64,
    pub e2e_recall: f64,
    pub e2e_f1: f64,
}

/// The result of [`evaluate`].
#[derive(Debug, Clone)]
pub struct Report {
    pub overlap: Scores,
    pub contain: Scores,
    pub articles: usize,
    pub quotes_predicted: usize,
    /// One line per article in the format `quote_score.py` reads.
    pub predictions_jsonl: String,
}

impl Report {
    /// A plain-text summary, one block per match mode.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "articles {}; quotes predicted {}\n",
            self.articles, self.quotes_predicted
        );
        for (name, sc) in [("overlap", &self.overlap), ("contain", &self.contain)] {
            let _ = writeln!(s, "match: {name}");
            let _ = writeln!(
                s,
                "  gold {} (pronoun sources {}); predicted {} (+{} matched non-targets ignored)",
                sc.gold, sc.gold_pronoun_sources, sc.pred_scored, sc.pred_ignored
            );
            let _ = writeln!(
                s,
                "  quote detection   P {:6.2}  R {:6.2}  F1 {:6.2}",
                100.0 * sc.quote_precision,
                100.0 * sc.quote_recall,
                100.0 * sc.quote_f1
            );
            let _ = writeln!(
                s,
                "  speaker accuracy on {} matched quotes: {:6.2}",
                sc.matched,
                100.0 * sc.speaker_accuracy
            );
            let _ = writeln!(
                s,
                "  end-to-end        P {:6.2}  R {:6.2}  F1 {:6.2}",
                100.0 * sc.e2e_precision,
                100.0 * sc.e2e_recall,
                100.0 * sc.e2e_f1
            );
        }
        s
    }
}

#[derive(Deserialize)]
struct GoldArticle {
    id: String,
    text: String,
    #[serde(default)]
    attributions: Vec<GoldAttribution>,
}

#[derive(Deserialize)]
struct GoldAttribution {
    content: Vec<(usize, usize)>,
    #[serde(default)]
    source: Vec<(usize, usize)>,
    #[serde(default)]
    source_text: String,
    #[serde(default)]
    direct: bool,
}

/// One predicted quote in character offsets.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PredQuote {
    pub content: Vec<(usize, usize)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker_span: Option<(usize, usize)>,
}

#[derive(Deserialize)]
struct PredLine {
    id: String,
    #[serde(default)]
    quotes: Vec<PredIn>,
}

#[derive(Deserialize)]
struct PredIn {
    #[serde(default)]
    content: Option<serde_json::Value>,
    #[serde(default)]
    speaker: Option<String>,
    #[serde(default)]
    speaker_span: Option<(usize, usize)>,
}

/// Byte-to-character offset conversion for one text.
struct CharIndex {
    starts: Vec<usize>,
}

impl CharIndex {
    fn new(text: &str) -> Self {
        Self {
            starts: text.char_indices().map(|(i, _)| i).collect(),
        }
    }
    /// Character offset of byte offset `b` (a byte inside a char maps to that char).
    fn of(&self, b: usize) -> usize {
        self.starts.partition_point(|&s| s < b)
    }
}

/// Runs recognition and extraction on one text and converts the quotes to the scorer's
/// prediction form: `speaker` is the resolved name when there is one (so "he" is scored as
/// the person), `speaker_span` the speaker as written (so a pronoun can match its span).
pub fn predict(text: &str) -> Vec<PredQuote> {
    let mentions = ner::recognize(text);
    let idx = CharIndex::new(text);
    super::extract(text, &mentions)
        .into_iter()
        .map(|q| {
            let as_chars = |r: &std::ops::Range<usize>| (idx.of(r.start), idx.of(r.end));
            let name = q.speaker_entity.as_ref().or(q.speaker.as_ref());
            PredQuote {
                content: q.content.iter().map(as_chars).collect(),
                speaker: name.and_then(|r| text.get(r.clone())).map(str::to_owned),
                speaker_span: q
                    .speaker
                    .as_ref()
                    .or(q.speaker_entity.as_ref())
                    .map(as_chars),
            }
        })
        .collect()
}

fn parse_gold(jsonl: &str) -> Result<Vec<GoldArticle>, EvalError> {
    let mut out = Vec::new();
    for (no, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let a: GoldArticle = serde_json::from_str(line).map_err(|source| EvalError::Json {
            line: no + 1,
            source,
        })?;
        out.push(a);
    }
    Ok(out)
}

/// Runs the extractor over every article of `jsonl` (gold format) and scores it in both
/// match modes.
pub fn evaluate(jsonl: &str) -> Result<Report, EvalError> {
    let gold = parse_gold(jsonl)?;
    let mut preds = HashMap::new();
    let mut lines = String::new();
    let mut n = 0;
    for a in &gold {
        let p = predict(&a.text);
        n += p.len();
        let line = serde_json::json!({"id": a.id, "quotes": p});
        lines.push_str(&line.to_string());
        lines.push('\n');
        preds.insert(a.id.clone(), p);
    }
    Ok(Report {
        overlap: score(&gold, &preds, MatchMode::Overlap),
        contain: score(&gold, &preds, MatchMode::Contain),
        articles: gold.len(),
        quotes_predicted: n,
        predictions_jsonl: lines,
    })
}

/// Scores a predictions file (the scorer's format, `content` as offsets) against gold,
/// like `quote_score.py GOLD PRED --match MODE`.
pub fn score_files(
    gold_jsonl: &str,
    pred_jsonl: &str,
    mode: MatchMode,
) -> Result<Scores, EvalError> {
    let gold = parse_gold(gold_jsonl)?;
    let ids: HashSet<&str> = gold.iter().map(|a| a.id.as_str()).collect();
    let mut preds = HashMap::new();
    for (no, line) in pred_jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let p: PredLine = serde_json::from_str(line).map_err(|source| EvalError::Json {
            line: no + 1,
            source,
        })?;
        if !ids.contains(p.id.as_str()) {
            return Err(EvalError::UnknownId {
                line: no + 1,
                id: p.id,
            });
        }
        let quotes = p
            .quotes
            .into_iter()
            .map(|q| PredQuote {
                content: q.content.map(spans_of).unwrap_or_default(),
                speaker: q.speaker,
                speaker_span: q.speaker_span,
            })
            .collect();
        preds.insert(p.id, quotes);
    }
    Ok(score(&gold, &preds, mode))
}

/// `[s, e]` or `[[s, e], …]`.
fn spans_of(v: serde_json::Value) -> Vec<(usize, usize)> {
    if let Ok(one) = serde_json::from_value::<(usize, usize)>(v.clone()) {
        return vec![one];
    }
    serde_json::from_value(v).unwrap_or_default()
}

fn is_skip(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t'
            | '\n'
            | '\r'
            | '\u{a0}'
            | '\u{201c}'
            | '\u{201d}'
            | '\u{2018}'
            | '\u{2019}'
            | '"'
            | '\''
    )
}

fn positions(chars: &[char], spans: &[(usize, usize)]) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    for &(a, b) in spans {
        let b = b.min(chars.len());
        let a = a.min(b);
        out.extend(
            chars[a..b]
                .iter()
                .enumerate()
                .filter(|(_, c)| !is_skip(**c))
                .map(|(k, _)| a + k),
        );
    }
    out
}

/// Lower-cased words as the scorer's `[a-z0-9\u00c0-\u024f]+` finds them.
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || ('\u{c0}'..='\u{24f}').contains(&c) {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn speaker_ok(p: &PredQuote, g: &GoldAttribution) -> bool {
    if g.source.is_empty() {
        return p.speaker.as_deref().is_none_or(str::is_empty) && p.speaker_span.is_none();
    }
    if let Some((a, b)) = p.speaker_span
        && g.source.iter().any(|&(s, e)| a < e && s < b)
    {
        return true;
    }
    if let Some(name) = &p.speaker
        && !g.source_text.is_empty()
    {
        let gw: HashSet<String> = words(&g.source_text).into_iter().collect();
        if let Some(last) = words(name).last() {
            return gw.contains(last);
        }
    }
    false
}

const PRONOUNS: &[&str] = &[
    "he", "she", "they", "it", "we", "i", "you", "him", "her", "them",
];

fn score(gold: &[GoldArticle], preds: &HashMap<String, Vec<PredQuote>>, mode: MatchMode) -> Scores {
    let mut sc = Scores::default();
    let mut gold_hit = HashSet::new();
    let mut gold_spk_hit = HashSet::new();
    let empty = Vec::new();
    for (ai, a) in gold.iter().enumerate() {
        let chars: Vec<char> = a.text.chars().collect();
        let targets: Vec<bool> = a.attributions.iter().map(|g| g.direct).collect();
        sc.gold += targets.iter().filter(|&&t| t).count();
        sc.gold_pronoun_sources += a
            .attributions
            .iter()
            .filter(|g| {
                g.direct && PRONOUNS.contains(&g.source_text.trim().to_lowercase().as_str())
            })
            .count();
        let gpos: Vec<BTreeSet<usize>> = a
            .attributions
            .iter()
            .map(|g| positions(&chars, &g.content))
            .collect();
        let ps = preds.get(&a.id).unwrap_or(&empty);
        let ppos: Vec<BTreeSet<usize>> = ps.iter().map(|p| positions(&chars, &p.content)).collect();
        let mut cands: Vec<(f64, usize, usize)> = Vec::new();
        for (pi, pp) in ppos.iter().enumerate() {
            for (gi, gp) in gpos.iter().enumerate() {
                if pp.is_empty() || gp.is_empty() {
                    continue;
                }
                let inter = pp.intersection(gp).count();
                if inter == 0 {
                    continue;
                }
                match mode {
                    MatchMode::Contain => {
                        if inter as f64 >= 0.9 * pp.len() as f64 {
                            cands.push((inter as f64 / pp.len() as f64, pi, gi));
                        }
                    }
                    MatchMode::Overlap => {
                        let union = pp.len() + gp.len() - inter;
                        let jac = inter as f64 / union as f64;
                        if jac >= 0.5 {
                            cands.push((jac, pi, gi));
                        }
                    }
                }
            }
        }
        // Python sorts the (score, pi, gi) tuples in reverse: ties go to the larger indices.
        cands.sort_by(|x, y| y.partial_cmp(x).unwrap_or(std::cmp::Ordering::Equal));
        let mut pm: HashMap<usize, usize> = HashMap::new();
        let mut gm: HashSet<usize> = HashSet::new();
        for &(_, pi, gi) in &cands {
            if pm.contains_key(&pi) || (mode == MatchMode::Overlap && gm.contains(&gi)) {
                continue;
            }
            pm.insert(pi, gi);
            gm.insert(gi);
        }
        for (pi, p) in ps.iter().enumerate() {
            let gi = pm.get(&pi).copied();
            if let Some(gi) = gi
                && !targets[gi]
            {
                sc.pred_ignored += 1;
                continue;
            }
            sc.pred_scored += 1;
            if let Some(gi) = gi {
                sc.matched += 1;
                if speaker_ok(p, &a.attributions[gi]) {
                    sc.speaker_right += 1;
                    gold_spk_hit.insert((ai, gi));
                }
                gold_hit.insert((ai, gi));
            }
        }
    }
    let prf = |c_pred: usize, c_gold: usize| {
        let p = if sc.pred_scored > 0 {
            c_pred as f64 / sc.pred_scored as f64
        } else {
            0.0
        };
        let r = if sc.gold > 0 {
            c_gold as f64 / sc.gold as f64
        } else {
            0.0
        };
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f)
    };
    (sc.quote_precision, sc.quote_recall, sc.quote_f1) = prf(sc.matched, gold_hit.len());
    (sc.e2e_precision, sc.e2e_recall, sc.e2e_f1) = prf(sc.speaker_right, gold_spk_hit.len());
    sc.speaker_accuracy = if sc.matched > 0 {
        sc.speaker_right as f64 / sc.matched as f64
    } else {
        0.0
    };
    sc
}
