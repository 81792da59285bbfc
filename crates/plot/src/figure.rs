//! The figure model: panels of labelled series, as callers build them.

use plotters::style::RGBColor;

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

/// The y axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Linear.
    Linear,
    /// Base-10 logarithmic.
    Log,
    /// Linear, for counts: ticked at whole numbers only.
    Count,
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
    /// The x axis's scale (linear, or counts such as epochs).
    pub x_scale: Scale,
    /// The y axis's scale.
    pub y_scale: Scale,
    /// Room left each side of what is drawn along x, as a fraction of its span (0: the data
    /// reach the frame, as curves over epochs do).
    pub x_margin: f64,
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
            x_scale: Scale::Linear,
            y_scale: Scale::Linear,
            x_margin: 0.0,
            series: Vec::new(),
            band: None,
        }
    }

    /// With a log y axis.
    pub fn log_y(mut self) -> Self {
        self.y_scale = Scale::Log;
        self
    }

    /// With a y axis of counts (ticked at whole numbers only).
    pub fn count_y(mut self) -> Self {
        self.y_scale = Scale::Count;
        self
    }

    /// With `fraction` of the x span left free each side (a histogram's outer bars and markers
    /// then stand clear of the frame).
    pub fn x_margin(mut self, fraction: f64) -> Self {
        self.x_margin = fraction;
        self
    }

    /// With an x axis of counts, such as epochs (ticked at whole numbers only; a log x axis
    /// is not drawn).
    pub fn count_x(mut self) -> Self {
        self.x_scale = Scale::Count;
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
