//! Line charts for run folders: a figure of one or more panels, drawn to PNG and SVG bytes.
//!
//! The crate knows nothing of training: callers hand it numbers. Text in the PNG is rendered with
//! an embedded DejaVu Sans, so the pictures look the same on every machine; the SVG names the
//! `sans-serif` family. Non-finite points are left out (and, on a log scale, points at or below
//! zero), so a diverged run still gets its pictures.
//!
//! The modules: `figure`, the model callers build ([`Figure`]s of [`Panel`]s of [`Series`]);
//! `layout`, what of a panel is drawn, its axes' ranges and tick labels, and where its legend
//! goes ([`Panel::legend_corner`]); `render`, the drawing with plotters and the [`png()`] and
//! [`svg()`] backends.

mod figure;
mod layout;
mod render;

pub use figure::{Band, Corner, Figure, Panel, Scale, Series, Style, palette};
pub use render::{PlotError, png, svg};

/// Panels the tests of several modules share.
#[cfg(test)]
mod test_panels {
    use crate::{Panel, Series, Style};

    pub(crate) fn loss_panel() -> Panel {
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
}
