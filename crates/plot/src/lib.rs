//! Line charts for run folders: a figure of one or more panels, drawn to PNG and SVG bytes.
//!
//! The crate knows nothing of training: callers hand it numbers. Text in the PNG is rendered with
//! an embedded DejaVu Sans, so the pictures look the same on every machine; the SVG names the
//! `sans-serif` family. Non-finite points are left out (and, on a log scale, points at or below
//! zero), so a diverged run still gets its pictures.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;

/// A colour from the figure's palette (Tableau 10), by index.
pub fn palette(index: usize) -> RGBColor {
    const COLORS: [RGBColor; 8] = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(214, 39, 40),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(127, 127, 127),
    ];
    COLORS[index % COLORS.len()]
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A solid line.
    Line,
    /// A dashed line.
    Dashed,
    /// Markers only.
    Points,
}

/// One labelled set of (x, y) points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The legend's text.
    pub label: String,
    /// The points, in drawing order.
    pub points: Vec<(f64, f64)>,
    /// How to draw them.
    pub style: Style,
    /// Index into [`palette`].
    pub color: usize,
}

impl Series {
    /// A series of `points` drawn as `style` in colour `color`.
    pub fn new(
        label: impl Into<String>,
        points: Vec<(f64, f64)>,
        style: Style,
        color: usize,
    ) -> Self {
        Self {
            label: label.into(),
            points,
            style,
            color,
        }
    }
}

/// A shaded band across the full height of a panel, between two x values.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// The legend's text.
    pub label: String,
    /// Left edge.
    pub from: f64,
    /// Right edge.
    pub to: f64,
}

/// A corner of a panel (where its legend goes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corner {
    /// Top right.
    UpperRight,
    /// Top left.
    UpperLeft,
    /// Bottom right.
    LowerRight,
    /// Bottom left.
    LowerLeft,
}

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

/// The y axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Linear.
    Linear,
    /// Base-10 logarithmic.
    Log,
}

/// One chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// Caption above the chart.
    pub title: String,
    /// The x axis's description.
    pub x_label: String,
    /// The y axis's description.
    pub y_label: String,
    /// The y axis's scale.
    pub y_scale: Scale,
    /// The series, drawn in order.
    pub series: Vec<Series>,
    /// An optional shaded band (drawn below the series).
    pub band: Option<Band>,
}

impl Panel {
    /// An empty panel with a linear y axis.
    pub fn new(
        title: impl Into<String>,
        x_label: impl Into<String>,
        y_label: impl Into<String>,
    ) -> Self {
        Self {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            y_scale: Scale::Linear,
            series: Vec::new(),
            band: None,
        }
    }

    /// With a log y axis.
    pub fn log_y(mut self) -> Self {
        self.y_scale = Scale::Log;
        self
    }

    /// With `series` added.
    pub fn with(mut self, series: Series) -> Self {
        self.series.push(series);
        self
    }

    /// With a shaded band.
    pub fn with_band(mut self, label: impl Into<String>, from: f64, to: f64) -> Self {
        self.band = Some(Band {
            label: label.into(),
            from,
            to,
        });
        self
    }

    /// The points of every series as drawn: y as log10(y) on a log scale; unusable points dropped.
    fn drawn(&self, series: &Series) -> Vec<(f64, f64)> {
        series
            .points
            .iter()
            .filter_map(|&(x, y)| match self.y_scale {
                Scale::Linear => Some((x, y)),
                Scale::Log => (y > 0.0).then(|| (x, y.log10())),
            })
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect()
    }

    /// The corner whose quarter-by-third of the plot holds the fewest points (ties: upper right,
    /// upper left, lower right, lower left), where the legend hides the least.
    pub fn legend_corner(&self) -> Corner {
        let ((x0, x1), (y0, y1)) = self.ranges();
        let (w, h) = (x1 - x0, y1 - y0);
        let inside = |corner: Corner| {
            let (right, upper) = match corner {
                Corner::UpperRight => (true, true),
                Corner::UpperLeft => (false, true),
                Corner::LowerRight => (true, false),
                Corner::LowerLeft => (false, false),
            };
            self.series
                .iter()
                .flat_map(|s| self.drawn(s))
                .filter(|&(x, y)| {
                    let fx = (x - x0) / w;
                    let fy = (y - y0) / h;
                    let in_x = if right { fx >= 0.6 } else { fx <= 0.4 };
                    let in_y = if upper { fy >= 0.7 } else { fy <= 0.3 };
                    in_x && in_y
                })
                .count()
        };
        [
            Corner::UpperRight,
            Corner::UpperLeft,
            Corner::LowerRight,
            Corner::LowerLeft,
        ]
        .into_iter()
        .min_by_key(|&c| inside(c))
        .unwrap_or(Corner::UpperRight)
    }

