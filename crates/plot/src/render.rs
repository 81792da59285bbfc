//! Drawing: a figure's panels onto a plotters backend, and the PNG and SVG backends.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::figure::{Band, Corner, Figure, Panel, Scale, Series, Style, palette};
use crate::layout::tick;

impl Corner {
    fn position(self) -> SeriesLabelPosition {
        match self {
            Corner::UpperRight => SeriesLabelPosition::UpperRight,
            Corner::UpperLeft => SeriesLabelPosition::UpperLeft,
            Corner::LowerRight => SeriesLabelPosition::LowerRight,
            Corner::LowerLeft => SeriesLabelPosition::LowerLeft,
        }
    }
}

/// Why a figure could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// Drawing failed.
    #[error("drawing the figure: {0}")]
    Draw(String),
    /// PNG encoding failed.
    #[error("encoding the PNG: {0}")]
    Png(String),
}

const FAMILY: &str = "sans-serif";

fn register_font() -> Result<(), PlotError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, dejavu::sans::regular()).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(PlotError::Draw("the embedded font did not load".into()))
    }
}

fn draw_err(e: impl std::fmt::Display) -> PlotError {
    PlotError::Draw(e.to_string())
}

/// A panel's chart: f64 x and y axes.
type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draws `panel` in `area`: axes and grid, then the band, the series in order, and the legend.
fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
) -> Result<(), PlotError> {
    let ((x0, x1), (y0, y1)) = panel.ranges();
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, (FAMILY, 20))
        .margin(12)
        .x_label_area_size(42)
        .y_label_area_size(72)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(draw_err)?;
    draw_mesh(&mut chart, panel, (x0, x1), (y0, y1))?;
    let mut legend = false;
    if let Some(band) = &panel.band {
        legend |= draw_band(&mut chart, band, (y0, y1))?;
    }
    for series in &panel.series {
        legend |= draw_series(&mut chart, panel, series)?;
    }
    if legend {
        draw_legend(&mut chart, panel)?;
    }
    Ok(())
}

/// The grid, the tick labels and the axes' descriptions, for x from `x0` to `x1` and y from
/// `y0` to `y1`.
fn draw_mesh<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    panel: &Panel,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
) -> Result<(), PlotError> {
    let scale = panel.y_scale;
    let y_fmt = move |v: &f64| tick(scale, y1 - y0, *v);
    let x_fmt = move |v: &f64| tick(Scale::Linear, x1 - x0, *v);
    let mut mesh = chart.configure_mesh();
    // At most one label per whole number on a count axis: plotters then steps by whole numbers.
    let counted = |span: f64| (span.floor() as usize + 1).clamp(2, 10);
    if scale == Scale::Count {
        mesh.y_labels(counted(y1 - y0));
    }
    if panel.x_scale == Scale::Count {
        mesh.x_labels(counted(x1 - x0));
    }
    mesh.x_desc(panel.x_label.as_str())
        .y_desc(panel.y_label.as_str())
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style((FAMILY, 13))
        .axis_desc_style((FAMILY, 15))
        .light_line_style(RGBColor(235, 235, 235))
        .bold_line_style(RGBColor(210, 210, 210))
        .draw()
        .map_err(draw_err)
}

/// The shaded band over the panel's full height (y from `y0` to `y1`); whether it has a legend
/// entry.
fn draw_band<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    band: &Band,
    (y0, y1): (f64, f64),
) -> Result<bool, PlotError> {
    let color = RGBColor(120, 120, 120).mix(0.18);
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(band.from, y0), (band.to, y1)],
            color.filled(),
        )))
        .map_err(draw_err)?
        .label(band.label.as_str())
        .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 20, y + 6)], color.filled()));
    Ok(!band.label.is_empty())
}

