use super::*;
use crate::test_support::{differences, fixture};
use proptest::prelude::*;

fn read(name: &str) -> Vec<u8> {
    let path = fixture(&format!("html/{name}"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse_ok(html: &str, url: Option<&str>) -> Article {
    parse(html, url).unwrap_or_else(|e| panic!("{e}"))
}

/// An article page around `body`, with enough prose to pass the length check.
fn page(head: &str, body: &str) -> String {
    let prose = "<p>The council met on Tuesday and agreed the budget for next year after a long \
                 debate about buses, libraries and the harbour, which had been delayed twice.</p>\
                 <p>Members said they would return to the question of parking charges in the \
                 spring, once the new survey of residents has been published.</p>";
    format!(
        "<!DOCTYPE html><html><head>{head}</head><body><article>{prose}{body}</article></body></html>"
    )
}

#[test]
fn fixtures_match_their_expectations() {
    let mut failures = Vec::new();
    for name in [
        "jsonld_graph",
        "opengraph_only",
        "boilerplate",
        "windows1251",
    ] {
        let expected: serde_json::Value =
            serde_json::from_slice(&read(&format!("{name}.json"))).expect("fixture JSON");
        let url = expected["fetched_from"].as_str();
        match extract(&read(&format!("{name}.html")), url, None) {
            Ok(article) => {
                for d in differences(&article, &expected) {
                    failures.push(format!("{name}: {d}"));
                }
            }
            Err(e) => failures.push(format!("{name}: refused: {e}")),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn snapshots_of_extracted_text() {
    let a = extract(&read("jsonld_graph.html"), None, None).expect("extracts");
    insta::assert_snapshot!("jsonld_graph_text", a.text);
    insta::assert_snapshot!("jsonld_graph_html", a.html);
    let url = Some("https://tarnbydaily.example/news/library-hours");
    let a = extract(&read("boilerplate.html"), url, None).expect("extracts");
    insta::assert_snapshot!("boilerplate_text", a.text);
}

#[test]
fn non_articles_are_refused_with_a_reason() {
    for (name, reason) in [
        (
            "home.html",
            "looks like a listing or home page (8 article teasers",
        ),
        ("not_found.html", "an error page (“Page not found”)"),
    ] {
        let err = extract(&read(name), Some("https://news.example/"), None)
            .map(|a| a.title)
            .expect_err(name);
        assert!(err.to_string().contains(reason), "{name}: {err}");
    }
    for (bytes, reason) in [
        (&b""[..], "empty file"),
        (b"\x89PNG\r\n\x1a\n\0\0", "binary"),
        (
            b"<?xml version='1.0'?><rss version='2.0'><channel/></rss>",
            "feed",
        ),
        (
            b"<html><body><p>Just a few words.</p></body></html>",
            "only 4 words",
        ),
    ] {
        let err = extract(bytes, None, None)
            .map(|a| a.title)
            .expect_err(reason);
        assert!(err.to_string().contains(reason), "{reason}: {err}");
    }
}

#[test]
fn hostile_markup_never_reaches_the_html() {
    let a = parse_ok(
        &page(
            "",
            r#"<p onclick="steal()" style="color:red">Text with <a href="javascript:alert(1)">a bad link</a>
               and <a href="/ok" onmouseover="x()">a good one</a>.<script>alert(1)</script></p>
               <p><img src="x.png" onerror="alert(1)" srcset="y.png 2x"></p>
               <iframe srcdoc="<p>framed</p>"></iframe><svg><text>drawn</text></svg>"#,
        ),
        Some("https://news.example/a/b.html"),
    );
    for bad in [
        "onclick",
        "style",
        "javascript",
        "script",
        "alert",
        "onerror",
        "srcset",
        "iframe",
        "srcdoc",
        "framed",
        "svg",
        "drawn",
        "onmouseover",
    ] {
        assert!(!a.html.contains(bad), "{bad} in {}", a.html);
    }
    assert!(a.html.contains(r#"<a href="https://news.example/ok" rel="noopener noreferrer nofollow ugc">a good one</a>"#), "{}", a.html);
    assert!(
        a.html
            .contains(r#"<img src="https://news.example/a/x.png""#),
        "{}",
        a.html
    );
    assert!(
        a.text.contains("Text with a bad link and a good one."),
        "{}",
        a.text
    );
}

#[test]
fn canonical_on_another_site_is_a_republication() {
    let head = r#"<link rel="canonical" href="https://original.example/story/1">"#;
    let a = parse_ok(
        &page(head, ""),
        Some("https://www.republisher.example/news/1"),
    );
    assert_eq!(
        a.provenance.original_url.as_deref(),
        Some("https://original.example/story/1")
    );
    assert_eq!(
        a.provenance.original_outlet.as_deref(),
        Some("original.example")
    );
    assert_eq!(
        a.url.as_deref(),
        Some("https://www.republisher.example/news/1")
    );
    assert_eq!(a.outlet.domain.as_deref(), Some("republisher.example"));
    // The same site under another host (AMP, mobile) is not a republication.
    let head = r#"<link rel="canonical" href="https://www.news.example/story/1">"#;
    let a = parse_ok(&page(head, ""), Some("https://amp.news.example/story/1"));
    assert!(!a.provenance.is_republication());
    assert_eq!(a.url.as_deref(), Some("https://www.news.example/story/1"));
    let head = r#"<link rel="canonical" href="https://www.paper.co.uk/a">"#;
    let a = parse_ok(&page(head, ""), Some("https://m.paper.co.uk/a"));
    assert!(!a.provenance.is_republication());
    let a = parse_ok(&page(head, ""), Some("https://other.co.uk/a"));
    assert!(a.provenance.is_republication());
}

#[test]
fn a_declared_original_on_another_site_is_a_republication() {
    let republisher = Some("https://republisher.example/news/1");
    let based_on = r#"<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H",
        "isBasedOn": {"@type": "NewsArticle", "url": "https://original.example/story/1",
                      "publisher": {"@type": "Organization", "name": "The Original Post"}}}</script>"#;
    let meta = r#"<meta name="syndication-source" content="https://original.example/story/1">"#;
    let link = r#"<link rel="original-source" href="//original.example/story/1">"#;
    for (head, outlet) in [
        (based_on, "The Original Post"),
        (meta, "original.example"),
        (link, "original.example"),
    ] {
        let a = parse_ok(&page(head, ""), republisher);
        assert_eq!(
            a.provenance.original_url.as_deref(),
            Some("https://original.example/story/1"),
            "{head}"
        );
        assert_eq!(
            a.provenance.original_outlet.as_deref(),
            Some(outlet),
            "{head}"
        );
        assert_eq!(a.url.as_deref(), republisher, "{head}");
    }
    // An outlet naming its own page as the source is not republishing anything.
    let own = r#"<meta name="original-source" content="https://republisher.example/news/1">"#;
    assert!(
        !parse_ok(&page(own, ""), republisher)
            .provenance
            .is_republication()
    );
}

#[test]
fn twitter_cards_fill_what_opengraph_leaves_open() {
    let head = r#"<meta name="twitter:title" content="Card title">
        <meta name="twitter:description" content="Card summary.">
        <meta name="twitter:image" content="/img/card.jpg">"#;
    let a = parse_ok(&page(head, ""), Some("https://paper.example/a"));
    assert_eq!(a.title, "Card title");
    assert_eq!(a.summary.as_deref(), Some("Card summary."));
    assert_eq!(
        a.image_url.as_deref(),
        Some("https://paper.example/img/card.jpg")
    );
    let both = format!(r#"<meta property="og:title" content="Graph title">{head}"#);
    assert_eq!(parse_ok(&page(&both, ""), None).title, "Graph title");
}

#[test]
fn microdata_of_the_article_item_fills_the_gaps() {
    let prose = "<p>The council met on Tuesday and agreed the budget for next year after a long \
                 debate about buses, libraries and the harbour, which had been delayed twice.</p>\
                 <p>Members said they would return to the question of parking charges in the \
                 spring, once the new survey of residents has been published.</p>";
    let html = format!(
        r#"<html><body><div itemscope itemtype="https://schema.org/NewsArticle">
        <h1 itemprop="headline">Budget agreed after long debate</h1>
        <p>By <span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">Ana Lima</span></span>
           and <span itemprop="author">Tom Berg</span>,
           <time itemprop="datePublished" datetime="2026-11-16T08:30:00Z">16 November</time>
           in <span itemprop="articleSection">Politics</span></p>
        <div itemprop="articleBody">{prose}</div>
        <div itemprop="comment" itemscope itemtype="https://schema.org/Comment">
          <span itemprop="author">A Commenter</span>
          <time itemprop="datePublished" datetime="2026-11-20T08:00:00Z">later</time></div>
        </div></body></html>"#
    );
    let a = parse_ok(&html, None);
    assert_eq!(a.title, "Budget agreed after long debate");
    assert_eq!(a.authors, vec!["Ana Lima", "Tom Berg"]);
    assert_eq!(
        a.published_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-11-16T08:30:00+00:00")
    );
    assert_eq!(a.section.as_deref(), Some("Politics"));
}

#[test]
fn each_field_names_the_source_that_won() {
    let head = r#"<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Ledger title",
        "datePublished": "2026-11-16T08:00:00Z"}</script>
        <meta property="og:title" content="Graph title">
        <meta property="article:published_time" content="2026-11-15T08:00:00Z">
        <meta name="twitter:image" content="https://img.example/card.jpg">
        <meta property="og:site_name" content="The Paper">
        <link rel="canonical" href="https://paper.example/a">"#;
    let a = parse_ok(&page(head, ""), Some("https://paper.example/a?utm=x"));
    assert_eq!(a.title, "Ledger title", "JSON-LD beats OpenGraph");
    assert_eq!(
        a.published_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-11-16T08:00:00+00:00")
    );
    let source = |field: &str| a.metadata_sources.get(field).map(String::as_str);
    assert_eq!(source("title"), Some("json-ld"));
    assert_eq!(source("published_at"), Some("json-ld"));
    assert_eq!(source("image_url"), Some("twitter"));
    assert_eq!(source("outlet"), Some("opengraph"));
    assert_eq!(source("url"), Some("canonical-link"));
    assert_eq!(source("summary"), Some("first-paragraph"));
    assert_eq!(source("authors"), None, "no author was found");
}

#[test]
fn a_visible_dateline_dates_a_page_without_date_markup() {
    let html = page("<title>Budget agreed</title>", "").replace(
        "<article>",
        r#"<header><h1>Budget agreed</h1><p class="updated-date">Updated 20 November 2026</p>
           <div class="article-date">Published: November 17, 2026 at 9:30</div></header><article>"#,
    );
    let a = parse_ok(&html, None);
    assert_eq!(
        a.published_at
            .map(|t| t.date_naive().to_string())
            .as_deref(),
        Some("2026-11-17")
    );
    assert_eq!(
        a.metadata_sources.get("published_at").map(String::as_str),
        Some("dateline")
    );
    assert_eq!(
        a.metadata_sources.get("title").map(String::as_str),
        Some("h1")
    );
    // A yearless date is no dateline: the year would be a guess.
    let yearless = page("", r#"<span class="date">17 November</span>"#);
    assert_eq!(parse_ok(&yearless, None).published_at, None);
}

#[test]
fn error_pages_paywalls_and_galleries_are_named() {
    let popular = "<ul><li>Council agrees budget after a long debate about buses and libraries</li>\
                   <li>Harbour strike ends after nine days as union accepts the pay offer</li></ul>";
    for title in [
        "404 Not Found",
        "Error 404 - The Paper",
        "Page not found | The Paper",
        "Not Found",
    ] {
        let html = page(&format!("<title>{title}</title>"), popular);
        let err = parse(&html, None).map(|a| a.title).expect_err(title);
        assert!(err.to_string().contains("an error page"), "{title}: {err}");
    }
    for title in [
        "500 jobs go at the harbour",
        "Forbidden City reopens to visitors",
        "Not found yet: the missing ferry",
    ] {
        let html = page(&format!("<title>{title}</title>"), "");
        assert_eq!(
            parse_ok(&html, None).title,
            title,
            "a headline, not an error"
        );
    }
    let teaser = "<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\
        \"headline\":\"Budget\",\"isAccessibleForFree\":false}</script></head>\
        <body><article><p>The council met on Tuesday.</p></article></body></html>";
    let err = parse(teaser, None).map(|a| a.title).expect_err("paywall");
    assert!(err.to_string().contains("behind a paywall"), "{err}");
    let images: String = (0..6).map(|i| format!("<figure><img src=\"https://img.example/{i}.jpg\"><figcaption>Pier {i}</figcaption></figure>")).collect();
    let gallery =
        format!("<html><body><article><h1>The pier at dawn</h1>{images}</article></body></html>");
    let err = parse(&gallery, None).map(|a| a.title).expect_err("gallery");
    assert!(
        err.to_string().contains("photo gallery (6 images)"),
        "{err}"
    );
}

#[test]
fn json_ld_variants() {
    let head = r#"<script type="application/ld+json">
        //<![CDATA[
        [{"@type": "BreadcrumbList"},
         {"@type": "ReportageNews", "headline": "A report", "author": "By Ana Lima and Tom Berg",
          "datePublished": "2026-11-16", "keywords": "one, two ,, three",
          "publisher": {"@type": "Organization", "name": "The Paper"},
          "image": ["https://img.example/a.jpg", "https://img.example/b.jpg"]}]
        //]]>
        </script>
        <script type="application/ld+json">{ not json</script>"#;
    let a = parse_ok(&page(head, ""), None);
    assert_eq!(a.title, "A report");
    assert_eq!(a.authors, vec!["Ana Lima", "Tom Berg"]);
    assert_eq!(a.tags, vec!["one", "two", "three"]);
    assert_eq!(a.outlet.name, "The Paper");
    assert_eq!(a.image_url.as_deref(), Some("https://img.example/a.jpg"));
    assert_eq!(
        a.published_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-11-16T00:00:00+00:00")
    );
}

#[test]
fn json_ld_article_body_is_a_fallback() {
    let body = "Sentence number one of the article body. ".repeat(12);
    let html = format!(
        r#"<html><head><script type="application/ld+json">{{"@type":"NewsArticle","headline":"H","articleBody":"{body}\nSecond paragraph."}}</script></head>
        <body><div id="app"></div></body></html>"#
    );
    let a = parse_ok(&html, None);
    assert_eq!(a.paragraphs().count(), 2);
    assert!(a.html.starts_with("<p>Sentence number one"));
}

#[test]
fn pages_without_article_markup_use_the_densest_paragraph_block() {
    let prose =
        "<p>A paragraph of the story with enough words to count as real prose here.</p>".repeat(5);
    let html = format!(
        r#"<html><head><title>The headline | The Site</title></head><body>
        <div class="menu"><p>Home</p><p>News</p></div>
        <div class="content"><h1>The headline</h1>{prose}</div>
        <div class="footer-links"><p>About us</p></div></body></html>"#
    );
    let a = parse_ok(&html, Some("https://site.example/x"));
    assert_eq!(a.title, "The headline");
    assert_eq!(a.outlet.name, "The Site");
    assert_eq!(a.paragraphs().count(), 5);
    assert!(!a.text.contains("Home"));
}

#[test]
fn related_link_lists_are_dropped_but_real_lists_kept() {
    let a = parse_ok(
        &page(
            "",
            r#"<ul><li><a href="/1">Other story one</a></li><li><a href="/2">Other story two</a></li></ul>
               <ol><li>First, the vote.</li><li>Then <a href="/x">the count</a>.</li></ol>"#,
        ),
        Some("https://news.example/"),
    );
    assert!(!a.text.contains("Other story"), "{}", a.text);
    assert!(
        a.text.contains("First, the vote.\n\nThen the count."),
        "{}",
        a.text
    );
    assert!(
        a.html.contains("<ol><li>First, the vote.</li>"),
        "{}",
        a.html
    );
}

#[test]
fn charset_declarations_are_honoured() {
    let html = page(
        "<meta charset=\"windows-1252\"><title>Caf\u{e9}</title>",
        "<p>It\u{2019}s \u{201c}quoted\u{201d}.</p>",
    );
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&html);
    let a = extract(&bytes, None, None).expect("extracts");
    assert!(
        a.text.contains("It\u{2019}s \u{201c}quoted\u{201d}."),
        "{}",
        a.text
    );
    // The HTTP header wins over the page.
    let html = page("<meta charset=\"windows-1252\">", "<p>\u{17e}\u{161}</p>");
    let (bytes, _, _) = encoding_rs::ISO_8859_2.encode(&html);
    let a = extract(&bytes, None, Some("iso-8859-2")).expect("extracts");
    assert!(a.text.contains("\u{17e}\u{161}"), "{}", a.text);
}

#[test]
fn pathological_inputs_stay_linear() {
    let deep = format!(
        "{}<p>deep</p>{}",
        "<div>".repeat(20_000),
        "</div>".repeat(20_000)
    );
    let _ = extract(deep.as_bytes(), None, None);
    let wide = "<p>word word word word.</p>".repeat(50_000);
    let a = extract(
        format!("<html><body>{wide}</body></html>").as_bytes(),
        None,
        None,
    )
    .expect("extracts");
    assert_eq!(a.paragraphs().count(), 50_000);
    let line = format!(
        "<html><body><p>{}</p></body></html>",
        "word ".repeat(400_000)
    );
    assert!(extract(line.as_bytes(), None, None).is_ok());
    let blank = "\n".repeat(100_000);
    assert!(extract(blank.as_bytes(), None, None).is_err());
    let articles = "<article><p>Teaser text of a few words.</p></article>".repeat(5_000);
    assert!(
        extract(
            format!("<html><body>{articles}</body></html>").as_bytes(),
            None,
            None
        )
        .is_err()
    );
}

proptest! {
    #[test]
    fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096),
                             url in proptest::option::of("(https?://[a-z.]{1,20}/[a-z/]{0,10}|[a-z:/]{0,12})")) {
        let _ = extract(&bytes, url.as_deref(), None);
    }

    #[test]
    fn never_panics_on_tag_soup(parts in proptest::collection::vec(
        "(<p>|</p>|<article>|</article>|<div class=\"share\">|</div>|<a href=\"[a-z:/.]{0,12}\">|</a>|<img src=\"[a-z:/.]{0,12}\">|<script>|</script>|<ul><li>|</li></ul>|<blockquote>|<figure>|<h2>|[A-Za-z .,]{0,30})",
        0..60)) {
        let html = parts.concat();
        if let Ok(a) = parse(&html, Some("https://x.example/")) {
            prop_assert!(!a.html.to_lowercase().contains("<script"));
            prop_assert!(a.word_count >= 40);
        }
    }
}

#[test]
fn short_articles_in_unspaced_scripts_are_counted_by_characters() {
    // Two Japanese paragraphs: 6 whitespace-separated runs, but about 70 words of text.
    let body = "<p>先日、市議会は来年度の予算案を長い議論の末に可決しました。バスや図書館、港の整備について意見が分かれ、採決は二度延期されていました。</p>\
                <p>議員らは、住民への新しい調査結果が公表される春に、駐車料金の問題をあらためて取り上げると述べました。</p>";
    let html = format!("<html><body><article>{body}</article></body></html>");
    let a = parse_ok(&html, None);
    assert!(a.text.starts_with("先日、市議会は"), "{}", a.text);
    // A stub in the same script is still too short to be an article.
    let err = parse(
        "<html><body><p>ページが見つかりません。</p></body></html>",
        None,
    )
    .map(|a| a.title)
    .expect_err("a stub");
    assert!(err.to_string().contains("words of body text"), "{err}");
}

#[test]
fn captions_marked_by_class_stay_out_of_the_text() {
    let a = parse_ok(
        &page(
            "",
            r#"<div class="wp-caption"><img src="/harbour.jpg" alt="The harbour">
               <p class="wp-caption-text">The harbour wall at dusk, seen from the evening ferry.</p></div>
               <div class="caption-full"><p>Councillors leave the chamber after the vote on Tuesday.</p></div>
               <span class="photo-credit">Photo: A. Smith / Tarnby Daily</span>
               <p>The vote was the last of the year.</p>"#,
        ),
        Some("https://news.example/a"),
    );
    for caption in ["harbour wall", "Councillors leave", "A. Smith"] {
        assert!(!a.text.contains(caption), "{caption}: {}", a.text);
    }
    assert!(
        a.text.ends_with("The vote was the last of the year."),
        "{}",
        a.text
    );
    assert!(a.html.contains("harbour.jpg"), "{}", a.html);
}

#[test]
fn a_content_column_named_like_a_caption_is_still_the_body() {
    let prose: String = (1..=5)
        .map(|i| format!("<p>Paragraph {i} of the story, with enough words to count as prose.</p>"))
        .collect();
    let html =
        format!(r#"<html><body><div class="post has-caption-images">{prose}</div></body></html>"#);
    let a = parse_ok(&html, None);
    assert_eq!(a.paragraphs().count(), 5, "{}", a.text);
}

#[test]
fn boxes_of_links_inside_the_body_are_dropped() {
    let a = parse_ok(
        &page(
            "",
            r#"<div class="more"><h3>More from the council</h3>
                 <div><a href="/1">Budget passes after long debate</a> Members agree.</div>
                 <div><a href="/2">Harbour works delayed again</a> Two months.</div></div>
               <p>The mayor said the <a href="/budget">budget</a> was fair.</p>"#,
        ),
        Some("https://news.example/a"),
    );
    assert!(!a.text.contains("More from the council"), "{}", a.text);
    assert!(!a.text.contains("Harbour works"), "{}", a.text);
    assert!(
        a.text.ends_with("The mayor said the budget was fair."),
        "{}",
        a.text
    );
}

#[test]
fn the_headline_in_the_body_is_left_out_however_it_is_worded() {
    let a = parse_ok(
        &format!(
            r#"<html><head><meta property="og:title" content="Council passes budget"></head>
            <body><article><h1>Council passes next year's budget after long debate</h1>{}
            <div class="kicker">Council passes budget</div>
            <h1>A second part</h1><p>More of the story follows here.</p></article></body></html>"#,
            "<p>The council met on Tuesday and agreed the budget for next year after a long \
             debate about buses, libraries and the harbour, which had been delayed twice.</p>\
             <p>Members said they would return to the question of parking charges in the \
             spring, once the new survey of residents has been published.</p>"
        ),
        None,
    );
    assert!(a.text.starts_with("The council met"), "{}", a.text);
    assert!(!a.text.contains("Council passes"), "{}", a.text);
    assert!(a.text.contains("A second part"), "{}", a.text);
}

#[test]
fn datelines_in_the_body_are_metadata_not_prose() {
    let a = parse_ok(
        &page(
            "",
            "<div>Published 4:00 am CST, Wednesday, November 20, 2019</div>\
             <p>Updated: Nov. 20, 2019 at 09:12</p>\
             <p>Posted on 2019-11-20</p>\
             <p>Updated figures published on Monday show 12 more buses in service.</p>",
        ),
        None,
    );
    assert!(!a.text.contains("4:00 am"), "{}", a.text);
    assert!(!a.text.contains("09:12"), "{}", a.text);
    assert!(!a.text.contains("Posted on"), "{}", a.text);
    assert!(
        a.text
            .ends_with("Updated figures published on Monday show 12 more buses in service."),
        "{}",
        a.text
    );
}

#[test]
fn runs_of_paragraphs_that_are_only_links_are_related_stories() {
    let a = parse_ok(
        &page(
            "",
            r#"<p><a href="/guide">Read the full guide to the budget.</a></p>
               <p>The vote was the last of the year.</p>
               <p><a href="/1">Harbour works delayed again</a></p>
               <p><a href="/2">Library hours to change in spring</a></p>"#,
        ),
        Some("https://news.example/a"),
    );
    assert!(a.text.contains("Read the full guide"), "{}", a.text);
    assert!(!a.text.contains("Harbour works"), "{}", a.text);
    assert!(!a.text.contains("Library hours"), "{}", a.text);
    assert!(
        a.text.ends_with("The vote was the last of the year."),
        "{}",
        a.text
    );
}

#[test]
fn an_article_split_over_sibling_sections_is_read_whole() {
    let para = |part: &str, i: usize| {
        format!(
            "<p>{part} paragraph {i}: the council met on Tuesday and agreed the budget for next \
             year after a long debate about buses, libraries and the harbour, which had been \
             delayed twice before the summer recess began.</p>"
        )
    };
    let first: String = (1..=4).map(|i| para("First part", i)).collect();
    let second: String = (1..=6).map(|i| para("Second part", i)).collect();
    let html = format!(
        r#"<html><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
        <div class="story"><div class="wrap"><div class="text">{first}</div></div>
        <div class="wrap"><img src="/harbour.jpg" alt="The harbour"></div>
        <section class="wrap"><div class="text">{second}</div></section></div>
        <footer><p>About us</p></footer></body></html>"#
    );
    let a = parse_ok(&html, Some("https://news.example/a"));
    assert!(a.text.starts_with("First part paragraph 1"), "{}", a.text);
    assert!(
        a.text
            .ends_with("delayed twice before the summer recess began.")
    );
    assert_eq!(a.paragraphs().count(), 10, "{}", a.text);
    assert!(!a.text.contains("About us"), "{}", a.text);
}
