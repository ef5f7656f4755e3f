//! Enrichment of article text: who and what an article names (`ner`), which of those
//! mentions are one entity (`resolve`), and who said what (`quotes`). Pure functions over
//! text; the recognition model and gazetteers are compiled into the binary, so nothing is
//! downloaded at run time.

pub mod ner;
pub mod quotes;