/// One series, as its style says; whether it has a legend entry.
fn draw_series<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    panel: &Panel,
    series: &Series,
) -> Result<bool, PlotError> {
    let points = panel.drawn(series);
    let color = palette(series.color);
    let stroke = color.stroke_width(2);
    let annotation = match series.style {
        // A line of one point (a run of one epoch) is no line: its point is drawn.
        Style::Line | Style::Dashed if points.len() == 1 => chart.draw_series(
            points
                .into_iter()
                .map(|p| Circle::new(p, 3, color.filled())),
        ),
        Style::Line => chart.draw_series(LineSeries::new(points, stroke)),
        Style::Dashed => chart.draw_series(DashedLineSeries::new(points, 8, 5, stroke)),
        Style::Points => chart.draw_series(
            points
                .into_iter()
                .map(|p| Circle::new(p, 3, color.filled())),
        ),
    }
    .map_err(draw_err)?;
    if series.label.is_empty() {
        return Ok(false);
    }
    let style = series.style;
    annotation
        .label(legend_label(&series.label))
        .legend(move |(x, y)| {
            if style == Style::Points {
                Circle::new((x + 10, y), 3, color.filled()).into_dyn()
            } else {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)).into_dyn()
            }
        });
    Ok(true)
}

/// Legend entries longer than this are cut (the legend would run off the chart).
const LEGEND_CHARS: usize = 48;

/// `label`, cut to [`LEGEND_CHARS`] with "..." where longer.
fn legend_label(label: &str) -> String {
    if label.chars().count() <= LEGEND_CHARS {
        label.to_owned()
    } else {
        let kept: String = label.chars().take(LEGEND_CHARS - 3).collect();
        format!("{kept}...")
    }
}

/// The legend, in the corner where it hides the least.
fn draw_legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    panel: &Panel,
) -> Result<(), PlotError> {
    chart
        .configure_series_labels()
        .position(panel.legend_corner().position())
        .label_font((FAMILY, 13))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(180, 180, 180))
        .draw()
        .map_err(draw_err)
}

fn draw_figure<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    figure: &Figure,
) -> Result<(), PlotError> {
    root.fill(&WHITE).map_err(draw_err)?;
    let columns = figure.columns.max(1);
    let rows = figure.panels.len().div_ceil(columns).max(1);
    let areas = root.split_evenly((rows, columns));
    for (panel, area) in figure.panels.iter().zip(&areas) {
        draw_panel(area, panel)?;
    }
    root.present().map_err(draw_err)
}

/// The figure as a PNG file's bytes.
pub fn png(figure: &Figure) -> Result<Vec<u8>, PlotError> {
    register_font()?;
    let (w, h) = figure.size;
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    draw_figure(
        BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area(),
        figure,
    )?;
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let png_err = |e: png::EncodingError| PlotError::Png(e.to_string());
    let mut writer = encoder.write_header().map_err(png_err)?;
    writer.write_image_data(&rgb).map_err(png_err)?;
    writer.finish().map_err(png_err)?;
    Ok(bytes)
}

