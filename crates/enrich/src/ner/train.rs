//! Training of the two-pass averaged perceptron from a CoNLL file (used by
//! `examples/train_ner.rs`; nothing here runs in the product).
//!
//! Pass 1 sees only sentence and document-spelling features. Pass 2 also sees how pass 1
//! labelled the same word elsewhere in the document; to train it on realistic (imperfect)
//! first-pass labels, they come from a jackknife: each fold of documents is labelled by a
//! pass-1 model trained on the other folds. Everything is deterministic (fixed-seed shuffle).

use super::eval::{ConllDoc, parse_conll};
use super::features::{DocCtx, SentFeats};
use super::model::{self, BITS, NTAGS, Weights};

/// Training settings; `Default` gives the shipped model's.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    pub epochs: usize,
    pub seed: u64,
    /// Jackknife folds for the second pass's first-pass labels.
    pub folds: usize,
    /// Weights below this fraction of the largest are dropped from the file.
    pub prune: f32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 12,
            seed: 0x7469_6469_6e67,
            folds: 5,
            prune: 0.004,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error(transparent)]
    Parse(#[from] super::eval::EvalError),
    #[error("no training sentences")]
    Empty,
    #[error("writing the model: {0}")]
    Io(#[from] std::io::Error),
}

fn tag_index(tag: &str) -> u8 {
    match tag {
        "B-PER" => 1,
        "I-PER" => 2,
        "B-ORG" => 3,
        "I-ORG" => 4,
        "B-LOC" => 5,
        "I-LOC" => 6,
        "B-MISC" => 7,
        "I-MISC" => 8,
        _ => 0,
    }
}

/// Dense weights with lazy averaging: `w` current, `u` time-weighted updates.
struct Perceptron {
    w: Vec<f32>,
    u: Vec<f32>,
    c: f32,
}

impl Weights for Perceptron {
    #[inline]
    fn add(&self, h: u64, scores: &mut [f32; NTAGS]) {
        let i = model::bucket(h) * NTAGS;
        for (s, w) in scores.iter_mut().zip(&self.w[i..i + NTAGS]) {
            *s += w;
        }
    }
}

/// Averaged dense weights.
pub(crate) struct Dense(Vec<f32>);

impl Weights for Dense {
    fn o_bias(&self) -> f32 {
        model::O_BIAS
    }

    #[inline]
    fn add(&self, h: u64, scores: &mut [f32; NTAGS]) {
        let i = model::bucket(h) * NTAGS;
        for (s, w) in scores.iter_mut().zip(&self.0[i..i + NTAGS]) {
            *s += w;
        }
    }
}

impl Perceptron {
    fn new() -> Self {
        let n = (1usize << BITS) * NTAGS;
        Perceptron {
            w: vec![0.0; n],
            u: vec![0.0; n],
            c: 1.0,
        }
    }

    #[inline]
    fn update(&mut self, h: u64, tag: u8, d: f32) {
        let i = model::bucket(h) * NTAGS + usize::from(tag);
        self.w[i] += d;
        self.u[i] += self.c * d;
    }

    fn learn(&mut self, s: &SentFeats, gold: &[u8]) {
        let (mut p1, mut p2) = (0u8, 0u8);
        for (i, &g) in gold.iter().enumerate() {
            let mut scores = [0f32; NTAGS];
            for &h in s.token(i) {
                self.add(h, &mut scores);
            }
            let dynf = super::features::dynamic(s, i, p1, p2);
            for &h in &dynf {
                self.add(h, &mut scores);
            }
            let pred = model::best(&scores, p1);
            if pred != g {
                for &h in s.token(i).iter().chain(&dynf) {
                    self.update(h, g, 1.0);
                    self.update(h, pred, -1.0);
                }
            }
            self.c += 1.0;
            // Condition on the prediction, as at run time (greedy decoding).
            p2 = p1;
            p1 = pred;
        }
    }

    fn averaged(self) -> Dense {
        let c = self.c;
        Dense(self.w.iter().zip(&self.u).map(|(w, u)| w - u / c).collect())
    }
}

fn xorshift(state: &mut u64) -> u64 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    x
}

fn train_pass(data: &[(&SentFeats, &[u8])], opts: &TrainOptions, salt: u64) -> Dense {
    let mut p = Perceptron::new();
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut rng = opts.seed ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    for _ in 0..opts.epochs {
        for i in (1..order.len()).rev() {
            let j = (xorshift(&mut rng) % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for &k in &order {
            p.learn(data[k].0, data[k].1);
        }
    }
    p.averaged()
}

/// (features, gold tags) of every sentence of the documents `keep` selects.
fn pairs<'a>(
    docs: &'a [Doc],
    feats: &'a [Vec<SentFeats>],
    keep: &dyn Fn(usize) -> bool,
) -> Vec<(&'a SentFeats, &'a [u8])> {
    let mut v = Vec::new();
    for (k, (f, d)) in feats.iter().zip(docs).enumerate() {
        if keep(k) {
            for (s, g) in f.iter().zip(&d.gold) {
                v.push((s, g.as_slice()));
            }
        }
    }
    v
}

struct Doc {
    sents: Vec<Vec<String>>,
    gold: Vec<Vec<u8>>,
}

/// Trains both passes on a CoNLL file and returns the model file's bytes.
pub fn train(conll_text: &str, opts: &TrainOptions) -> Result<Vec<u8>, TrainError> {
    let docs: Vec<Doc> = parse_conll(conll_text)?
        .into_iter()
        .map(|d: ConllDoc| Doc {
            sents: d.sentences.iter().map(|s| s.tokens.clone()).collect(),
            gold: d
                .sentences
                .iter()
                .map(|s| s.tags.iter().map(|t| tag_index(t)).collect())
                .collect(),
        })
        .collect();
    if docs.is_empty() {
        return Err(TrainError::Empty);
    }
    let feats1: Vec<Vec<SentFeats>> = docs
        .iter()
        .map(|d| {
            let ctx = DocCtx::new(&d.sents);
            (0..d.sents.len()).map(|i| ctx.prepare(i, None)).collect()
        })
        .collect();
    eprintln!("pass 1 on {} documents", docs.len());
    let pass1 = train_pass(&pairs(&docs, &feats1, &|_| true), opts, 1);
    // Jackknifed first-pass labels for every document.
    let mut labels = vec![None; docs.len()];
    for fold in 0..opts.folds.max(2) {
        eprintln!("jackknife fold {fold}");
        let w = train_pass(
            &pairs(&docs, &feats1, &|k| k % opts.folds.max(2) != fold),
            opts,
            100 + fold as u64,
        );
        for (k, f) in feats1.iter().enumerate() {
            if k % opts.folds.max(2) == fold {
                let tags: Vec<Vec<u8>> = f.iter().map(|s| model::decode(&w, s)).collect();
                labels[k] = Some(super::doc_labels(f, &tags));
            }
        }
    }
    let feats2: Vec<Vec<SentFeats>> = docs
        .iter()
        .zip(&labels)
        .map(|(d, l)| {
            let ctx = DocCtx::new(&d.sents);
            (0..d.sents.len())
                .map(|i| ctx.prepare(i, l.as_ref()))
                .collect()
        })
        .collect();
    eprintln!("pass 2");
    let pass2 = train_pass(&pairs(&docs, &feats2, &|_| true), opts, 2);
    Ok(model::encode_model(&pass1.0, &pass2.0, opts.prune)?)
}
