//! `report.html`: one self-contained page a planner can open in a browser, print or mail: a
//! header (scenario, seed, horizon, version), notes on how to read it, the key figures, further
//! sections (the interval table, a comparison), the charts inlined as SVG with captions, and
//! the settings that were used. No script, no stylesheet or font from the network, no file
//! beside it that it needs. It deliberately renders nothing itself: charts arrive as SVG bytes.

use std::fmt::Write;

/// A table of the report: a caption, column headings and rows of cells (already formatted).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Optional CSS class per cell (`met`, `missed`, `better`, `worse`...), parallel to `rows`;
    /// missing entries mean none.
    pub classes: Vec<Vec<String>>,
    /// Shown folded (a `<details>` element the reader opens), for long secondary tables.
    pub folded: bool,
}

/// A section of the page after the key figures: a heading, paragraphs and tables.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub tables: Vec<Table>,
}

/// A chart on the page: its title, how to read it, and the SVG document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figure {
    pub title: String,
    pub caption: String,
    pub svg: Vec<u8>,
}

/// Everything on the page, for a run, a sweep or a comparison.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub title: String,
    /// `(label, value)` pairs for the header: scenario, seed, horizon...
    pub facts: Vec<(String, String)>,
    /// Paragraphs under the header: how to read the figures (replications, intervals).
    pub notes: Vec<String>,
    /// The key figures.
    pub tables: Vec<Table>,
    /// Further sections after the key figures (the interval table, a comparison...).
    pub sections: Vec<Section>,
    pub charts: Vec<Figure>,
    /// The settings that were used, shown verbatim (the scenario's TOML text).
    pub settings: String,
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// An SVG document made fit to sit inside HTML: no XML prologue, and no namespace attribute
/// (HTML parsers supply it), so the page holds no address at all.
fn inline_svg(svg: &[u8]) -> String {
    let text = String::from_utf8_lossy(svg);
    let start = text.find("<svg").unwrap_or(0);
    text[start..]
        .replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
        .replacen("<svg ", "<svg role=\"img\" ", 1)
}

const STYLE: &str = "
body { font-family: 'DejaVu Sans', Verdana, sans-serif; margin: 2em auto; max-width: 1180px; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; margin-top: 2em; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1.2em; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
p.note { background: #f4f7fb; border-left: 4px solid #5b8cc4; padding: 0.4em 0.8em; }
div.table { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.85em; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; }
td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th { background: #f2f2f2; }
td.met, td.better { background: #e3f4e1; }
td.missed, td.worse { background: #fbe3e1; }
td.unsure { background: #fdf5d8; }
details { margin: 0.5em 0; }
summary { cursor: pointer; font-weight: bold; }
figure { margin: 1.5em 0; }
figure svg { width: 100%; height: auto; }
figcaption { font-size: 0.9em; color: #444; }
figcaption b { color: #222; }
pre { background: #f7f7f7; border: 1px solid #ddd; padding: 0.8em; font-size: 0.8em; white-space: pre-wrap; }
@media print {
  body { margin: 0; max-width: none; }
  figure, table { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
}
";

fn write_table(out: &mut String, table: &Table) {
    if table.folded {
        let _ = writeln!(
            out,
            "<details>\n<summary>{}</summary>",
            escape(&table.caption)
        );
    }
    let _ = writeln!(
        out,
        "<div class=\"table\"><table>\n<caption>{}</caption>\n<thead><tr>",
        escape(&table.caption)
    );
    for heading in &table.header {
        let _ = write!(out, "<th>{}</th>", escape(heading));
    }
    let _ = writeln!(out, "</tr></thead>\n<tbody>");
    for (row_idx, row) in table.rows.iter().enumerate() {
        let _ = write!(out, "<tr>");
        for (idx, cell) in row.iter().enumerate() {
            let mut classes: Vec<&str> = Vec::new();
            if idx > 0 && looks_numeric(cell) {
                classes.push("number");
            }
            if let Some(class) = table
                .classes
                .get(row_idx)
                .and_then(|r| r.get(idx))
                .filter(|c| !c.is_empty())
            {
                classes.push(class);
            }
            let class = if classes.is_empty() {
                String::new()
            } else {
                format!(" class=\"{}\"", escape(&classes.join(" ")))
            };
            let _ = write!(out, "<td{class}>{}</td>", escape(cell));
        }
        let _ = writeln!(out, "</tr>");
    }
    let _ = writeln!(out, "</tbody>\n</table></div>");
    if table.folded {
        let _ = writeln!(out, "</details>");
    }
}

/// The page as HTML bytes.
pub fn html_page(page: &Page) -> Vec<u8> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
    );
    let _ = writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    );
    let _ = writeln!(
        out,
        "<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        escape(&page.title)
    );
    let _ = writeln!(
        out,
        "<header>\n<h1>{}</h1>\n<dl class=\"facts\">",
        escape(&page.title)
    );
    for (label, value) in &page.facts {
        let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(label), escape(value));
    }
    let _ = writeln!(out, "</dl>\n</header>");
    for note in &page.notes {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(note));
    }
    if !page.tables.is_empty() {
        let _ = writeln!(out, "<h2>Key figures</h2>");
    }
    for table in &page.tables {
        write_table(&mut out, table);
    }
    for section in &page.sections {
        let _ = writeln!(out, "<h2>{}</h2>", escape(&section.heading));
        for paragraph in &section.paragraphs {
            let _ = writeln!(out, "<p>{}</p>", escape(paragraph));
        }
        for table in &section.tables {
            write_table(&mut out, table);
        }
    }
    if !page.charts.is_empty() {
        let _ = writeln!(out, "<h2>Charts</h2>");
    }
    for figure in &page.charts {
        let _ = writeln!(
            out,
            "<figure>\n{}\n<figcaption><b>{}.</b> {}</figcaption>\n</figure>",
            inline_svg(&figure.svg),
            escape(&figure.title),
            escape(&figure.caption)
        );
    }
    let _ = writeln!(
        out,
        "<h2>Settings used</h2>\n<pre>{}</pre>",
        escape(&page.settings)
    );
    let _ = writeln!(out, "</body>\n</html>");
    out.into_bytes()
}

/// Numbers, percentages, `-` and `value ± half-width` cells are right-aligned.
fn looks_numeric(cell: &str) -> bool {
    let first = cell.split(" ± ").next().unwrap_or(cell);
    first == "-"
        || first
            .trim_end_matches(" pts")
            .trim_end_matches('%')
            .trim_end_matches(" s")
            .parse::<f64>()
            .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_names_and_settings_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        let page = Page {
            title: "<script>".into(),
            settings: "name = \"</pre><b>\"".into(),
            ..Page::default()
        };
        let html = String::from_utf8(html_page(&page)).unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("</pre><b>"), "{html}");
        assert!(html.contains("&lt;/pre&gt;&lt;b&gt;"));
    }

    #[test]
    fn an_inlined_svg_loses_its_prologue_and_namespace() {
        let svg = b"<?xml version=\"1.0\"?>\n<svg width=\"10\" xmlns=\"http://www.w3.org/2000/svg\"><text>a</text></svg>";
        assert_eq!(
            inline_svg(svg),
            "<svg role=\"img\" width=\"10\"><text>a</text></svg>"
        );
    }
}
