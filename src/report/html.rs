//! `report.html`: one self-contained page a planner can open in a browser, print or mail: a
//! header (scenario, seed, horizon, version), the key figures, the charts inlined as SVG, and
//! the settings that were used. No script, no stylesheet or font from the network, no file
//! beside it that it needs. It deliberately renders nothing itself: charts arrive as SVG bytes.

use std::fmt::Write;

use crate::metrics::{RunResults, Scope};

/// A table of the report: a caption, column headings and rows of cells (already formatted).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Everything on the page, for a run or a sweep.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub title: String,
    /// `(label, value)` pairs for the header: scenario, seed, horizon...
    pub facts: Vec<(String, String)>,
    pub tables: Vec<Table>,
    /// `(title, SVG document)`.
    pub charts: Vec<(String, Vec<u8>)>,
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
body { font-family: 'DejaVu Sans', Verdana, sans-serif; margin: 2em auto; max-width: 1000px; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; margin-top: 2em; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1.2em; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f2f2f2; }
figure { margin: 1.5em 0; }
figure svg { width: 100%; height: auto; }
figcaption { font-size: 0.9em; color: #555; }
pre { background: #f7f7f7; border: 1px solid #ddd; padding: 0.8em; font-size: 0.8em; white-space: pre-wrap; }
@media print {
  body { margin: 0; max-width: none; }
  figure, table { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
}
";

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
    if !page.tables.is_empty() {
        let _ = writeln!(out, "<h2>Key figures</h2>");
    }
    for table in &page.tables {
        let _ = writeln!(
            out,
            "<table>\n<caption>{}</caption>\n<thead><tr>",
            escape(&table.caption)
        );
        for heading in &table.header {
            let _ = write!(out, "<th>{}</th>", escape(heading));
        }
        let _ = writeln!(out, "</tr></thead>\n<tbody>");
        for row in &table.rows {
            let _ = write!(out, "<tr>");
            for (idx, cell) in row.iter().enumerate() {
                let class = if idx > 0 && looks_numeric(cell) {
                    " class=\"number\""
                } else {
                    ""
                };
                let _ = write!(out, "<td{class}>{}</td>", escape(cell));
            }
            let _ = writeln!(out, "</tr>");
        }
        let _ = writeln!(out, "</tbody>\n</table>");
    }
    if !page.charts.is_empty() {
        let _ = writeln!(out, "<h2>Charts</h2>");
    }
    for (title, svg) in &page.charts {
        let _ = writeln!(
            out,
            "<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>",
            inline_svg(svg),
            escape(title)
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

fn looks_numeric(cell: &str) -> bool {
    cell == "-" || cell.trim_end_matches('%').parse::<f64>().is_ok()
}

/// The page of one run: its header facts and key figures; `charts` and `settings` as given.
pub fn run_page(results: &RunResults, settings: &str, charts: Vec<(String, Vec<u8>)>) -> Page {
    let facts = vec![
        ("Scenario".to_string(), results.scenario.clone()),
        ("Seed".to_string(), results.seed.to_string()),
        ("Horizon".to_string(), duration_text(results.horizon_s)),
        ("Warm-up".to_string(), duration_text(results.warm_up_s)),
        ("Interval".to_string(), duration_text(results.interval_s)),
        (
            "routesim version".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
    ];
    Page {
        title: format!("routesim run: {}", results.scenario),
        facts,
        tables: key_figure_tables(results),
        charts,
        settings: settings.to_string(),
    }
}

/// The page of a run as HTML bytes.
pub fn run_report_html(
    results: &RunResults,
    settings: &str,
    charts: Vec<(String, Vec<u8>)>,
) -> Vec<u8> {
    html_page(&run_page(results, settings, charts))
}

fn duration_text(seconds: f64) -> String {
    let whole = seconds.round() as u64;
    match whole {
        0 => "0 s".into(),
        w if w % 86_400 == 0 => format!("{} d", w / 86_400),
        w if w % 3600 == 0 => format!("{} h", w / 3600),
        w if w % 60 == 0 => format!("{} min", w / 60),
        w => format!("{w} s"),
    }
}

fn cell(value: Option<f64>, scale: f64, decimals: usize, suffix: &str) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{:.decimals$}{suffix}", v * scale),
        _ => "-".into(),
    }
}

fn key_figure_tables(results: &RunResults) -> Vec<Table> {
    let sl_measure = results
        .summary
        .iter()
        .find(|r| r.measure.starts_with("service_level_") && r.measure.ends_with("_of_offered"))
        .map(|r| r.measure.clone());
    let sl_label = sl_measure.as_deref().map_or(String::new(), |m| {
        format!(
            " {}",
            m.trim_start_matches("service_level_")
                .trim_end_matches("_of_offered")
        )
    });
    let mut flows = Table {
        caption: "Conversations (measured period)".into(),
        header: [
            "scope",
            "name",
            "offered",
            "answered",
            "abandoned",
            "abandon rate",
            &format!("service level{sl_label}"),
            "ASA s",
            "wait p90 s",
            "queue mean",
        ]
        .iter()
        .map(|h| h.to_string())
        .collect(),
        rows: Vec::new(),
    };
    for scope in [
        Scope::Overall,
        Scope::Channel,
        Scope::Workstream,
        Scope::Queue,
    ] {
        let mut names: Vec<&String> = Vec::new();
        for row in results.summary.iter().filter(|r| r.scope == scope) {
            if !names.contains(&&row.name) {
                names.push(&row.name);
            }
        }
        for name in names {
            let value = |measure: &str| results.value(scope, name, measure);
            flows.rows.push(vec![
                scope.as_str().to_string(),
                name.clone(),
                cell(value("offered"), 1.0, 0, ""),
                cell(value("answered"), 1.0, 0, ""),
                cell(value("abandoned"), 1.0, 0, ""),
                cell(value("abandon_rate"), 100.0, 1, "%"),
                cell(sl_measure.as_deref().and_then(value), 100.0, 1, "%"),
                cell(value("asa_s"), 1.0, 1, ""),
                cell(value("wait_p90_s"), 1.0, 1, ""),
                cell(value("queue_length_mean"), 1.0, 2, ""),
            ]);
        }
    }
    let mut agents = Table {
        caption: "Agent groups (measured period)".into(),
        header: [
            "group",
            "agents",
            "staffed hours",
            "utilization",
            "occupancy",
            "handled",
            "handled per staffed hour",
        ]
        .iter()
        .map(|h| h.to_string())
        .collect(),
        rows: Vec::new(),
    };
    let mut groups: Vec<&String> = Vec::new();
    for row in &results.agents {
        if !groups.contains(&&row.name) {
            groups.push(&row.name);
        }
    }
    for name in groups {
        let value = |measure: &str| results.value(Scope::AgentGroup, name, measure);
        agents.rows.push(vec![
            name.clone(),
            cell(value("agents"), 1.0, 0, ""),
            cell(value("staffed_agent_hours"), 1.0, 1, ""),
            cell(value("utilization"), 100.0, 1, "%"),
            cell(value("occupancy"), 100.0, 1, "%"),
            cell(value("handled"), 1.0, 0, ""),
            cell(value("handled_per_staffed_hour"), 1.0, 2, ""),
        ]);
    }
    vec![flows, agents]
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

    #[test]
    fn durations_read_in_the_largest_whole_unit() {
        for (seconds, text) in [
            (86_400.0 * 7.0, "7 d"),
            (7200.0, "2 h"),
            (900.0, "15 min"),
            (90.0, "90 s"),
            (0.0, "0 s"),
        ] {
            assert_eq!(duration_text(seconds), text);
        }
    }
}
