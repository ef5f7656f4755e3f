//! Conformance runner for Python feedparser's test fixtures (the data set in
//! `datasets/feedparser-tests`, described by its README): reads `index.jsonl`, parses every
//! fixture through the same entry point the fetcher uses ([`crate::parse_document`], with the
//! simulated HTTP headers and document URL for HTTP-mode cases), projects the result to a JSON
//! value with feedparser's key names ([`crate::Document::to_value`] plus feedparser's key
//! aliases, applied at lookup), and evaluates the translated `checks`.
//!
//! Rules beyond the `checks` themselves, as the data set's README describes them:
//! * `wellformed/*` cases must also not be `bozo`; `harness_bozo == "true"` cases must be.
//! * `entities/*` (`harness_bozo` "strict:true,loose:false"): feedparser ran two parsers there
//!   and expected opposite bozo flags; tidings has one recovering parser, so only the
//!   expectations are evaluated.
//! * **HTML values are compared as sanitized HTML.** feedparser's expectations for values typed
//!   `text/html`/`application/xhtml+xml` are the serialization of *its* sanitizer; tidings runs
//!   every such value through its own allow-list sanitizer, which serializes differently and
//!   keeps less (no `style`, `class`, SVG…). So when one side of `==`/`!=` is such a value and
//!   the other a literal string, the literal is passed through the same sanitizer before
//!   comparing: the check then asks "same content under our policy", not "same bytes".
//! * `wellformed/sanitize` cases additionally require every HTML value in the result to be
//!   free of anything that could execute (see [`is_script_free`]).
//!
//! Cases about things tidings deliberately does not model are listed, with the reason, in
//! [`NOT_APPLICABLE`]; they are counted separately and never silently dropped.

use crate::{Document, parse_document};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use tidings_extract::sanitize::sanitize_html;

/// Fixture paths (exact, or prefixes ending in `/`) that are out of scope, with the reason.
pub const NOT_APPLICABLE: &[(&str, &str)] = &[
    (
        "wellformed/cdf/",
        "Microsoft Channel Definition Format (1997) is obsolete; tidings does not read CDF",
    ),
    (
        "illformed/chardet/",
        "expects the Python chardet package and its encoding names; tidings detects with \
         chardetng and names encodings as WHATWG does",
    ),
    (
        "wellformed/psc/",
        "Podlove Simple Chapters (podcast chapter marks) are not modelled",
    ),
    (
        "wellformed/geo/",
        "GeoRSS / GML geometry (`where`) is not modelled",
    ),
    (
        "illformed/geo/",
        "GeoRSS / GML geometry (`where`) is not modelled",
    ),
];

/// The reason a fixture path is not applicable, if it is listed.
pub fn not_applicable(path: &str) -> Option<&'static str> {
    NOT_APPLICABLE
        .iter()
        .find(|(p, _)| {
            if p.ends_with('/') {
                path.starts_with(p)
            } else {
                path == *p
            }
        })
        .map(|(_, r)| *r)
}

#[derive(Debug, thiserror::Error)]
pub enum ConformanceError {
    #[error("cannot read {0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("{0} line {1}: {2}")]
    BadIndex(PathBuf, usize, String),
}

/// Pass counts of one category (`suite/group`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub applicable: usize,
    pub passed: usize,
    pub not_applicable: usize,
}

impl Tally {
    pub fn rate(&self) -> f64 {
        if self.applicable == 0 {
            1.0
        } else {
            self.passed as f64 / self.applicable as f64
        }
    }
}

/// One failed case.
#[derive(Debug, Clone)]
pub struct Failure {
    pub path: String,
    pub expect: String,
    pub problem: String,
}

/// The outcome of a conformance run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub categories: BTreeMap<String, Tally>,
    pub failures: Vec<Failure>,
    /// `(path, reason)` of every case skipped as not applicable.
    pub not_applicable: Vec<(String, String)>,
    /// The `wellformed/sanitize` cases that concern script execution (see [`is_script_case`]).
    pub script_sanitize: Tally,
    /// Whether [`fmt::Display`] lists the failures after the table.
    pub verbose: bool,
}