    /// The x and y ranges of what is drawn, padded; sane when empty or flat.
    fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        let mut xs = (f64::INFINITY, f64::NEG_INFINITY);
        let mut ys = (f64::INFINITY, f64::NEG_INFINITY);
        for s in &self.series {
            for (x, y) in self.drawn(s) {
                xs = (xs.0.min(x), xs.1.max(x));
                ys = (ys.0.min(y), ys.1.max(y));
            }
        }
        if let Some(band) = &self.band {
            xs = (xs.0.min(band.from), xs.1.max(band.to));
        }
        let widen = |(lo, hi): (f64, f64), pad: f64| {
            if !lo.is_finite() || !hi.is_finite() {
                (0.0, 1.0)
            } else if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
                (lo - 0.5, hi + 0.5)
            } else {
                let d = (hi - lo) * pad;
                (lo - d, hi + d)
            }
        };
        (widen(xs, 0.0), widen(ys, 0.05))
    }
}

/// A picture: panels side by side (`columns` per row).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The panels, row by row.
    pub panels: Vec<Panel>,
    /// Panels per row.
    pub columns: usize,
    /// Width and height in pixels.
    pub size: (u32, u32),
}

impl Figure {
    /// A figure of one panel, 900 x 560 pixels.
    pub fn single(panel: Panel) -> Self {
        Self {
            panels: vec![panel],
            columns: 1,
            size: (900, 560),
        }
    }

