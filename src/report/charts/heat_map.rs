//! Drawing a heat map: cells coloured by value (red to green by better and worse, or a
//! neutral light-to-dark ramp), each labelled, with a colour key that says which end is better.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::super::labels::Better;
use super::render::{format_y, text_style, Drawn};
use super::HeatMap;

/// A light-yellow to dark-blue ramp (after viridis, reversed so larger reads darker on paper).
fn ramp(fraction: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 5] = [
        (253, 231, 37),
        (94, 201, 98),
        (33, 145, 140),
        (59, 82, 139),
        (68, 1, 84),
    ];
    let f = if fraction.is_finite() {
        fraction.clamp(0.0, 1.0)
    } else {
        0.0
    } * (STOPS.len() - 1) as f64;
    let idx = (f.floor() as usize).min(STOPS.len() - 2);
    let t = f - idx as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    let (a, b) = (STOPS[idx], STOPS[idx + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Red (worst, 0) through pale yellow to green (best, 1), readable with black text.
fn red_to_green(fraction: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 3] = [(239, 138, 128), (252, 241, 191), (134, 203, 137)];
    let f = if fraction.is_finite() {
        fraction.clamp(0.0, 1.0)
    } else {
        0.0
    } * 2.0;
    let idx = (f.floor() as usize).min(1);
    let t = f - idx as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    let (a, b) = (STOPS[idx], STOPS[idx + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

pub(super) fn draw_heat_map<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    legend: &DrawingArea<DB, Shift>,
    title: &str,
    map: &HeatMap,
) -> Drawn<DB> {
    let nx = map.x_names.len().max(1) as f64;
    let ny = map.y_names.len().max(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(title, text_style(20))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(90)
        .build_cartesian_2d(0.0..nx, 0.0..ny)?;
    let blank = |_: &f64| String::new();
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(map.x_label.as_str())
        .y_desc(map.y_label.as_str())
        .axis_desc_style(text_style(14))
        .x_labels(2)
        .y_labels(2)
        .x_label_formatter(&blank)
        .y_label_formatter(&blank)
        .draw()?;
    let finite = map
        .values
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite());
    let (low, high) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
        (l.min(v), h.max(v))
    });
    let span = if high > low { high - low } else { 1.0 };
    // Colours follow better and worse, not higher and lower: 1 is the best cell.
    let goodness = |value: f64| match map.better {
        Better::Higher | Better::Neither => (value - low) / span,
        Better::Lower => (high - value) / span,
    };
    let paint = |fraction: f64| match map.better {
        Better::Neither => ramp(fraction),
        _ => red_to_green(fraction),
    };
    for (row, values) in map.values.iter().enumerate() {
        for (column, &value) in values.iter().enumerate() {
            let fraction = goodness(value);
            let (x, y) = (column as f64, row as f64);
            let fill = if value.is_finite() {
                paint(fraction).filled()
            } else {
                RGBColor(240, 240, 240).filled()
            };
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x, y), (x + 1.0, y + 1.0)],
                fill,
            )))?;
            let ink = if map.better == Better::Neither && fraction > 0.5 {
                WHITE
            } else {
                BLACK
            };
            let label = if value.is_finite() {
                format_y(value, map.format, span)
            } else {
                "-".into()
            };
            let (px, py) = chart.backend_coord(&(x + 0.5, y + 0.5));
            root.draw(&Text::new(
                label,
                (px, py),
                text_style(13)
                    .color(&ink)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            ))?;
        }
    }
    for (idx, name) in map.x_names.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(idx as f64 + 0.5, 0.0));
        root.draw(&Text::new(
            name.clone(),
            (px, py + 8),
            text_style(13).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }
    for (idx, name) in map.y_names.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(0.0, idx as f64 + 0.5));
        root.draw(&Text::new(
            name.clone(),
            (px - 8, py),
            text_style(13).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    // The colour key: the measure's name and the values at the two ends of the ramp.
    legend.draw(&Text::new(map.value_label.clone(), (4, 50), text_style(13)))?;
    let steps = 10;
    for step in 0..steps {
        let top = 80 + step * 20;
        let fraction = 1.0 - f64::from(step) / f64::from(steps - 1);
        legend.draw(&Rectangle::new(
            [(4, top), (28, top + 20)],
            paint(fraction).filled(),
        ))?;
    }
    if low.is_finite() {
        // The key's top is the best cell (or the highest, for a neutral measure).
        let (top, bottom, words) = match map.better {
            Better::Higher => (high, low, [" (better)", " (worse)"]),
            Better::Lower => (low, high, [" (better)", " (worse)"]),
            Better::Neither => (high, low, ["", ""]),
        };
        legend.draw(&Text::new(
            format!("{}{}", format_y(top, map.format, span), words[0]),
            (36, 90),
            text_style(13).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        legend.draw(&Text::new(
            format!("{}{}", format_y(bottom, map.format, span), words[1]),
            (36, 270),
            text_style(13).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_colour_ramp_runs_light_to_dark_and_clamps() {
        let luminance = |c: RGBColor| u32::from(c.0) + u32::from(c.1) + u32::from(c.2);
        assert!(luminance(ramp(0.0)) > luminance(ramp(0.5)));
        assert!(luminance(ramp(0.5)) > luminance(ramp(1.0)));
        assert_eq!(ramp(-3.0), ramp(0.0));
        assert_eq!(ramp(7.0), ramp(1.0));
    }
}