impl Report {
    pub fn overall(&self) -> Tally {
        let mut t = Tally::default();
        for c in self.categories.values() {
            t.applicable += c.applicable;
            t.passed += c.passed;
            t.not_applicable += c.not_applicable;
        }
        t
    }

    /// Share of applicable cases passed, over all categories.
    pub fn overall_rate(&self) -> f64 {
        self.overall().rate()
    }

    /// Share of the script-execution sanitizer cases passed.
    pub fn sanitize_script_rate(&self) -> f64 {
        self.script_sanitize.rate()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<28} {:>10} {:>7} {:>8} {:>5}",
            "category", "applicable", "passed", "rate", "n/a"
        )?;
        let row = |f: &mut fmt::Formatter<'_>, name: &str, t: &Tally| {
            writeln!(
                f,
                "{:<28} {:>10} {:>7} {:>7.1}% {:>5}",
                name,
                t.applicable,
                t.passed,
                t.rate() * 100.0,
                t.not_applicable
            )
        };
        for (name, t) in &self.categories {
            row(f, name, t)?;
        }
        row(f, "overall", &self.overall())?;
        row(f, "sanitize (script execution)", &self.script_sanitize)?;
        if self.verbose {
            writeln!(f)?;
            for fl in &self.failures {
                writeln!(
                    f,
                    "FAIL {}: {}\n     expect: {}",
                    fl.path, fl.problem, fl.expect
                )?;
            }
            for (p, r) in &self.not_applicable {
                writeln!(f, "N/A  {p}: {r}")?;
            }
        }
        Ok(())
    }
}

/// A `wellformed/sanitize` case concerns script execution when its file name has a token (split
/// at `_`, `.`, `-`) naming script or an active embedding (`script`, `javascript`, `vbscript`,
/// `expression`, `applet`, `embed`, `object`, `iframe`, `frame`, `meta`, `link`, `crazy` — the
/// mixed hostile document), or an event-handler attribute (`on` + 4 or more letters, e.g.
/// `onload`), or its description mentions `script`, `expression(`, `data:` or such a handler.
pub fn is_script_case(path: &str, description: &str) -> bool {
    if !path.starts_with("wellformed/sanitize/") {
        return false;
    }
    const ACTIVE: &[&str] = &[
        "script",
        "javascript",
        "vbscript",
        "expression",
        "applet",
        "embed",
        "object",
        "iframe",
        "frame",
        "meta",
        "link",
        "crazy",
    ];
    let name = path.rsplit('/').next().unwrap_or(path);
    let name = name
        .strip_suffix(".xml")
        .unwrap_or(name)
        .to_ascii_lowercase();
    let handler = |t: &str| {
        t.len() >= 6 && t.starts_with("on") && t[2..].bytes().all(|c| c.is_ascii_lowercase())
    };
    if name
        .split(['_', '.', '-'])
        .any(|t| ACTIVE.contains(&t) || handler(t))
    {
        return true;
    }
    let d = description.to_ascii_lowercase();
    d.contains("script")
        || d.contains("expression(")
        || d.contains("data:")
        || d.split(|c: char| !c.is_ascii_alphabetic()).any(handler)
}

/// True when `html` holds nothing that could run: no `<script`, no event-handler attribute,
/// no `javascript:`/`vbscript:`/`data:` URL, no `expression(`, and none of
/// `<iframe <frame <object <embed <applet <meta <link <style <base <form`.
pub fn is_script_free(html: &str) -> bool {
    let l = html.to_ascii_lowercase();
    const BAD: &[&str] = &[
        "<script",
        "javascript:",
        "vbscript:",
        "data:",
        "expression(",
        "<iframe",
        "<frame",
        "<object",
        "<embed",
        "<applet",
        "<meta",
        "<link",
        "<style",
        "<base",
        "<form",
    ];
    if BAD.iter().any(|b| l.contains(b)) {
        return false;
    }
    // Event handlers: ` on…=` inside a tag.
    let mut in_tag = false;
    let b = l.as_bytes();
    for i in 0..b.len() {
        match b[i] {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            c if in_tag && c.is_ascii_whitespace() => {
                let rest = &l[i + 1..];
                if rest.starts_with("on") {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphabetic())
                        .collect();
                    let after = rest[name.len()..].trim_start();
                    if name.len() > 2 && after.starts_with('=') {
                        return false;
                    }
                }
            }
            _ => {}
        }
    }
    true
}

