//! Charts and the HTML report, end to end: every chart kind of a small run and of a hand-made
//! sweep renders to a well-formed SVG and a decodable PNG of the chart size, showing the
//! series and axis labels it should; report.html is self-contained and holds every chart; the
//! CLI's `--charts` writes what it says.

use std::collections::BTreeSet;
use std::path::Path;

use routesim::config::{self, Origin};
use routesim::metrics::{self, RunResults};
use routesim::report::charts::{
    ChartKind, PairedDifference, PairedDifferences, SweepAxis, SweepCharts, SweepHeatMap,
    SweepPoint, SweepSeries, HEIGHT, WIDTH,
};
use routesim::report::{self, Chart, ChartFormat, ChartOptions, ChartSelection, Page};

/// Two channels into two queues, two groups on different shifts, 15-minute intervals over a
/// working day: small, but every run chart has more than one line to draw.
const SMALL: &str = r#"
name = "small <&> shop"

[simulation]
horizon = "12h"
warm_up = "0s"
seed = 7
interval = "15m"
service_level_thresholds = ["30s", "2m"]

[channels.chat]
kind = "live_chat"
arrivals = { per_hour = 40 }
patience = { kind = "exponential", mean = "3m" }
handle_time = { kind = "exponential", mean = "6m" }

[channels.email]
kind = "email"
arrivals = { per_hour = 15 }
handle_time = { kind = "exponential", mean = "10m" }

[workstreams.chat]
channels = ["chat"]
capacity_units = 1
allowed_presences = ["available", "busy"]
fallback_queue = "front"

[workstreams.email]
channels = ["email"]
capacity_units = 1
allowed_presences = ["available", "busy"]
fallback_queue = "back"

[queues.front]
assignment = "round_robin"

[queues.back]
assignment = "round_robin"

[agent_groups.morning]
count = 4
capacity_units = 2
queues = ["front", "back"]
shift = { start = "01:00", end = "07:00", breaks = [{ start = "04:00", end = "04:30" }] }

[agent_groups.all_day]
count = 3
capacity_units = 1
queues = ["front", "back"]
shift = { start = "00:00", end = "12:00" }
"#;

fn small_results() -> RunResults {
    let scenario = config::parse_scenario(
        SMALL,
        &Origin {
            file: "small.toml".into(),
            base_dir: ".".into(),
        },
    )
    .expect("the test scenario is valid");
    metrics::run(&scenario, scenario.simulation.seed)
}

/// The text content of every `<text>` element, unescaped.
fn svg_texts(svg: &str) -> Vec<String> {
    let mut texts = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        let after = &rest[start..];
        let open_end = after.find('>').expect("a text element's start tag ends");
        let close = after.find("</text>").expect("a text element is closed");
        texts.push(
            after[open_end + 1..close]
                .trim()
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&"),
        );
        rest = &after[close..];
    }
    texts
}

/// Checks that `svg` is one well-formed `<svg>` element of the chart size: every start tag
/// is closed in order. A hand-rolled check, because the XML subset plotters writes is tiny.
fn assert_well_formed_svg(svg: &str, chart: &str) {
    let body = svg.trim_start();
    let body = if body.starts_with("<?xml") {
        &body[body.find("?>").unwrap() + 2..]
    } else {
        body
    }
    .trim();
    assert!(
        body.starts_with("<svg") && body.ends_with("</svg>"),
        "{chart}: not an svg document"
    );
    assert!(
        body.contains(&format!("width=\"{WIDTH}\""))
            && body.contains(&format!("height=\"{HEIGHT}\"")),
        "{chart}: size"
    );
    let mut stack: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find('<') {
        let end = rest[start..]
            .find('>')
            .map(|e| start + e)
            .unwrap_or_else(|| panic!("{chart}: unterminated tag"));
        let tag = &rest[start + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "{chart}: mismatched </{name}>"
            );
        } else if !tag.ends_with('/') && !tag.starts_with('!') && !tag.starts_with('?') {
            stack.push(
                tag.split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            );
        }
        rest = &rest[end + 1..];
    }
    assert!(stack.is_empty(), "{chart}: unclosed {stack:?}");
}

