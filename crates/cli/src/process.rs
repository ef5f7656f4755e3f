//! The processing every article goes through before it is stored, whatever brought it in
//! (import, feed, page fetch): its language when the source did not say, then its entities
//! and quotes.

use tidings_model::Article;

pub fn enrich(article: &mut Article) {
    if article.language.is_none() {
        article.language = tidings_extract::detect_language(&article.text);
    }
    tidings_enrich::enrich_article(article);
}
