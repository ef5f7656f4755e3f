//! An article's URL as tidings keeps it: without its `#fragment` and without the tracking
//! parameters that newsletters, social sites and ad networks append, so that the same article
//! reached through different links is recognised as one. Only those parameters are removed; a
//! query that selects the page (`?id=42`) is kept as given.

/// Parameters that only say where a click came from (compared in lower case; `utm_*` and a few
/// other families by prefix).
const TRACKING: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "ocid",
    "cmpid",
    "smid",
    "sr_share",
    "at_medium",
    "at_campaign",
    "ito",
    "ns_mchannel",
    "ns_source",
    "ns_campaign",
    "ns_linkname",
    "ns_fee",
    "_ga",
    "_gl",
    "oly_enc_id",
    "oly_anon_id",
    "vero_id",
];
const TRACKING_PREFIXES: &[&str] = &["utm_", "pk_", "mtm_", "hsa_"];

fn is_tracking(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    TRACKING.contains(&name.as_str()) || TRACKING_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// `url` without its fragment and tracking parameters; everything else as given.
pub fn clean_article_url(url: &str) -> String {
    let url = url.trim();
    let url = url.split_once('#').map_or(url, |(before, _)| before);
    let Some((path, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| !is_tracking(p.split_once('=').map_or(*p, |(name, _)| name)))
        .collect();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::clean_article_url as clean;

    #[test]
    fn tracking_parameters_and_fragments_go_the_rest_stays() {
        let a = "https://ledger.example/strike";
        assert_eq!(clean(a), a);
        assert_eq!(clean(&format!("{a}?utm_source=rss&utm_medium=feed")), a);
        assert_eq!(clean(&format!("{a}?UTM_Campaign=x&fbclid=abc#comments")), a);
        assert_eq!(clean(&format!(" {a}?gclid=1 ")), a);
        assert_eq!(
            clean("https://ledger.example/view?id=42&utm_source=x&page=2"),
            "https://ledger.example/view?id=42&page=2"
        );
        assert_eq!(
            clean("https://ledger.example/a?"),
            "https://ledger.example/a"
        );
        assert_eq!(
            clean("https://ledger.example/a?q"),
            "https://ledger.example/a?q"
        );
    }
}