/// Decodes a PNG and returns its size and its distinct colours.
fn decode_png(bytes: &[u8]) -> (u32, u32, BTreeSet<[u8; 3]>) {
    let decoder = png::Decoder::new(bytes);
    let mut reader = decoder.read_info().expect("a png header");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).expect("png pixel data");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    let colours = pixels[..info.buffer_size()]
        .chunks(3)
        .map(|c| [c[0], c[1], c[2]])
        .collect();
    (info.width, info.height, colours)
}

/// The labels a chart must show: its title, axis labels and every series' legend label.
fn expected_labels(chart: &Chart) -> Vec<String> {
    let mut labels = vec![chart.title.clone()];
    match &chart.kind {
        ChartKind::Xy(plot) => {
            labels.push(plot.x.label().to_string());
            labels.push(plot.y_label.clone());
            labels.extend(plot.series.iter().map(|s| s.label.clone()));
            labels.extend(plot.references.iter().map(|r| r.label.clone()));
        }
        ChartKind::HeatMap(map) => {
            labels.extend([
                map.x_label.clone(),
                map.y_label.clone(),
                map.value_label.clone(),
            ]);
            labels.extend(map.x_names.iter().chain(&map.y_names).cloned());
        }
        ChartKind::Panels(panels) => {
            labels.extend(panels.panels.iter().map(|(name, _)| name.clone()));
            if let Some((_, first)) = panels.panels.first() {
                labels.extend(first.series.iter().map(|s| s.label.clone()));
                labels.extend(first.references.iter().map(|r| r.label.clone()));
            }
        }
    }
    labels
}

/// Renders `chart` both ways and checks both files, and that the SVG shows `must_show`.
fn check_chart(chart: &Chart, must_show: &[&str]) {
    let svg = String::from_utf8(chart.render(ChartFormat::Svg).unwrap()).expect("svg is utf-8");
    assert_well_formed_svg(&svg, &chart.name);
    let texts = svg_texts(&svg);
    for label in expected_labels(chart)
        .iter()
        .map(String::as_str)
        .chain(must_show.iter().copied())
    {
        assert!(
            texts.iter().any(|t| t == label),
            "{}: no text {label:?} in {texts:?}",
            chart.name
        );
    }
    let (width, height, colours) = decode_png(&chart.render(ChartFormat::Png).unwrap());
    assert_eq!((width, height), chart.size(), "{}", chart.name);
    assert_eq!(width, WIDTH);
    assert!(height >= HEIGHT);
    // White, black text, grid and at least one series colour at the very least: a chart whose
    // drawing failed silently would be a blank page.
    assert!(
        colours.len() > 4,
        "{}: only {} colours",
        chart.name,
        colours.len()
    );
}

#[test]
fn every_run_chart_renders_with_its_series_and_labels() {
    let results = small_results();
    let charts = report::run_charts(&results, &ChartOptions::default());
    let names: Vec<&str> = charts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "volume",
            "service-level",
            "asa",
            "queue-length",
            "agent-utilization",
            "wait-cdf",
            "wait-histogram",
            // Groups in the order the results list them (by name).
            "presence-all_day",
            "presence-morning"
        ]
    );
    for chart in &charts {
        let must_show: &[&str] = match chart.name.as_str() {
            "volume" => &["arrived", "answered", "abandoned", "time of day", "12:00"],
            "service-level" => &[
                "all channels",
                "chat",
                "email",
                "target 80%",
                "service level",
            ],
            "asa" => &["threshold 30s", "chat", "email"],
            "queue-length" => &["front", "back"],
            "agent-utilization" => &[
                "morning utilization",
                "morning occupancy",
                "all_day utilization",
                "all_day occupancy",
            ],
            "wait-cdf" => &["wait (seconds)", "answered within", "chat", "email"],
            "wait-histogram" => &["wait (seconds)"],
            _ => &["available", "busy", "offline", "agents"],
        };
        check_chart(chart, must_show);
    }
}

