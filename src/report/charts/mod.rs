//! Charts of a run and of a sweep, as SVG and PNG bytes.
//!
//! A chart is first described as plain data ([`Chart`]: a title, axes and series), built from
//! results by [`run_charts`] or [`sweep_charts`]; [`Chart::render`] then draws it with plotters.
//! Keeping the two apart lets tests check what a chart shows without decoding pixels, and keeps
//! plotters confined to `render.rs`. Nothing here runs a simulation, aggregates replications
//! (the sweep side hands in means and confidence intervals) or writes files.

mod heat_map;
mod render;
mod run;
mod sweep;
mod waits;

pub use render::{HEIGHT, WIDTH};
pub use run::{run_charts, ChartOptions};
pub use sweep::{
    sweep_charts, PairedDifference, PairedDifferences, SweepAxis, SweepCharts, SweepHeatMap,
    SweepPoint, SweepSeries,
};

use super::labels::Better;
use super::ReportError;

/// An image format a chart can be rendered to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartFormat {
    Svg,
    Png,
}

impl ChartFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ChartFormat::Svg => "svg",
            ChartFormat::Png => "png",
        }
    }
}

/// Which chart files a run or sweep writes (`--charts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChartSelection {
    None,
    /// The default: SVG is the fastest to render and is what the HTML report embeds.
    #[default]
    Svg,
    Png,
    All,
}

impl ChartSelection {
    pub fn formats(self) -> &'static [ChartFormat] {
        match self {
            ChartSelection::None => &[],
            ChartSelection::Svg => &[ChartFormat::Svg],
            ChartSelection::Png => &[ChartFormat::Png],
            ChartSelection::All => &[ChartFormat::Svg, ChartFormat::Png],
        }
    }
}

/// One chart, described as data.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// File stem, unique within a report: `service-level`, `presence-tier1`.
    pub name: String,
    pub title: String,
    /// How to read the chart, in a sentence or two: shown under it on the page.
    pub caption: String,
    pub kind: ChartKind,
}

impl Chart {
    /// Pixel size: [`WIDTH`] x [`HEIGHT`], or taller for small multiples with many panels.
    pub fn size(&self) -> (u32, u32) {
        (WIDTH, render::height(&self.kind))
    }

    pub fn render(&self, format: ChartFormat) -> Result<Vec<u8>, ReportError> {
        let drawn = match format {
            ChartFormat::Svg => render::svg(&self.title, &self.kind),
            ChartFormat::Png => render::png(&self.title, &self.kind),
        };
        drawn.map_err(|message| ReportError::Chart {
            chart: self.name.clone(),
            message,
        })
    }

    /// `charts/<name>.<extension>`: where the chart goes inside a report folder.
    pub fn file_name(&self, format: ChartFormat) -> String {
        format!("charts/{}.{}", self.name, format.extension())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ChartKind {
    /// Lines, areas or points with confidence bars over a shared x axis.
    Xy(XyPlot),
    /// A grid of values over two categorical axes.
    HeatMap(HeatMap),
    /// Small multiples: one small plot per entity (an agent group), on shared axes, with one
    /// legend for all (the first panel's series).
    Panels(Panels),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Panels {
    /// `(panel title, plot)`, in reading order (left to right, then down).
    pub panels: Vec<(String, XyPlot)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct XyPlot {
    pub x: XAxis,
    pub y_label: String,
    pub y_format: YFormat,
    pub y_start: YStart,
    pub series: Vec<Series>,
    /// Horizontal lines: targets and thresholds.
    pub references: Vec<Reference>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum XAxis {
    /// Hours from midnight, 0 to 24.
    HourOfDay,
    Numeric {
        label: String,
        /// Only whole numbers on the axis (agents, counts): no tick at half an agent.
        whole: bool,
    },
    /// Named positions 0, 1, ..., in order.
    Categories { label: String, names: Vec<String> },
}

impl XAxis {
    pub fn label(&self) -> &str {
        match self {
            XAxis::HourOfDay => "time of day",
            XAxis::Numeric { label, .. } | XAxis::Categories { label, .. } => label,
        }
    }
}

/// Where the y axis starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YStart {
    /// At zero (or below, for negative values): volumes, waits, utilization.
    Zero,
    /// Just below the smallest value: for differences between close values.
    Data,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YFormat {
    Number,
    /// Whole things (conversations, agents): ticks only at whole numbers.
    Count,
    /// Fractions shown as percentages.
    Percent,
}

impl YFormat {
    /// Percent for the measures that are fractions of something.
    pub fn of_measure(measure: &str) -> YFormat {
        let fractions = [
            "service_level_",
            "utilization",
            "occupancy",
            "abandon_rate",
            "p_wait",
        ];
        if fractions.iter().any(|f| measure.contains(f)) {
            YFormat::Percent
        } else {
            YFormat::Number
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    /// Index into the palette; series that belong together (one group's utilization and
    /// occupancy) share a colour.
    pub color: usize,
    pub mark: Mark,
    /// `(x, y)`; a NaN `y` leaves a gap.
    pub points: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    Line,
    Dashed,
    /// A filled band between `lower` (one value per point) and the points: a stacked layer.
    Area {
        lower: Vec<f64>,
    },
    /// Points joined by a line, each with a `(low, high)` confidence interval.
    LineWithBars {
        intervals: Vec<(f64, f64)>,
    },
    /// Separate points, each with a `(low, high)` confidence interval.
    PointsWithBars {
        intervals: Vec<(f64, f64)>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub label: String,
    pub y: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HeatMap {
    pub x_label: String,
    pub x_names: Vec<String>,
    pub y_label: String,
    pub y_names: Vec<String>,
    /// `values[y][x]`; NaN cells are drawn grey with a dash.
    pub values: Vec<Vec<f64>>,
    /// What the colour means (the measure).
    pub value_label: String,
    pub format: YFormat,
    /// Which way is better: green for better, red for worse; `Neither` keeps a neutral ramp.
    pub better: Better,
}

/// Renders every chart in every selected format, as `(charts/<name>.<ext>, bytes)`.
pub fn chart_files(
    charts: &[Chart],
    selection: ChartSelection,
) -> Result<Vec<(String, Vec<u8>)>, ReportError> {
    let mut files = Vec::new();
    for chart in charts {
        for &format in selection.formats() {
            files.push((chart.file_name(format), chart.render(format)?));
        }
    }
    Ok(files)
}

/// A file-name-safe form of an entity or measure name.
fn file_stem(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}
