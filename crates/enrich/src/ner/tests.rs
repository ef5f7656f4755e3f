//! Tests of the recogniser on our own sentences (not from CoNLL or GUM), of robustness on
//! arbitrary and pathological input, and of the evaluation's scoring rules.

use super::*;

fn found(text: &str) -> Vec<(String, Label)> {
    recognize(text)
        .into_iter()
        .map(|s| (text[s.start..s.end].to_string(), s.label))
        .collect()
}

fn has(text: &str, name: &str, label: Label) -> bool {
    found(text).iter().any(|(n, l)| n == name && *l == label)
}

#[test]
fn show() {
    for t in [
        "US President Donald Trump met Ukrainian President Volodymyr Zelensky in Washington on Friday.",
        "Trump's envoy Steve Witkoff flew to Moscow after talks with the Kremlin.",
        "The Armenian National Committee of America (ANCA) criticised the decision on Tuesday.",
        "Parliamentary Speaker Alen Simonyan said the vote would take place next week.",
        "Historians call the period after the war the Golden Age of the city.",
        "An Armenian Christian community has lived in Jerusalem for centuries.",
        "Shares of Microsoft rose after the company reported strong results, said analyst Jane Porter of Morgan Stanley.",
        "The European Union and the United Nations called for a ceasefire in Gaza.",
    ] {
        eprintln!("{t}\n  {:?}", found(t));
    }
}