/// The figure as an SVG document.
pub fn svg(figure: &Figure) -> Result<String, PlotError> {
    register_font()?;
    let mut text = String::new();
    draw_figure(
        SVGBackend::with_string(&mut text, figure.size).into_drawing_area(),
        figure,
    )?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_panels::loss_panel;

    #[test]
    fn png_has_the_figure_size_and_is_not_blank() {
        let figure = Figure::row(vec![
            loss_panel(),
            loss_panel().with_band("band", 5.0, 10.0),
        ]);
        let bytes = png(&figure).expect("draws");
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut buf).expect("a frame");
        assert_eq!((info.width, info.height), (1280, 520));
        let pixels = &buf[..info.buffer_size()];
        let white = pixels.chunks(3).filter(|p| p == &[255, 255, 255]).count();
        let total = pixels.len() / 3;
        // Mostly white paper, but lines, text and the band cover a real part of it.
        assert!(
            white < total * 97 / 100 && white > total / 2,
            "{white} of {total}"
        );
        // The first series' colour is drawn.
        assert!(pixels.chunks(3).any(|p| p == [31, 119, 180]));
    }

    #[test]
    fn a_count_axis_is_ticked_at_whole_numbers() {
        use crate::figure::{Panel, Series, Style};
        let steps = vec![
            (0.0, 0.0),
            (0.0, 2.0),
            (50.0, 2.0),
            (50.0, 1.0),
            (100.0, 1.0),
            (100.0, 0.0),
        ];
        let panel = |p: Panel| p.with(Series::new("counts", steps.clone(), Style::Line, 0));
        let labels = |text: &str| -> Vec<String> {
            text.split("</text>")
                .filter_map(|t| t.rsplit('>').next())
                .map(|l| l.trim().to_owned())
                .collect()
        };
        // The tick labels that are not whole numbers (x runs 0 to 100: whole numbers).
        let fractions = |text: &str| -> Vec<String> {
            labels(text)
                .into_iter()
                .filter(|l| l.parse::<f64>().is_ok_and(|v| v.fract() != 0.0))
                .collect()
        };
        let counts = svg(&Figure::single(panel(Panel::new("c", "x", "n").count_y()))).unwrap();
        let plain = svg(&Figure::single(panel(Panel::new("c", "x", "n")))).unwrap();
        assert_eq!(fractions(&counts), Vec::<String>::new());
        assert!(labels(&counts).iter().any(|l| l == "2"), "{counts}");
        // Without it plotters ticks in fractions.
        assert!(!fractions(&plain).is_empty(), "{plain}");
    }

    #[test]
    fn an_epoch_axis_is_ticked_at_whole_numbers_and_one_epoch_is_a_point() {
        use crate::figure::{Panel, Series, Style};
        let labels = |text: &str| -> Vec<String> {
            text.split("</text>")
                .filter_map(|t| t.rsplit('>').next())
                .map(|l| l.trim().to_owned())
                .collect()
        };
        let fractions = |text: &str| -> usize {
            labels(text)
                .iter()
                .filter(|l| l.parse::<f64>().is_ok_and(|v| v.fract() != 0.0))
                .count()
        };
        // Two epochs, the y axis in fractions as it should be.
        let two = Series::new("a run", vec![(1.0, 0.25), (2.0, 0.75)], Style::Line, 0);
        let epochs = svg(&Figure::single(
            Panel::new("v", "epoch", "MSE").count_x().with(two.clone()),
        ))
        .unwrap();
        let plain = svg(&Figure::single(Panel::new("v", "epoch", "MSE").with(two))).unwrap();
        let x_fractions = |text: &str| {
            labels(text)
                .iter()
                .filter(|l| ["1.5", "1.2", "1.25"].contains(&l.as_str()))
                .count()
        };
        assert_eq!(x_fractions(&epochs), 0, "{epochs}");
        assert!(x_fractions(&plain) > 0, "{plain}");
        assert!(fractions(&epochs) > 0, "the y axis keeps its fractions");
        // A run of one epoch is drawn as a point, and a long legend entry is cut.
        let long = "x".repeat(60);
        let one = Series::new(long.as_str(), vec![(1.0, 0.5)], Style::Line, 0);
        let text = svg(&Figure::single(Panel::new("v", "epoch", "MSE").with(one))).unwrap();
        assert!(text.contains("<circle"), "{text}");
        assert!(text.contains(&format!("{}...", "x".repeat(45))), "{text}");
        assert!(!text.contains(&long));
    }

    #[test]
    fn svg_holds_the_text_and_the_lines() {
        let text = svg(&Figure::single(loss_panel())).expect("draws");
        assert!(text.starts_with("<svg"));
        for needle in ["Loss", "epoch", "MSE", "train", "val", "<polyline"] {
            assert!(text.contains(needle), "{needle} missing");
        }
    }
}
