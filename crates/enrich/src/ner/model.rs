//! The averaged-perceptron tagger: tag set, greedy left-to-right decoding with previous-tag
//! features, the compact on-disk weight format and the compiled-in model.
//!
//! File format (the whole file is gzip-compressed): magic `TNER1`, a byte with the number
//! of hash bits, then two weight tables (first pass, second pass with document labels).
//! Each table: row count (u32 LE), the quantisation scale (f32 LE), then per row the bucket as a varint delta from the
//! previous row, a u16 bit mask of the non-zero tags and one i16 LE per set bit.

use std::io::{Read, Write};
use std::sync::LazyLock;

use super::features::SentFeats;

/// O, B-PER, I-PER, B-ORG, I-ORG, B-LOC, I-LOC, B-MISC, I-MISC.
pub(crate) const NTAGS: usize = 9;
pub(crate) const TAG_NAMES: [&str; NTAGS] = [
    "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
];
/// Hash bits: 2^21 buckets while training; only non-zero rows are stored.
pub(crate) const BITS: u32 = 21;
const MAGIC: &[u8; 5] = b"TNER1";

#[inline]
pub(crate) fn bucket(h: u64) -> usize {
    (h >> (64 - BITS)) as usize
}

/// Is `tag` allowed after `prev`? `I-X` only continues `B-X` or `I-X`.
#[inline]
pub(crate) fn allowed(prev: u8, tag: usize) -> bool {
    tag == 0 || tag % 2 == 1 || (prev != 0 && usize::from(prev).div_ceil(2) == tag / 2)
}

/// Anything that can score a feature hash for every tag.
pub(crate) trait Weights {
    fn add(&self, h: u64, scores: &mut [f32; NTAGS]);
    /// How much to lower the score of O, in the table's units (favours recall).
    fn o_bias(&self) -> f32 {
        0.0
    }
}

/// Lowering O's score by this much (in unquantised weight units) trades precision for
/// recall; chosen on GUM dev and both halves of the CoNLL dev file.
pub(crate) const O_BIAS: f32 = 4.0;

/// Greedy decoding of one sentence; returns tag indexes.
pub(crate) fn decode(w: &impl Weights, s: &SentFeats) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let (mut p1, mut p2) = (0u8, 0u8);
    for i in 0..s.len() {
        let mut scores = [0f32; NTAGS];
        for &h in s.token(i) {
            w.add(h, &mut scores);
        }
        for h in super::features::dynamic(s, i, p1, p2) {
            w.add(h, &mut scores);
        }
        scores[0] -= w.o_bias();
        let t = best(&scores, p1);
        out.push(t);
        p2 = p1;
        p1 = t;
    }
    out
}

#[inline]
pub(crate) fn best(scores: &[f32; NTAGS], prev: u8) -> u8 {
    let mut bt = 0usize;
    let mut bs = f32::NEG_INFINITY;
    for (t, &sc) in scores.iter().enumerate() {
        if allowed(prev, t) && sc > bs {
            bs = sc;
            bt = t;
        }
    }
    bt as u8
}

/// Sparse run-time weights: open addressing from bucket to a row of quantised weights.
pub(crate) struct SparseWeights {
    /// Quantisation scale: stored weight = weight × scale.
    scale: f32,
    keys: Vec<u32>,
    rows: Vec<[i16; NTAGS]>,
    mask: usize,
}

impl SparseWeights {
    fn empty() -> SparseWeights {
        SparseWeights {
            // Zero scale makes the O bias zero too, so an empty model tags everything O.
            scale: 0.0,
            keys: vec![0],
            rows: vec![[0; NTAGS]],
            mask: 0,
        }
    }

    fn from_rows(scale: f32, rows: Vec<(u32, [i16; NTAGS])>) -> SparseWeights {
        let cap = (rows.len() * 2).next_power_of_two().max(2);
        let mut w = SparseWeights {
            scale,
            keys: vec![0; cap],
            rows: vec![[0; NTAGS]; cap],
            mask: cap - 1,
        };
        for (b, row) in rows {
            let mut i = slot(b, w.mask);
            while w.keys[i] != 0 {
                i = (i + 1) & w.mask;
            }
            w.keys[i] = b + 1;
            w.rows[i] = row;
        }
        w
    }
}

#[inline]
fn slot(b: u32, mask: usize) -> usize {
    (u64::from(b).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 20) as usize & mask
}

impl Weights for SparseWeights {
    fn o_bias(&self) -> f32 {
        O_BIAS * self.scale
    }

