//! Layout: what of a panel is drawn, the axes' ranges and tick labels, and where the legend goes.

use crate::figure::{Corner, Panel, Scale, Series};

impl Panel {
    /// The points of every series as drawn: y as log10(y) on a log scale; unusable points dropped.
    pub(crate) fn drawn(&self, series: &Series) -> Vec<(f64, f64)> {
        series
            .points
            .iter()
            .filter_map(|&(x, y)| match self.y_scale {
                Scale::Linear | Scale::Count => Some((x, y)),
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
    pub(crate) fn ranges(&self) -> ((f64, f64), (f64, f64)) {
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
        (widen(xs, self.x_margin), widen(ys, 0.05))
    }
}

/// A tick label: the value itself (as many decimals as the axis `span` needs), or 10^value on
/// a log scale. Values within rounding of zero print as 0.
pub(crate) fn tick(scale: Scale, span: f64, v: f64) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::Style;
    use crate::test_panels::loss_panel;

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
        assert_eq!(banded.x_margin(0.05).ranges().0, (-1.0, 21.0));
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
}