#[test]
fn chart_data_follow_the_run() {
    let results = small_results();
    let charts = report::run_charts(
        &results,
        &ChartOptions {
            targets: report::Targets::uniform(0.9),
            replications: 1,
        },
    );
    let find = |name: &str| match &charts.iter().find(|c| c.name == name).unwrap().kind {
        ChartKind::Xy(plot) => plot.clone(),
        _ => panic!("{name} is not an xy chart"),
    };
    let volume = find("volume");
    // Steps: each 15-minute interval of the day is flat from its start to its end, so a
    // change between intervals is a vertical jump at the edge, not a slope between midpoints.
    let points = &volume.series[0].points;
    assert_eq!(points.len(), 2 * 96);
    for (interval, pair) in points.chunks(2).enumerate() {
        assert_eq!(pair[0].0, interval as f64 * 0.25);
        assert_eq!(pair[1].0, (interval + 1) as f64 * 0.25);
        assert_eq!(pair[0].1, pair[1].1, "flat over interval {interval}");
    }
    let arrived: f64 = points.iter().step_by(2).map(|p| p.1).sum();
    assert_eq!(
        Some(arrived),
        results.value(metrics::Scope::Overall, "all", "offered")
    );

    let service_level = find("service-level");
    assert_eq!(
        service_level.references[0].y, 0.9,
        "the target comes from the options"
    );

    // The presence layers stack up to the group's headcount in every interval.
    let presence = find("presence-morning");
    let top = presence.series.last().unwrap();
    // (Only within the 12-hour horizon: later intervals were never observed.)
    for &(hour, agents) in top.points.iter().filter(|p| p.0 < 12.0) {
        assert!(
            (agents - 4.0).abs() < 1e-6,
            "at {hour} h the morning group stacks to {agents}, not 4"
        );
    }
}

fn sweep_input() -> SweepCharts {
    let agents = SweepAxis {
        name: "agents".into(),
        values: vec!["20".into(), "22".into(), "24".into()],
    };
    let method = SweepAxis {
        name: "assignment".into(),
        values: vec!["round_robin".into(), "most_idle".into()],
    };
    let points = (0..3)
        .flat_map(|x| {
            (0..2).map(move |line| {
                let mean = 0.6 + 0.1 * x as f64 + 0.02 * line as f64;
                SweepPoint {
                    x,
                    line,
                    mean,
                    ci_low: mean - 0.03,
                    ci_high: mean + 0.03,
                }
            })
        })
        .collect();
    SweepCharts {
        series: vec![
            SweepSeries {
                measure: "service_level_20s_of_offered".into(),
                axis_x: agents.clone(),
                axis_line: Some(method.clone()),
                points,
            },
            SweepSeries {
                measure: "asa_s".into(),
                axis_x: method.clone(),
                axis_line: None,
                points: vec![
                    SweepPoint {
                        x: 0,
                        line: 0,
                        mean: 14.0,
                        ci_low: 12.0,
                        ci_high: 16.0,
                    },
                    SweepPoint {
                        x: 1,
                        line: 0,
                        mean: 11.0,
                        ci_low: 10.0,
                        ci_high: 12.5,
                    },
                ],
            },
        ],
        heat_maps: vec![SweepHeatMap {
            measure: "asa_s".into(),
            axis_x: agents,
            axis_y: method,
            values: vec![vec![30.0, 21.5, 14.0], vec![28.0, f64::NAN, 12.0]],
        }],
        differences: vec![PairedDifferences {
            measure: "asa_s".into(),
            reference: "agents=22".into(),
            differences: vec![
                PairedDifference {
                    label: "agents=20".into(),
                    mean: 8.5,
                    ci_low: 6.0,
                    ci_high: 11.0,
                },
                PairedDifference {
                    label: "agents=24".into(),
                    mean: -7.5,
                    ci_low: -9.0,
                    ci_high: -6.0,
                },
            ],
        }],
        service_level_target: Some(0.8),
    }
}