    #[inline]
    fn add(&self, h: u64, scores: &mut [f32; NTAGS]) {
        let key = bucket(h) as u32 + 1;
        let mut i = slot(key - 1, self.mask);
        loop {
            let k = self.keys[i];
            if k == key {
                for (s, &w) in scores.iter_mut().zip(&self.rows[i]) {
                    *s += f32::from(w);
                }
                return;
            }
            if k == 0 {
                return;
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// The two passes of the shipped model.
pub(crate) struct Model {
    pub pass1: SparseWeights,
    pub pass2: SparseWeights,
}

static MODEL_BYTES: &[u8] = include_bytes!("../../data/ner-model.bin");

/// Loaded once. A missing or corrupt model gives a tagger that finds nothing rather than a
/// panic (the build ships a checked model; this guards an empty placeholder).
pub(crate) static MODEL: LazyLock<Model> = LazyLock::new(|| {
    decode_model(MODEL_BYTES).unwrap_or(Model {
        pass1: SparseWeights::empty(),
        pass2: SparseWeights::empty(),
    })
});

fn read_varint(data: &[u8], pos: &mut usize) -> Option<u32> {
    let mut v: u32 = 0;
    for shift in (0..35).step_by(7) {
        let b = *data.get(*pos)?;
        *pos += 1;
        v |= u32::from(b & 0x7f).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

fn read_table(data: &[u8], pos: &mut usize) -> Option<SparseWeights> {
    let n = u32::from_le_bytes(data.get(*pos..*pos + 4)?.try_into().ok()?) as usize;
    *pos += 4;
    let scale = f32::from_le_bytes(data.get(*pos..*pos + 4)?.try_into().ok()?);
    *pos += 4;
    if !scale.is_finite() || scale <= 0.0 {
        return None;
    }
    let mut rows = Vec::with_capacity(n.min(1 << BITS));
    let mut b: u32 = 0;
    for _ in 0..n {
        b = b.checked_add(read_varint(data, pos)?)?;
        if b >= 1 << BITS {
            return None;
        }
        let m = u16::from_le_bytes(data.get(*pos..*pos + 2)?.try_into().ok()?);
        *pos += 2;
        let mut row = [0i16; NTAGS];
        for (t, slot) in row.iter_mut().enumerate() {
            if m & (1 << t) != 0 {
                *slot = i16::from_le_bytes(data.get(*pos..*pos + 2)?.try_into().ok()?);
                *pos += 2;
            }
        }
        rows.push((b, row));
    }
    Some(SparseWeights::from_rows(scale, rows))
}

pub(crate) fn decode_model(gz: &[u8]) -> Option<Model> {
    let mut data = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut data)
        .ok()?;
    if data.get(..5)? != MAGIC || *data.get(5)? != BITS as u8 {
        return None;
    }
    let mut pos = 6;
    let pass1 = read_table(&data, &mut pos)?;
    let pass2 = read_table(&data, &mut pos)?;
    Some(Model { pass1, pass2 })
}

fn write_varint(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// Quantises and prunes a dense weight table (`buckets × NTAGS`, row-major) into the
/// table encoding. Weights with magnitude below `prune` (relative to the largest) are
/// dropped.
pub(crate) fn encode_table(out: &mut Vec<u8>, dense: &[f32], prune: f32) {
    let max = dense.iter().fold(0f32, |m, &w| m.max(w.abs())).max(1e-9);
    let scale = 32000.0 / max;
    let thr = prune * max;
    let mut rows: Vec<(u32, u16, [i16; NTAGS])> = Vec::new();
    for (b, chunk) in dense.chunks(NTAGS).enumerate() {
        let mut m = 0u16;
        let mut row = [0i16; NTAGS];
        for (t, &w) in chunk.iter().enumerate() {
            if w.abs() >= thr {
                let q = (w * scale).round().clamp(-32767.0, 32767.0) as i16;
                if q != 0 {
                    m |= 1 << t;
                    row[t] = q;
                }
            }
        }
        if m != 0 {
            rows.push((b as u32, m, row));
        }
    }
    out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
    out.extend_from_slice(&scale.to_le_bytes());
    let mut last = 0u32;
    for (b, m, row) in rows {
        write_varint(out, b - last);
        last = b;
        out.extend_from_slice(&m.to_le_bytes());
        for (t, &q) in row.iter().enumerate() {
            if m & (1 << t) != 0 {
                out.extend_from_slice(&q.to_le_bytes());
            }
        }
    }
}

/// Writes a complete model file from two dense tables.
pub(crate) fn encode_model(pass1: &[f32], pass2: &[f32], prune: f32) -> std::io::Result<Vec<u8>> {
    let mut raw = Vec::new();
    raw.extend_from_slice(MAGIC);
    raw.push(BITS as u8);
    encode_table(&mut raw, pass1, prune);
    encode_table(&mut raw, pass2, prune);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&raw)?;
    gz.finish()
}
