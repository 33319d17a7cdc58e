//! Drawing a chart description ([`ChartKind`]) with plotters, as SVG text or as a PNG image.
//!
//! Everything plotters-specific lives here, so the chart builders stay plain data transforms
//! that tests can inspect. Text is rendered with the DejaVu Sans font compiled into the binary
//! (assets/fonts/), never with system fonts: charts must render on a server with no fonts and
//! no display. This file deliberately knows nothing about runs, sweeps or measures.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{ChartKind, Mark, Panels, Series, XAxis, XyPlot, YFormat, YStart};

/// Pixel size of every chart: wide enough for a day of 15-minute intervals, small enough to
/// sit two to a printed page.
pub const WIDTH: u32 = 960;
pub const HEIGHT: u32 = 520;

/// Width of the legend column on the right of the plot, in pixels.
const LEGEND_WIDTH: u32 = 210;

/// Small multiples: panels per row, and the height of a row of panels.
const PANEL_COLUMNS: usize = 3;
const PANEL_ROW_HEIGHT: u32 = 190;
/// Room above the panels for the chart's title.
const PANEL_TITLE_HEIGHT: u32 = 44;

/// The height of a chart: [`HEIGHT`], or for small multiples as many rows as the panels need.
pub fn height(kind: &ChartKind) -> u32 {
    match kind {
        ChartKind::Panels(panels) => {
            let rows = panels.panels.len().div_ceil(PANEL_COLUMNS).max(1) as u32;
            (PANEL_TITLE_HEIGHT + rows * PANEL_ROW_HEIGHT).max(HEIGHT)
        }
        _ => HEIGHT,
    }
}

const FONT: &str = "sans-serif";
static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static REGISTER_FONT: Once = Once::new();

fn register_font() {
    REGISTER_FONT.call_once(|| {
        // The bytes are compiled in and known to be a valid TrueType font; a failure here
        // would be a build defect, and it surfaces as a rendering error on first use.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES);
    });
}

/// Tableau 10: distinguishable, and still apart when printed in grey.
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