    /// Panels side by side in one row, 640 pixels wide each.
    pub fn row(panels: Vec<Panel>) -> Self {
        let n = panels.len().max(1);
        Self {
            columns: n,
            panels,
            size: (640 * n as u32, 520),
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

/// A tick label: the value itself (as many decimals as the axis `span` needs), or 10^value on
/// a log scale. Values within rounding of zero print as 0.
fn tick(scale: Scale, span: f64, v: f64) -> String {
    if scale == Scale::Log {
        return format!("{:.1e}", 10f64.powf(v));
    }
    let a = v.abs();
    if a <= span * 1e-9 {
        "0".into()
    } else if span < 1e-3 || a >= 1e5 {
        format!("{v:.2e}")
    } else {
        let decimals = (2.0 - span.log10().floor()).max(0.0) as usize;
        let s = format!("{v:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            s
        }
    }
}

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
    let scale = panel.y_scale;
    let y_fmt = move |v: &f64| tick(scale, y1 - y0, *v);
    let x_fmt = move |v: &f64| tick(Scale::Linear, x1 - x0, *v);
    chart
        .configure_mesh()
        .x_desc(panel.x_label.as_str())
        .y_desc(panel.y_label.as_str())
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style((FAMILY, 13))
        .axis_desc_style((FAMILY, 15))
        .light_line_style(RGBColor(235, 235, 235))
        .bold_line_style(RGBColor(210, 210, 210))
        .draw()
        .map_err(draw_err)?;
    let mut legend = false;
    if let Some(band) = &panel.band {
        let color = RGBColor(120, 120, 120).mix(0.18);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(band.from, y0), (band.to, y1)],
                color.filled(),
            )))
            .map_err(draw_err)?
            .label(band.label.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 20, y + 6)], color.filled()));
        legend |= !band.label.is_empty();
    }
    for series in &panel.series {
        let points = panel.drawn(series);
        let color = palette(series.color);
        let stroke = color.stroke_width(2);
        let annotation = match series.style {
            Style::Line => chart.draw_series(LineSeries::new(points, stroke)),
            Style::Dashed => chart.draw_series(DashedLineSeries::new(points, 8, 5, stroke)),
            Style::Points => chart.draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, 3, color.filled())),
            ),
        }
        .map_err(draw_err)?;
        if !series.label.is_empty() {
            legend = true;
            let style = series.style;
            annotation
                .label(series.label.as_str())
                .legend(move |(x, y)| {
                    if style == Style::Points {
                        Circle::new((x + 10, y), 3, color.filled()).into_dyn()
                    } else {
                        PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                            .into_dyn()
                    }
                });
        }
    }
    if legend {
        chart
            .configure_series_labels()
            .position(panel.legend_corner().position())
            .label_font((FAMILY, 13))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(180, 180, 180))
            .draw()
            .map_err(draw_err)?;
    }
    Ok(())
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

    fn loss_panel() -> Panel {
        let train: Vec<(f64, f64)> = (1..=50)
            .map(|e| (f64::from(e), 1e-2 / f64::from(e)))
            .collect();
        Panel::new("Loss", "epoch", "MSE")
            .log_y()
            .with(Series::new("train", train, Style::Line, 0))
            .with(Series::new(
                "val",
                vec![(1.0, 0.0), (2.0, f64::NAN), (3.0, 1e-3)],
                Style::Points,
                1,
            ))
    }

    #[test]
    fn log_scale_drops_points_it_cannot_draw_and_spans_the_rest() {
        let panel = loss_panel();
        assert_eq!(panel.drawn(&panel.series[1]), vec![(3.0, -3.0)]);
        let ((x0, x1), (y0, y1)) = panel.ranges();
        assert_eq!((x0, x1), (1.0, 50.0));
        // log10(1e-2 / 50) = -3.699, log10(1e-2) = -2, padded by 5 % of the span.
        assert!((y0 - (-3.699 - 0.085)).abs() < 1e-3, "{y0}");
        assert!((y1 - (-2.0 + 0.085)).abs() < 1e-3, "{y1}");
    }

    #[test]
    fn empty_and_flat_panels_get_a_usable_range() {
        assert_eq!(Panel::new("", "", "").ranges(), ((0.0, 1.0), (0.0, 1.0)));
        let flat = Panel::new("", "", "").with(Series::new("", vec![(2.0, 3.0)], Style::Line, 0));
        assert_eq!(flat.ranges(), ((1.5, 2.5), (2.5, 3.5)));
        let banded = flat.with_band("trained", 0.0, 20.0);
        assert_eq!(banded.ranges().0, (0.0, 20.0));
    }

    #[test]
    fn the_legend_goes_where_the_data_is_not() {
        // A falling curve leaves the upper right empty; a rising one the upper left.
        let line = |points: Vec<(f64, f64)>| {
            Panel::new("", "", "").with(Series::new("a", points, Style::Line, 0))
        };
        let falling: Vec<(f64, f64)> = (0..100).map(|i| (f64::from(i), -f64::from(i))).collect();
        let rising: Vec<(f64, f64)> = (0..100).map(|i| (f64::from(i), f64::from(i))).collect();
        assert_eq!(line(falling).legend_corner(), Corner::UpperRight);
        assert_eq!(line(rising).legend_corner(), Corner::UpperLeft);
        // A hump over the whole width: below it.
        let hump: Vec<(f64, f64)> = (0..=100)
            .map(|i| (f64::from(i), 1.0 - (f64::from(i) / 50.0 - 1.0).powi(2)))
            .collect();
        assert_eq!(line(hump).legend_corner(), Corner::LowerRight);
    }

    #[test]
    fn tick_labels() {
        assert_eq!(tick(Scale::Log, 2.0, -4.0), "1.0e-4");
        assert_eq!(tick(Scale::Linear, 0.4, 0.25), "0.25");
        assert_eq!(tick(Scale::Linear, 0.4, -0.05), "-0.05");
        assert_eq!(tick(Scale::Linear, 0.4, -5.6e-17), "0");
        assert_eq!(tick(Scale::Linear, 60.0, 30.0), "30");
        assert_eq!(tick(Scale::Linear, 0.08, -0.01), "-0.01");
        assert_eq!(tick(Scale::Linear, 0.08, -0.015), "-0.015");
        assert_eq!(tick(Scale::Linear, 1e-4, 2.5e-4), "2.50e-4");
    }

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
    fn svg_holds_the_text_and_the_lines() {
        let text = svg(&Figure::single(loss_panel())).expect("draws");
        assert!(text.starts_with("<svg"));
        for needle in ["Loss", "epoch", "MSE", "train", "val", "<polyline"] {
            assert!(text.contains(needle), "{needle} missing");
        }
    }
}