/// Runs every case of `dir/index.jsonl`.
pub fn run(dir: &Path, verbose: bool) -> Result<Report, ConformanceError> {
    let index = dir.join("index.jsonl");
    let text =
        std::fs::read_to_string(&index).map_err(|e| ConformanceError::Io(index.clone(), e))?;
    let mut report = Report {
        verbose,
        ..Report::default()
    };
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let case: Value = serde_json::from_str(line)
            .map_err(|e| ConformanceError::BadIndex(index.clone(), n + 1, e.to_string()))?;
        let path = case["path"].as_str().unwrap_or_default().to_string();
        let suite = case["suite"].as_str().unwrap_or("?");
        let category = match case["group"].as_str() {
            Some(g) => format!("{suite}/{g}"),
            None => suite.to_string(),
        };
        let tally = report.categories.entry(category).or_default();
        if let Some(reason) = not_applicable(&path) {
            tally.not_applicable += 1;
            report.not_applicable.push((path, reason.to_string()));
            continue;
        }
        tally.applicable += 1;
        let description = case["description"].as_str().unwrap_or("");
        let script_case = is_script_case(&path, description);
        let (outcome, safe_outcome) = match std::fs::read(dir.join(&path)) {
            Ok(bytes) => run_case(&case, &bytes),
            Err(e) => (Err(format!("cannot read fixture: {e}")), false),
        };
        let tally = report
            .categories
            .get_mut(&match case["group"].as_str() {
                Some(g) => format!("{suite}/{g}"),
                None => suite.to_string(),
            })
            .expect("inserted above");
        if script_case {
            report.script_sanitize.applicable += 1;
            if safe_outcome {
                report.script_sanitize.passed += 1;
            }
        }
        match outcome {
            Ok(()) => tally.passed += 1,
            Err(problem) => report.failures.push(Failure {
                path,
                expect: case["expect"].as_str().unwrap_or("").to_string(),
                problem,
            }),
        }
    }
    Ok(report)
}