fn color(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// Areas are filled with the colour blended halfway to white, opaque rather than translucent,
/// so lines drawn over them stay readable and the print matches the screen.
fn tint(color: RGBColor) -> RGBColor {
    let lighten = |c: u8| ((u16::from(c) + 255) / 2) as u8;
    RGBColor(lighten(color.0), lighten(color.1), lighten(color.2))
}

const GRID: RGBColor = RGBColor(225, 225, 225);
const REFERENCE: RGBColor = RGBColor(60, 60, 60);

/// A plotters failure, as text (its error type is generic over the backend).
pub type DrawError = String;

/// The chart as an SVG document.
pub fn svg(title: &str, kind: &ChartKind) -> Result<Vec<u8>, DrawError> {
    register_font();
    let mut text = String::new();
    {
        let size = (WIDTH, height(kind));
        let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
        draw(&root, title, kind).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(text.into_bytes())
}

/// The chart as a PNG image (8-bit RGB).
pub fn png(title: &str, kind: &ChartKind) -> Result<Vec<u8>, DrawError> {
    register_font();
    let chart_height = height(kind);
    let mut pixels = vec![0u8; (WIDTH * chart_height * 3) as usize];
    {
        let root =
            BitMapBackend::with_buffer(&mut pixels, (WIDTH, chart_height)).into_drawing_area();
        draw(&root, title, kind).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, WIDTH, chart_height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Charts are flat colours: fast compression is within a few per cent of the best here.
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer
        .write_image_data(&pixels)
        .map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(bytes)
}

pub(super) type Drawn<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    kind: &ChartKind,
) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let (plot_area, legend_area) = root.split_horizontally(WIDTH - LEGEND_WIDTH);
    match kind {
        ChartKind::Xy(plot) => {
            draw_xy(root, &plot_area, title, plot)?;
            draw_legend(&legend_area, &plot.series, &plot.references)
        }
        ChartKind::HeatMap(map) => {
            super::heat_map::draw_heat_map(root, &plot_area, &legend_area, title, map)
        }
        ChartKind::Panels(panels) => draw_panels(root, &plot_area, &legend_area, title, panels),
    }
}

fn draw_panels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    legend: &DrawingArea<DB, Shift>,
    title: &str,
    panels: &Panels,
) -> Drawn<DB> {
    root.draw(&Text::new(
        title.to_string(),
        ((WIDTH - LEGEND_WIDTH) as i32 / 2, 14),
        text_style(20).pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    let (_, grid) = area.split_vertically(PANEL_TITLE_HEIGHT);
    let rows = panels.panels.len().div_ceil(PANEL_COLUMNS).max(1);
    let cells = grid.split_evenly((rows, PANEL_COLUMNS));
    // One scale for every panel, so panels compare at a glance.
    let shared = XyPlot {
        series: panels
            .panels
            .iter()
            .flat_map(|(_, plot)| plot.series.clone())
            .collect(),
        references: panels
            .panels
            .first()
            .map(|(_, p)| p.references.clone())
            .unwrap_or_default(),
        ..panels
            .panels
            .first()
            .map(|(_, p)| p.clone())
            .unwrap_or(XyPlot {
                x: XAxis::HourOfDay,
                y_label: String::new(),
                y_format: YFormat::Number,
                y_start: YStart::Zero,
                series: vec![],
                references: vec![],
            })
    };
    let y = y_range(&shared);
    for ((name, plot), cell) in panels.panels.iter().zip(&cells) {
        draw_plot(root, cell, name, plot, Some(y), true)?;
    }
    match panels.panels.first() {
        Some((_, first)) => draw_legend(legend, &first.series, &first.references),
        None => Ok(()),
    }
}

pub(super) fn text_style(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&BLACK)
}

/// Tick and cell labels. `span` is the range the labels cover: a narrow range of percentages
/// needs decimals to tell its ticks apart.
pub(super) fn format_y(value: f64, format: YFormat, span: f64) -> String {
    match format {
        YFormat::Percent => {
            let decimals = if span < 0.02 {
                2
            } else if span < 0.2 {
                1
            } else {
                0
            };
            format!("{:.decimals$}%", value * 100.0)
        }
        YFormat::Count => {
            if (value - value.round()).abs() < 1e-9 {
                format!("{:.0}", value.round())
            } else {
                String::new()
            }
        }
        YFormat::Number => {
            if value.abs() >= 100.0 || value == value.trunc() {
                format!("{value:.0}")
            } else if value.abs() >= 1.0 {
                format!("{value:.1}")
            } else {
                format!("{value:.2}")
            }
        }
    }
}

/// The finite runs of a series: a NaN (an undefined value, e.g. no conversation in that
/// interval) breaks the line rather than dropping to zero.
fn segments(points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current = Vec::new();
    for &(x, y) in points {
        if x.is_finite() && y.is_finite() {
            current.push((x, y));
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn x_range(plot: &XyPlot) -> (f64, f64) {
    match &plot.x {
        // A day, or every day of a run whose days are kept apart.
        XAxis::HourOfDay => {
            let last = plot
                .series
                .iter()
                .flat_map(|s| s.points.iter().map(|p| p.0))
                .filter(|x| x.is_finite())
                .fold(0.0, f64::max);
            (0.0, (last / 24.0).ceil().max(1.0) * 24.0)
        }
        XAxis::Categories { names, .. } => (-0.5, names.len().max(1) as f64 - 0.5),
        XAxis::Numeric { .. } => {
            let xs = plot
                .series
                .iter()
                .flat_map(|s| s.points.iter().map(|p| p.0))
                .filter(|x| x.is_finite());
            let (low, high) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), x| {
                (l.min(x), h.max(x))
            });
            let with_bars = plot.series.iter().any(|s| {
                matches!(
                    s.mark,
                    Mark::LineWithBars { .. } | Mark::PointsWithBars { .. }
                )
            });
            if !low.is_finite() {
                (0.0, 1.0)
            } else if high - low < 1e-12 {
                (low - 0.5, high + 0.5)
            } else if with_bars {
                // Room for the end points' confidence bars, which would sit on the frame.
                let pad = (high - low) * 0.04;
                (low - pad, high + pad)
            } else {
                (low, high)
            }
        }
    }
}

fn y_range(plot: &XyPlot) -> (f64, f64) {
    let mut values: Vec<f64> = plot.references.iter().map(|r| r.y).collect();
    for series in &plot.series {
        values.extend(series.points.iter().map(|p| p.1));
        if let Mark::LineWithBars { intervals } | Mark::PointsWithBars { intervals } = &series.mark
        {
            values.extend(intervals.iter().flat_map(|&(low, high)| [low, high]));
        }
    }
    let (low, high) = values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(v), h.max(v))
        });
    if !low.is_finite() {
        return (0.0, 1.0);
    }
    let low = match plot.y_start {
        // Counts, rates and waits start at zero; differences may go below it.
        YStart::Zero => low.min(0.0),
        YStart::Data => low,
    };
    let high = if high <= low { low + 1.0 } else { high };
    let pad = (high - low) * 0.06;
    (
        if low < 0.0 || plot.y_start == YStart::Data {
            low - pad
        } else {
            low
        },
        high + pad,
    )
}

