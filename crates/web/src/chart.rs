//! Small charts rendered on the server: an SVG bar chart for pages and e-mail, and the same
//! figures as text bars for terminals.

use std::fmt::Write;

/// A bar chart as standalone SVG, labels under the bars, values above them; accessible through
/// its `<title>`.
pub fn svg_bars(title: &str, labels: &[&str], values: &[i64]) -> String {
    let (width, height, pad) = (420.0_f64, 160.0_f64, 22.0_f64);
    let n = values.len().max(1) as f64;
    let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    let slot = (width - 2.0 * pad) / n;
    let bar = slot * 0.62;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{t}"><title>{t}</title>"#,
        t = crate::format::escape_html(title)
    );
    for (i, v) in values.iter().enumerate() {
        let h = (height - 2.0 * pad - 6.0) * (*v as f64) / max;
        let x = pad + slot * i as f64 + (slot - bar) / 2.0;
        let y = height - pad - h;
        let _ = write!(
            svg,
            r##"<rect x="{x:.1}" y="{y:.1}" width="{bar:.1}" height="{h:.1}" fill="#a3201b" rx="2"/><text x="{cx:.1}" y="{ty:.1}" font-size="11" text-anchor="middle" fill="#5b5953">{v}</text>"##,
            cx = x + bar / 2.0,
            ty = y - 4.0,
        );
        if let Some(label) = labels.get(i) {
            let _ = write!(
                svg,
                r##"<text x="{cx:.1}" y="{ly:.1}" font-size="11" text-anchor="middle" fill="#5b5953">{l}</text>"##,
                cx = x + bar / 2.0,
                ly = height - 6.0,
                l = crate::format::escape_html(label)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// `Mon ██████ 12` lines, bars scaled to `width` characters.
pub fn text_bars(labels: &[&str], values: &[i64], width: usize) -> String {
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    labels
        .iter()
        .zip(values)
        .map(|(l, v)| {
            let n = (*v as usize * width).div_ceil(max as usize);
            format!("{l:<4}{} {v}", "█".repeat(n))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts() {
        let svg = svg_bars("Articles <per> day", &["Mon", "Tue"], &[3, 0]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Articles &lt;per&gt; day"));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert_eq!(
            text_bars(&["Mon", "Tue"], &[4, 2], 4),
            "Mon ████ 4\nTue ██ 2"
        );
        assert_eq!(text_bars(&["Mon"], &[0], 4), "Mon  0");
    }
}