/// Parses one fixture as the harness would and evaluates its checks. The second value is the
/// script-safety verdict for `wellformed/sanitize` cases: the output is script-free, and the
/// checks hold either exactly (HTML compared as sanitized HTML) or under the safety reading the
/// data set's README recommends — every HTML value's visible text is a non-empty, in-order
/// selection of the expected text's words (tidings removed more than feedparser, e.g. script
/// source that feedparser's parser left as text, but kept nothing it removed).
fn run_case(case: &Value, bytes: &[u8]) -> (Result<(), String>, bool) {
    let http = case["http"].as_bool().unwrap_or(false);
    let mut headers: Vec<(String, String)> = Vec::new();
    let url = if http {
        for h in case["headers"].as_array().into_iter().flatten() {
            if let (Some(k), Some(v)) = (h[0].as_str(), h[1].as_str()) {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        if !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            headers.push(("Content-type".into(), "text/xml".into()));
        }
        headers.push(("Content-Length".into(), bytes.len().to_string()));
        case["doc_url"].as_str()
    } else {
        None
    };
    let doc = parse_document(bytes, url, &headers);
    let result = doc.to_value();
    let path = case["path"].as_str().unwrap_or("");
    let strict = evaluate(case, &doc, &result, Mode::Exact);
    if !path.starts_with("wellformed/sanitize/") {
        return (strict, false);
    }
    let safe = check_script_free(&doc);
    let safe_ok =
        safe.is_ok() && (strict.is_ok() || evaluate(case, &doc, &result, Mode::SafeText).is_ok());
    (strict.and(safe), safe_ok)
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Exact,
    SafeText,
}

fn evaluate(case: &Value, doc: &Document, result: &Value, mode: Mode) -> Result<(), String> {
    let bozo = doc.bozo;
    match case["harness_bozo"].as_str() {
        Some("false") if bozo => {
            return Err(format!(
                "bozo, but the harness requires a well-formed parse: {}",
                doc.bozo_message().unwrap_or("")
            ));
        }
        Some("true") if !bozo => return Err("not bozo, but the harness requires bozo".into()),
        _ => {}
    }
    for (i, check) in case["checks"].as_array().into_iter().flatten().enumerate() {
        match eval_node(check, result, mode) {
            Ok(true) => {}
            Ok(false) => {
                return Err(format!(
                    "check {} is false: {}",
                    i + 1,
                    describe(check, result)
                ));
            }
            Err(e) => return Err(format!("check {} failed: {e}", i + 1)),
        }
    }
    Ok(())
}

fn describe(check: &Value, result: &Value) -> String {
    let side = |k: &str| -> String {
        match check.get(k) {
            Some(op) => match eval_operand(op, result) {
                Ok((v, _)) => truncate(&v.to_string()),
                Err(e) => format!("<{e}>"),
            },
            None => String::new(),
        }
    };
    match check["op"].as_str() {
        Some("==" | "!=" | "in" | "not in" | "is" | "is not") => {
            format!(
                "{} {} {}",
                side("left"),
                check["op"].as_str().unwrap_or(""),
                side("right")
            )
        }
        Some("truthy") => format!("truthy({})", side("arg")),
        _ => truncate(&check.to_string()),
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 300 {
        let t: String = s.chars().take(300).collect();
        format!("{t}…")
    } else {
        s.to_string()
    }
}

/// Every HTML-typed value of the document must be script-free.
fn check_script_free(doc: &Document) -> Result<(), String> {
    let mut dicts: Vec<&crate::Dict> = vec![&doc.feed];
    dicts.extend(doc.entries.iter());
    for d in dicts {
        for (k, v) in d {
            let details: Vec<&Value> = if k.ends_with("_detail") {
                vec![v]
            } else if k == "content" {
                v.as_array().map(|a| a.iter().collect()).unwrap_or_default()
            } else {
                continue;
            };
            for det in details {
                let ty = det.get("type").and_then(Value::as_str).unwrap_or("");
                if !(ty == "text/html" || ty == "application/xhtml+xml") {
                    continue;
                }
                if let Some(val) = det.get("value").and_then(Value::as_str)
                    && !is_script_free(val)
                {
                    return Err(format!("{k} is not script-free: {}", truncate(val)));
                }
            }
        }
    }
    Ok(())
}

// ---- the checks language ----------------------------------------------------------------------

fn eval_node(node: &Value, result: &Value, mode: Mode) -> Result<bool, String> {
    let op = node["op"].as_str().ok_or("node without op")?;
    match op {
        "truthy" => Ok(truthy(&eval_operand(&node["arg"], result)?.0)),
        "not" => Ok(!eval_node(&node["arg"], result, mode)?),
        "and" => {
            for a in node["args"].as_array().ok_or("and without args")? {
                if !eval_node(a, result, mode)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        "or" => {
            for a in node["args"].as_array().ok_or("or without args")? {
                if eval_node(a, result, mode)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        "isinstance" => {
            let (v, _) = eval_operand(&node["arg"], result)?;
            let class = node["class"].as_str().unwrap_or("");
            Ok(v.get("class").and_then(Value::as_str) == Some(class))
        }
        "==" | "!=" => {
            let (l, lhtml) = eval_operand(&node["left"], result)?;
            let (r, rhtml) = eval_operand(&node["right"], result)?;
            let eq = if lhtml && r.is_string() && !rhtml {
                html_eq(&l, &r, mode)
            } else if rhtml && l.is_string() && !lhtml {
                html_eq(&r, &l, mode)
            } else {
                py_eq(&l, &r)
            };
            Ok(if op == "==" { eq } else { !eq })
        }
        "in" | "not in" => {
            let (l, _) = eval_operand(&node["left"], result)?;
            let (r, _) = eval_operand(&node["right"], result)?;
            let found = match &r {
                Value::Array(a) => a.iter().any(|x| py_eq(x, &l)),
                Value::String(s) => l.as_str().is_some_and(|needle| s.contains(needle)),
                Value::Object(_) => match l.as_str() {
                    Some(k) => contains_key(&r, k),
                    None => false,
                },
                _ => return Err(format!("'in' on {r}")),
            };
            Ok(if op == "in" { found } else { !found })
        }
        "is" | "is not" => {
            let (l, _) = eval_operand(&node["left"], result)?;
            let (r, _) = eval_operand(&node["right"], result)?;
            let same = match (&l, &r) {
                (Value::Null, Value::Null) => true,
                (Value::Bool(a), Value::Bool(b)) => a == b,
                _ => false,
            };
            Ok(if op == "is" { same } else { !same })
        }
        other => Err(format!("unknown op {other}")),
    }
}

/// Compares an HTML value of ours with feedparser's expected serialization, both through the
/// same sanitizer.
/// Whitespace runs count as one space (they render alike).
fn html_eq(ours: &Value, expected: &Value, mode: Mode) -> bool {
    let (Some(o), Some(e)) = (ours.as_str(), expected.as_str()) else {
        return false;
    };
    if o == e {
        return true;
    }
    let so = sanitize_html(o, None);
    let se = sanitize_html(e, None);
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    if squash(&so) == squash(&se) {
        return true;
    }
    mode == Mode::SafeText
        && text_is_selection(&crate::html_to_text(&so), &crate::html_to_text(&se))
}

/// Whether the words of `ours` appear, in order, each inside successive words of `expected`
/// (and `ours` is not empty unless `expected` is).
fn text_is_selection(ours: &str, expected: &str) -> bool {
    let exp: Vec<&str> = expected.split_whitespace().collect();
    let mut it = exp.iter();
    let mut any = false;
    for w in ours.split_whitespace() {
        any = true;
        if !it.any(|e| e.contains(w)) {
            return false;
        }
    }
    any || exp.is_empty()
}

/// Evaluates an operand; the flag says whether the value is an HTML-typed text construct.
fn eval_operand(op: &Value, result: &Value) -> Result<(Value, bool), String> {
    if let Some(v) = op.get("value") {
        return Ok((v.clone(), false));
    }
    if let Some(p) = op.get("path") {
        return resolve(result, p.as_array().ok_or("path is not a list")?);
    }
    if let Some(p) = op.get("get") {
        let (obj, _) = resolve(result, p.as_array().ok_or("get is not a list")?)?;
        let key = op["key"].as_str().ok_or("get key is not a string")?;
        return match lookup(&obj, &json!(key)) {
            Some((v, rk)) => {
                let html = is_html_member(&obj, &rk);
                Ok((v, html))
            }
            None => eval_operand(&op["default"], result),
        };
    }
    if let Some(x) = op.get("len") {
        let (v, _) = eval_operand(x, result)?;
        let n = match &v {
            Value::String(s) => s.chars().count(),
            Value::Array(a) => a.len(),
            Value::Object(o) => o.len(),
            other => return Err(format!("len() of {other}")),
        };
        return Ok((json!(n), false));
    }
    if let Some(x) = op.get("ord") {
        let (v, _) = eval_operand(x, result)?;
        let s = v.as_str().ok_or("ord() of a non-string")?;
        let mut chars = s.chars();
        return match (chars.next(), chars.next()) {
            (Some(c), None) => Ok((json!(c as u32), false)),
            _ => Err(format!("ord() of {s:?}")),
        };
    }
    if op.get("timedelta").is_some() {
        return Ok((op.clone(), false));
    }
    if op.is_null() {
        return Ok((Value::Null, false));
    }
    Err(format!("unknown operand {op}"))
}

fn resolve(root: &Value, path: &[Value]) -> Result<(Value, bool), String> {
    let mut cur = root.clone();
    let mut parent: Option<Value> = None;
    let mut last_key = String::new();
    for step in path {
        let (next, rk) =
            lookup(&cur, step).ok_or_else(|| format!("missing {step} in path {path:?}"))?;
        parent = Some(cur);
        cur = next;
        last_key = rk;
    }
    let html = parent
        .as_ref()
        .is_some_and(|p| is_html_member(p, &last_key));
    Ok((cur, html))
}

fn is_html_type(t: Option<&str>) -> bool {
    matches!(t, Some("text/html" | "application/xhtml+xml"))
}

/// Whether member `key` of `parent` is an HTML-typed value: `value` of a detail/content dict
/// typed HTML, or a key whose `_detail` sibling is typed HTML.
fn is_html_member(parent: &Value, key: &str) -> bool {
    if key == "value" {
        return is_html_type(parent.get("type").and_then(Value::as_str));
    }
    let detail = parent.get(format!("{key}_detail")).or_else(|| {
        // A summary copied from the content has no detail of its own: it has the content's type.
        (key == "summary")
            .then(|| parent.get("content").and_then(|c| c.get(0)))
            .flatten()
    });
    is_html_type(detail.and_then(|d| d.get("type")).and_then(Value::as_str))
}

fn alias(key: &str) -> &'static [&'static str] {
    match key {
        "channel" => &["feed"],
        "items" => &["entries"],
        "guid" => &["id"],
        "date" | "modified" => &["updated"],
        "date_parsed" | "modified_parsed" => &["updated_parsed"],
        "description" => &["summary", "subtitle"],
        "description_detail" => &["summary_detail", "subtitle_detail"],
        "url" => &["href"],
        "issued" => &["published"],
        "issued_parsed" => &["published_parsed"],
        "copyright" => &["rights"],
        "copyright_detail" => &["rights_detail"],
        "tagline" => &["subtitle"],
        "tagline_detail" => &["subtitle_detail"],
        _ => &[],
    }
}

fn contains_key(obj: &Value, key: &str) -> bool {
    match key {
        "updated" | "updated_parsed" => obj.get(key).is_some(),
        _ => lookup(obj, &json!(key)).is_some(),
    }
}

/// One subscript with feedparser's key aliases; returns the value and the key it was found at.
fn lookup(cur: &Value, step: &Value) -> Option<(Value, String)> {
    match (cur, step) {
        (Value::Array(a), Value::Number(n)) => {
            let i = n.as_i64()?;
            let idx = if i < 0 { a.len() as i64 + i } else { i };
            a.get(usize::try_from(idx).ok()?)
                .cloned()
                .map(|v| (v, idx.to_string()))
        }
        (Value::String(s), Value::Number(n)) => {
            let i = n.as_i64()?;
            let chars: Vec<char> = s.chars().collect();
            let idx = if i < 0 { chars.len() as i64 + i } else { i };
            chars
                .get(usize::try_from(idx).ok()?)
                .map(|c| (json!(c.to_string()), idx.to_string()))
        }
        (Value::Object(o), Value::String(k)) => {
            let k = k.as_str();
            match k {
                "category" => {
                    let t = o.get("tags")?.as_array()?.first()?.get("term")?.clone();
                    return Some((t, "category".into()));
                }
                "enclosures" => {
                    let links = o.get("links")?.as_array()?;
                    let encl: Vec<Value> = links
                        .iter()
                        .filter(|l| l.get("rel").and_then(Value::as_str) == Some("enclosure"))
                        .map(|l| {
                            let mut m = l.as_object().cloned().unwrap_or_default();
                            m.remove("rel");
                            Value::Object(m)
                        })
                        .collect();
                    return Some((Value::Array(encl), "enclosures".into()));
                }
                "license" => {
                    let links = o.get("links")?.as_array()?;
                    let h = links.iter().find_map(|l| {
                        (l.get("rel").and_then(Value::as_str) == Some("license"))
                            .then(|| l.get("href").cloned())
                            .flatten()
                    })?;
                    return Some((h, "license".into()));
                }
                "updated" | "updated_parsed" => {
                    if let Some(v) = o.get(k) {
                        return Some((v.clone(), k.into()));
                    }
                    let p = if k == "updated" {
                        "published"
                    } else {
                        "published_parsed"
                    };
                    return o.get(p).map(|v| (v.clone(), p.to_string()));
                }
                _ => {}
            }
            for real in alias(k) {
                if let Some(v) = o.get(*real) {
                    return Some((v.clone(), real.to_string()));
                }
            }
            o.get(k).map(|v| (v.clone(), k.to_string()))
        }
        _ => None,
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

fn as_num(v: &Value) -> Option<f64> {
    match v {
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

/// Python `==` on JSON-shaped values (`True == 1`, tuples are lists).
fn py_eq(a: &Value, b: &Value) -> bool {
    if let (Some(x), Some(y)) = (as_num(a), as_num(b)) {
        return x == y;
    }
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| py_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| py_eq(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval_node_exact(n: &Value, r: &Value) -> Result<bool, String> {
        eval_node(n, r, Mode::Exact)
    }

    #[test]
    fn aliases_and_python_semantics() {
        let r = json!({"feed": {"subtitle": "s", "tags": [{"term": "t"}],
            "links": [{"rel": "enclosure", "href": "h"}], "published": "p"},
            "entries": [{"summary": "x"}], "bozo": false});
        let node = |s: &str| -> Value { serde_json::from_str(s).unwrap() };
        assert!(
            eval_node_exact(
                &node(r#"{"op":"==","left":{"path":["channel","tagline"]},"right":{"value":"s"}}"#),
                &r
            )
            .unwrap()
        );
        assert!(
            eval_node_exact(
                &node(r#"{"op":"==","left":{"path":["feed","category"]},"right":{"value":"t"}}"#),
                &r
            )
            .unwrap()
        );
        assert!(
            eval_node_exact(
                &node(r#"{"op":"==","left":{"path":["feed","updated"]},"right":{"value":"p"}}"#),
                &r
            )
            .unwrap()
        );
        assert!(
            eval_node_exact(
                &node(
                    r#"{"op":"==","left":{"path":["items",0,"description"]},"right":{"value":"x"}}"#
                ),
                &r
            )
            .unwrap()
        );
        assert!(
            eval_node_exact(
                &node(r#"{"op":"not","arg":{"op":"truthy","arg":{"path":["bozo"]}}}"#),
                &r
            )
            .unwrap()
        );
        assert!(eval_node_exact(&node(r#"{"op":"==","left":{"path":["feed","enclosures",0]},"right":{"value":{"href":"h"}}}"#), &r).unwrap());
        assert!(
            eval_node_exact(
                &node(r#"{"op":"==","left":{"path":["feed","nope"]},"right":{"value":1}}"#),
                &r
            )
            .is_err()
        );
        assert!(py_eq(&json!(true), &json!(1)));
    }

    #[test]
    fn script_rules() {
        assert!(is_script_case(
            "wellformed/sanitize/entry_content_onclick.xml",
            ""
        ));
        assert!(is_script_case(
            "wellformed/sanitize/item_description_script.xml",
            ""
        ));
        assert!(!is_script_case(
            "wellformed/sanitize/acceptable_element_b.xml",
            "b"
        ));
        assert!(!is_script_free("<img src=x onerror=alert(1)>"));
        assert!(!is_script_free("<a href=\"javascript:x\">"));
        assert!(is_script_free("<p>one of those</p>"));
    }

    #[test]
    fn shared_fixtures_when_present() {
        let dir =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets/feedparser-tests");
        if !dir.join("index.jsonl").exists() {
            let _ = std::io::Write::write_fmt(
                &mut std::io::stderr(),
                format_args!(
                    "notice: feedparser fixtures not found at {}; skipping\n",
                    dir.display()
                ),
            );
            return;
        }
        let report = run(&dir, true).unwrap();
        eprintln!("{report}");
        // Floors just under what this parser achieves on the shared two thirds (99.0% and
        // 100% when written), so regressions fail CI.
        assert!(
            report.overall_rate() >= 0.97,
            "overall {}",
            report.overall_rate()
        );
        assert!(
            report.sanitize_script_rate() >= 1.0,
            "script-execution sanitizer cases {}",
            report.sanitize_script_rate()
        );
        for (cat, t) in &report.categories {
            assert!(t.applicable == 0 || t.rate() >= 0.9, "{cat}: {t:?}");
        }
    }
}
