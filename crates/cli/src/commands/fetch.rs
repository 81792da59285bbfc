//! `zoepnet fetch`: make sure a config's well logs are present and verified.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::failure::Context;
use crate::failure::Outcome;
use indicatif::{ProgressBar, ProgressStyle};
use zoepnet_dataset::{DataConfig, FetchOptions, Found, Progress};
use zoepnet_learner::Plan;

pub fn run(config: &Path, options: &FetchOptions) -> Outcome<()> {
    let experiment = Plan::load(config, &[])?.config;
    locate_logs(&experiment.data, config, options, true)?;
    Ok(())
}

/// Finds (fetching when allowed) each well log of a `[data]` section, checking its sha256
/// ([`zoepnet_dataset::locate_logs`]), downloads drawn on stderr. With `report`, prints one line
/// per file on stdout.
pub fn locate_logs(
    data: &DataConfig,
    config: &Path,
    options: &FetchOptions,
    report: bool,
) -> Outcome<Vec<PathBuf>> {
    let found =
        zoepnet_dataset::locate_logs(data, options, &mut report_progress()).with_context(|| {
            let s = if data.las.len() == 1 { "" } else { "s" };
            format!("the well log{s} named in {}", config.display())
        })?;
    if report {
        found.iter().for_each(say);
    }
    Ok(found.iter().map(|f| f.path().to_owned()).collect())
}

/// `fetch`'s line(s) about a file found.
fn say(found: &Found) {
    let located = match found {
        Found::InFolder(path) => {
            outln!(
                "{}: present (in a folder: no sha256 to verify)",
                path.display()
            );
            return;
        }
        Found::File(located) => located,
    };
    let how = match (located.fetched, located.checked) {
        (true, true) => "downloaded, sha256 verified",
        (true, false) => "downloaded, no sha256 in the config to verify",
        (false, true) => "present, sha256 verified",
        (false, false) => "present, no sha256 in the config to verify",
    };
    outln!("{}: {how}", located.path.display());
    outln!("sha256 {}", located.sha256);
}

/// Progress on stderr: a bar of bytes on a terminal (indicatif), a start line otherwise.
pub fn report_progress() -> impl FnMut(Progress<'_>) + 'static {
    let mut bar: Option<ProgressBar> = None;
    move |event| match event {
        Progress::Started { url, dest, total } => {
            let size = total.map_or_else(String::new, |t| format!(" ({:.1} MB)", t as f64 / 1e6));
            errln!("downloading {url}{size}\n  to {}", dest.display());
            if std::io::stderr().is_terminal() {
                let b = total.map_or_else(ProgressBar::new_spinner, ProgressBar::new);
                let template = if total.is_some() {
                    "  [{bar:24}] {bytes}/{total_bytes}  {bytes_per_sec}, {eta} left"
                } else {
                    "  {spinner} {bytes}  {bytes_per_sec}"
                };
                if let Ok(style) = ProgressStyle::with_template(template) {
                    b.set_style(style.progress_chars("#>."));
                }
                bar = Some(b);
            }
        }
        Progress::Bytes { done, total } => {
            if let Some(b) = &bar {
                b.set_position(done);
                if total == Some(done) {
                    b.finish();
                }
            }
        }
    }
}