fn draw_xy<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    title: &str,
    plot: &XyPlot,
) -> Drawn<DB> {
    draw_plot(root, area, title, plot, None, false)
}

/// One plot: the whole chart, or (`small`) one panel of small multiples, with its y range
/// given so that every panel shares one scale.
fn draw_plot<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    title: &str,
    plot: &XyPlot,
    y_range_given: Option<(f64, f64)>,
    small: bool,
) -> Drawn<DB> {
    let (x0, x1) = x_range(plot);
    let (y0, y1) = y_range_given.unwrap_or_else(|| y_range(plot));
    let (title_size, x_area, y_area) = if small { (15, 30, 52) } else { (20, 48, 70) };
    let mut chart = ChartBuilder::on(area)
        .caption(title, text_style(title_size))
        .margin(if small { 6 } else { 12 })
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let y_format = plot.y_format;
    let y_formatter = move |y: &f64| format_y(*y, y_format, y1 - y0);
    let hour_formatter = |x: &f64| {
        let hour = x.round() as i64;
        if x1 > 24.0 && hour % 24 == 0 {
            format!("day {}", hour / 24)
        } else if x1 > 24.0 {
            format!("day {} {:02}h", hour / 24, hour % 24)
        } else {
            format!("{hour:02}:00")
        }
    };
    let plain_formatter = |x: &f64| format_y(*x, YFormat::Number, x1 - x0);
    let blank_formatter = |_: &f64| String::new();
    let whole_formatter = |x: &f64| format_y(*x, YFormat::Count, x1 - x0);
    let mut mesh = chart.configure_mesh();
    // Whole numbers on count axes: no more ticks than there are whole numbers in the range.
    let y_labels = match plot.y_format {
        YFormat::Count => ((y1 - y0).floor() as usize + 1).clamp(2, 8),
        _ if small => 5,
        _ => 8,
    };
    if !small {
        mesh.x_desc(plot.x.label()).y_desc(plot.y_label.as_str());
    }
    mesh.label_style(text_style(if small { 11 } else { 13 }))
        .axis_desc_style(text_style(14))
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .y_labels(y_labels)
        .y_label_formatter(&y_formatter);
    match &plot.x {
        XAxis::HourOfDay if small => mesh.x_labels(5).x_label_formatter(&hour_formatter),
        XAxis::HourOfDay => mesh.x_labels(13).x_label_formatter(&hour_formatter),
        XAxis::Numeric { whole: true, .. } => mesh
            .x_labels(((x1 - x0).floor() as usize + 1).clamp(2, 10))
            .x_label_formatter(&whole_formatter),
        XAxis::Numeric { .. } => mesh.x_labels(10).x_label_formatter(&plain_formatter),
        XAxis::Categories { .. } => mesh
            .disable_x_mesh()
            .x_labels(2)
            .x_label_formatter(&blank_formatter),
    };
    mesh.draw()?;

    for series in &plot.series {
        let style = color(series.color).stroke_width(2);
        match &series.mark {
            Mark::Line => {
                chart.draw_series(
                    segments(&series.points)
                        .into_iter()
                        .map(|segment| PathElement::new(segment, style)),
                )?;
            }
            Mark::Dashed => {
                for segment in segments(&series.points) {
                    chart.draw_series(std::iter::once(DashedPathElement::new(
                        segment, 7, 5, style,
                    )))?;
                }
            }
            Mark::Area { lower } => {
                let fill = tint(color(series.color)).filled();
                let upper: Vec<(f64, f64)> = series.points.clone();
                let mut outline = upper.clone();
                outline.extend(upper.iter().zip(lower).rev().map(|(&(x, _), &y)| (x, y)));
                chart.draw_series(std::iter::once(Polygon::new(outline, fill)))?;
            }
            Mark::LineWithBars { intervals } | Mark::PointsWithBars { intervals } => {
                if let Mark::LineWithBars { .. } = series.mark {
                    chart.draw_series(
                        segments(&series.points)
                            .into_iter()
                            .map(|segment| PathElement::new(segment, style)),
                    )?;
                }
                let half_cap = (x1 - x0) * 0.01;
                for (&(x, y), &(low, high)) in series.points.iter().zip(intervals) {
                    if !(x.is_finite() && y.is_finite()) {
                        continue;
                    }
                    if low.is_finite() && high.is_finite() {
                        let bar_style = color(series.color).stroke_width(2);
                        chart.draw_series([
                            PathElement::new(vec![(x, low), (x, high)], bar_style),
                            PathElement::new(
                                vec![(x - half_cap, low), (x + half_cap, low)],
                                bar_style,
                            ),
                            PathElement::new(
                                vec![(x - half_cap, high), (x + half_cap, high)],
                                bar_style,
                            ),
                        ])?;
                    }
                    chart.draw_series(std::iter::once(Circle::new(
                        (x, y),
                        4,
                        color(series.color).filled(),
                    )))?;
                }
            }
        }
    }
    for reference in &plot.references {
        let style = REFERENCE.stroke_width(2);
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(x0, reference.y), (x1, reference.y)],
            10,
            6,
            style,
        )))?;
    }
    if let XAxis::Categories { names, .. } = &plot.x {
        // Many long names would run into each other: every other one goes a line lower.
        let stagger = names.len() > 5;
        for (idx, name) in names.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(idx as f64, y0));
            let drop = if stagger && idx % 2 == 1 { 16 } else { 0 };
            root.draw(&Text::new(
                name.clone(),
                (px, py + 6 + drop),
                text_style(if stagger { 12 } else { 13 }).pos(Pos::new(HPos::Center, VPos::Top)),
            ))?;
        }
    }
    Ok(())
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[Series],
    references: &[super::Reference],
) -> Drawn<DB> {
    let mut y = 60;
    let line_height = 22;
    for item in series {
        let sample = color(item.color);
        match item.mark {
            Mark::Area { .. } => area.draw(&Rectangle::new(
                [(4, y - 7), (28, y + 7)],
                tint(sample).filled(),
            ))?,
            Mark::Dashed => area.draw(&DashedPathElement::new(
                vec![(4, y), (28, y)],
                7,
                5,
                sample.stroke_width(2),
            ))?,
            Mark::PointsWithBars { .. } => {
                area.draw(&PathElement::new(
                    vec![(16, y - 8), (16, y + 8)],
                    sample.stroke_width(2),
                ))?;
                area.draw(&Circle::new((16, y), 4, sample.filled()))?
            }
            _ => area.draw(&PathElement::new(
                vec![(4, y), (28, y)],
                sample.stroke_width(3),
            ))?,
        }
        area.draw(&Text::new(
            item.label.clone(),
            (36, y),
            text_style(13).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        y += line_height;
    }
    for reference in references {
        area.draw(&DashedPathElement::new(
            vec![(4, y), (28, y)],
            10,
            6,
            REFERENCE.stroke_width(2),
        ))?;
        area.draw(&Text::new(
            reference.label.clone(),
            (36, y),
            text_style(13).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        y += line_height;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undefined_values_break_a_line_instead_of_joining_across_them() {
        let points = [
            (0.0, 1.0),
            (1.0, f64::NAN),
            (2.0, 2.0),
            (3.0, 3.0),
            (4.0, f64::NAN),
        ];
        assert_eq!(
            segments(&points),
            vec![vec![(0.0, 1.0)], vec![(2.0, 2.0), (3.0, 3.0)]]
        );
    }
}