#[test]
fn every_sweep_chart_renders_with_its_series_and_labels() {
    let charts = report::sweep_charts(&sweep_input());
    let names: Vec<&str> = charts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "sweep-service_level_20s_of_offered",
            "sweep-asa_s",
            "heatmap-asa_s",
            "difference-asa_s"
        ]
    );
    check_chart(
        &charts[0],
        &[
            "assignment = round_robin",
            "assignment = most_idle",
            "agents",
            "service level within 20s",
            "target 80%",
        ],
    );
    // A categorical axis names its positions.
    check_chart(&charts[1], &["round_robin", "most_idle"]);
    // Each cell shows its value; an undefined cell a dash.
    // Lower waits are better: the best cell (12 s) tops the colour key.
    check_chart(
        &charts[2],
        &["30", "21.5", "12", "-", "12 (better)", "30 (worse)"],
    );
    // Points by name, coloured by what their interval says: 8.5 s slower is worse.
    check_chart(
        &charts[3],
        &[
            "agents=20",
            "agents=24",
            "no difference",
            "change in speed of answer (s)",
            "worse than the reference",
            "better than the reference",
        ],
    );
}

#[test]
fn rendering_is_deterministic() {
    let results = small_results();
    let charts = report::run_charts(&results, &ChartOptions::default());
    for chart in charts.iter().take(3) {
        for format in [ChartFormat::Svg, ChartFormat::Png] {
            assert_eq!(
                chart.render(format).unwrap(),
                chart.render(format).unwrap(),
                "{} {format:?}",
                chart.name
            );
        }
    }
}

#[test]
fn the_html_report_is_self_contained_and_holds_every_chart() {
    let results = small_results();
    let files = report::run_report_files(
        &results,
        SMALL,
        ChartSelection::Svg,
        &ChartOptions::default(),
    )
    .unwrap();
    let charts = report::run_charts(&results, &ChartOptions::default());
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    for chart in &charts {
        assert!(
            names.contains(&chart.file_name(ChartFormat::Svg).as_str()),
            "{names:?}"
        );
    }
    assert!(
        !names.iter().any(|n| n.ends_with(".png")),
        "svg only: {names:?}"
    );
    let html = files
        .iter()
        .find(|(name, _)| name == "report.html")
        .map(|(_, bytes)| String::from_utf8(bytes.clone()).unwrap())
        .unwrap();

    // Nothing is fetched: no address of any kind, no attribute or rule that loads a resource.
    for forbidden in [
        "http:", "https:", "//", "src=", "href=", "url(", "@import", "<script", "<link",
    ] {
        assert!(
            !html.contains(forbidden),
            "report.html contains {forbidden:?}"
        );
    }
    assert_eq!(
        html.matches("<svg").count(),
        charts.len(),
        "one inline svg per chart"
    );
    for chart in &charts {
        let caption = format!(
            "<figcaption><b>{}.</b> {}</figcaption>",
            report::html::escape(&chart.title),
            report::html::escape(&chart.caption)
        );
        assert!(html.contains(&caption), "{caption}");
        assert!(
            chart.caption.len() > 60,
            "{}: a caption says how to read it",
            chart.name
        );
    }
    // The header, escaped; the key figures; the settings verbatim (escaped).
    assert!(html.contains("small &lt;&amp;&gt; shop"));
    assert!(!html.contains("small <&> shop"));
    assert!(html.contains("<dt>Seed</dt><dd>7</dd>"));
    assert!(html.contains("<dt>Horizon</dt><dd>12 h</dd>"));
    assert!(html.contains(&format!("<dd>{}</dd>", env!("CARGO_PKG_VERSION"))));
    assert!(html.contains("<th>service level</th><th>goal</th>"));
    assert!(html.contains("<td>80% within 30s</td>"));
    assert!(html.contains("assignment = &quot;round_robin&quot;"));
}

#[test]
fn a_sweep_report_is_self_contained_and_holds_every_sweep_chart() {
    let sweep = sweep_input();
    let page = Page {
        title: "routesim sweep: staffing".into(),
        facts: vec![("Replications".into(), "20".into())],
        settings: "[sweep]\nagents = [20, 22, 24]".into(),
        ..Page::default()
    };
    let files = report::sweep_report_files(&sweep, page, ChartSelection::All).unwrap();
    let charts = report::sweep_charts(&sweep);
    assert_eq!(
        files.len(),
        2 * charts.len() + 1,
        "svg and png of each chart, and the page"
    );
    let html = String::from_utf8(files.last().unwrap().1.clone()).unwrap();
    for forbidden in [
        "http:", "https:", "src=", "href=", "url(", "@import", "<script", "<link",
    ] {
        assert!(
            !html.contains(forbidden),
            "report.html contains {forbidden:?}"
        );
    }
    assert_eq!(html.matches("<svg").count(), charts.len());
    for chart in &charts {
        assert!(
            html.contains(&format!(
                "<figcaption><b>{}.</b> {}</figcaption>",
                report::html::escape(&chart.title),
                report::html::escape(&chart.caption)
            )),
            "{}",
            chart.title
        );
    }
    assert!(html.contains("<dt>Replications</dt><dd>20</dd>"));
}

#[test]
fn chart_selection_decides_which_files_are_written() {
    let results = small_results();
    let n_charts = report::run_charts(&results, &ChartOptions::default()).len();
    let count = |selection, extension: &str| {
        let files =
            report::run_report_files(&results, SMALL, selection, &ChartOptions::default()).unwrap();
        files
            .iter()
            .filter(|(name, _)| name.ends_with(extension))
            .count()
    };
    assert_eq!(
        (
            count(ChartSelection::None, ".svg"),
            count(ChartSelection::None, ".png")
        ),
        (0, 0)
    );
    assert_eq!(
        (
            count(ChartSelection::Png, ".svg"),
            count(ChartSelection::Png, ".png")
        ),
        (0, n_charts)
    );
    assert_eq!(
        (
            count(ChartSelection::All, ".svg"),
            count(ChartSelection::All, ".png")
        ),
        (n_charts, n_charts)
    );
    let files = report::run_report_files(
        &results,
        SMALL,
        ChartSelection::None,
        &ChartOptions::default(),
    )
    .unwrap();
    let html = &files
        .iter()
        .find(|(name, _)| name == "report.html")
        .unwrap()
        .1;
    assert!(
        !String::from_utf8_lossy(html).contains("<svg"),
        "no charts, none inlined"
    );
}

#[test]
fn the_cli_writes_charts_and_the_report_next_to_the_csv_files() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("small.toml");
    // The scenario's own service-level target is what the chart draws.
    let with_target = SMALL.replacen("seed = 7", "seed = 7\nservice_level_target = 0.9", 1);
    std::fs::write(&scenario, with_target).unwrap();
    let out = dir.path().join("out");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_routesim"))
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--charts",
            "png",
            "--out",
            out.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    for name in [
        "summary.csv",
        "intervals.csv",
        "agents.csv",
        "report.html",
        "charts/volume.png",
        "charts/presence-all_day.png",
    ] {
        assert!(Path::new(&out).join(name).is_file(), "{name} missing");
    }
    assert!(!out.join("charts/volume.svg").exists());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("target 90%"),
        "the scenario's target is drawn"
    );
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_routesim"))
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--charts",
            "jpeg",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        bad.status.code(),
        Some(2),
        "an unknown chart format is bad input"
    );
}
