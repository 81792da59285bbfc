//! The reader: text to a [`LasFile`], line by line. It finds the sections, parses the header
//! lines into their sections, and hands the `~A` lines to the data reader (module `data`).

use std::path::Path;

use crate::data::DataReader;
use crate::error::{LasError, excerpt};
use crate::file::Values;
use crate::header::{HeaderItem, Section, parse_item};
use crate::null::NullPolicy;
use crate::number::leading_number;
use crate::text::{Encoding, decode, lines};

/// The file model, also at its old path `zoepnet_las::reader::...`.
pub use crate::file::{Curve, LasFile, Warning};

/// How to read a file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadOptions {
    /// Which values are nulls. Default: [`NullPolicy::strict`] (the declared `NULL` only), as
    /// lasio.
    pub null_policy: NullPolicy,
}

/// Reads the LAS file at `path`.
pub fn read(path: &Path, options: &ReadOptions) -> Result<LasFile, LasError> {
    let bytes = std::fs::read(path).map_err(|source| LasError::Io {
        path: path.to_owned(),
        source,
    })?;
    parse(&bytes, options)
}

/// Reads a LAS file from its bytes.
pub fn parse(bytes: &[u8], options: &ReadOptions) -> Result<LasFile, LasError> {
    let (text, encoding) = decode(bytes);
    let mut parser = Parser::new(encoding, options);
    // The last line with text, for a warning about the file's end.
    let mut count = 0;
    for (i, raw) in lines(&text).enumerate() {
        parser.line(raw, i + 1)?;
        if !raw.trim().is_empty() {
            count = i + 1;
        }
    }
    parser.finish(count.max(1))
}

/// The reader's state between lines.
struct Parser<'a> {
    options: &'a ReadOptions,
    /// The file so far.
    file: LasFile,
    /// The `~C` items, made curves when the data are read.
    curve_items: Vec<HeaderItem>,
    seen: Seen,
    /// The section being read.
    current: Option<Kind>,
    /// The data reader, while in `~A`.
    data: Option<DataReader<'a>>,
}

impl<'a> Parser<'a> {
    fn new(encoding: Encoding, options: &'a ReadOptions) -> Self {
        Self {
            options,
            file: LasFile {
                encoding,
                version: Section::default(),
                well: Section::default(),
                params: Section::default(),
                curves: Vec::new(),
                other: Vec::new(),
                extra: Vec::new(),
                warnings: Vec::new(),
                short_rows: Vec::new(),
            },
            curve_items: Vec::new(),
            seen: Seen::default(),
            current: None,
            data: None,
        }
    }

    /// Reads line number `line` (1-based): blank lines and comments are skipped, `~` starts a
    /// section, and other lines belong to the section being read.
    fn line(&mut self, raw: &str, line: usize) -> Result<(), LasError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            return Ok(());
        }
        if let Some(title) = trimmed.strip_prefix('~') {
            return self.section(title, line);
        }
        if let Some(reader) = self.data.as_mut() {
            return reader.line(trimmed, line);
        }
        self.header_line(raw, line)
    }

    /// Starts the section titled `title` (the text after the `~`) on line `line`.
    fn section(&mut self, title: &str, line: usize) -> Result<(), LasError> {
        let kind = Kind::of(title);
        self.seen.mark(kind, line, title)?;
        if let Some(reader) = self.data.take() {
            // ~O or another section after the data: LAS puts ~A last, but read on.
            let file = &mut self.file;
            (file.curves, file.short_rows) =
                reader.finish(self.curve_items.clone(), &mut file.warnings)?;
            file.warnings.push(Warning {
                line,
                message: "a section after the ~A data section".into(),
                about_values: false,
            });
        }
        match kind {
            Kind::Version => self.file.version.title = title.trim().to_owned(),
            Kind::Well => self.file.well.title = title.trim().to_owned(),
            Kind::Params => self.file.params.title = title.trim().to_owned(),
            Kind::Unknown => self.file.extra.push((title.trim().to_owned(), Vec::new())),
            Kind::Ascii => self.data = Some(self.start_data(line)?),
            Kind::Curves | Kind::Other => {}
        }
        self.current = Some(kind);
        Ok(())
    }

    /// The data reader, once the header is complete (at the `~A` line `line`, or at the end of
    /// a file without one): the curves must be known; a missing ~V is read as LAS 2.0.
    fn start_data(&mut self, line: usize) -> Result<DataReader<'a>, LasError> {
        if self.curve_items.is_empty() {
            return Err(LasError::MissingSection {
                section: "curve",
                marker: "~C",
            });
        }
        if self.seen.version.is_none() {
            self.file.warnings.push(Warning {
                line,
                message: "no ~V (version) section before the data; read as LAS 2.0, unwrapped"
                    .into(),
                about_values: true,
            });
        }
        finish_header(&mut self.file, &mut self.curve_items);
        Ok(DataReader::new(
            &self.file,
            self.curve_items.len(),
            self.options,
        ))
    }

    /// A line of a header section (or of `~O` or an unknown section).
    fn header_line(&mut self, raw: &str, line: usize) -> Result<(), LasError> {
        let file = &mut self.file;
        match self.current {
            None => {
                return Err(LasError::Syntax {
                    line,
                    expected: "a section line starting with `~` (a LAS file begins with ~VERSION)"
                        .into(),
                    found: excerpt(raw),
                });
            }
            Some(Kind::Version) => {
                let item = parse_item(raw, line, false)?;
                if item.mnemonic.eq_ignore_ascii_case("VERS") {
                    check_version(&item, &mut file.warnings)?;
                }
                file.version.items.push(item);
            }
            Some(Kind::Well) => file.well.items.push(parse_item(raw, line, false)?),
            Some(Kind::Params) => file.params.items.push(parse_item(raw, line, false)?),
            Some(Kind::Curves) => self.curve_items.push(parse_item(raw, line, true)?),
            Some(Kind::Other) => file.other.push(raw.trim_end().to_owned()),
            Some(Kind::Unknown) => {
                if let Some((_, text)) = file.extra.last_mut() {
                    text.push(raw.trim_end().to_owned());
                }
            }
            // Data lines go to the data reader.
            Some(Kind::Ascii) => {}
        }
        Ok(())
    }

    /// The file, once every line is read. A file without a `~A` section has its curves with no
    /// rows, and a warning.
    fn finish(mut self, lines: usize) -> Result<LasFile, LasError> {
        if self.seen.data.is_none() {
            let reader = self.start_data(lines)?;
            self.data = Some(reader);
            self.file.warnings.push(Warning {
                line: lines,
                message: "no ~A (data) section: the curves have no values".into(),
                about_values: true,
            });
        }
        if let Some(reader) = self.data.take() {
            (self.file.curves, self.file.short_rows) =
                reader.finish(self.curve_items, &mut self.file.warnings)?;
        }
        if let Some(warning) = ends_before_stop(&self.file) {
            self.file.warnings.push(warning);
        }
        if self.seen.well.is_none() {
            self.file.warnings.push(Warning {
                line: 1,
                message: "no ~W (well) section".into(),
                about_values: false,
            });
        }
        Ok(self.file)
    }
}

/// A warning where the data end short of the `~W` `STOP` depth: the sign of a file cut off
/// after a whole line (one cut within a line also ends with a short row). Past `STOP`, or
/// within half a `STEP` of it (a thousandth of the logged interval where `STEP` is 0 or not
/// given), the data are taken to be whole: headers often round `STOP`.
fn ends_before_stop(file: &LasFile) -> Option<Warning> {
    let stop_item = file.well.get("STOP")?;
    let stop = file.well_number("STOP")?;
    let start = file.well_number("STRT")?;
    let Values::Numbers(index) = &file.curves.first()?.values else {
        return None;
    };
    let last = *index.last()?;
    let step = file.well_number("STEP").unwrap_or(0.0).abs();
    let tolerance = if step > 0.0 {
        step / 2.0
    } else {
        (stop - start).abs() / 1000.0
    };
    // How far the data stop short of STOP, in the direction the log runs (STRT to STOP).
    let short = (stop - last) * (stop - start).signum();
    (short > tolerance).then(|| Warning {
        line: stop_item.line,
        message: format!(
            "the data end at {} {last}, short of STOP {stop}: the file may be cut off",
            file.curves[0].header.mnemonic
        ),
        about_values: true,
    })
}

/// The line each section was first seen on.
#[derive(Debug, Default)]
struct Seen {
    version: Option<usize>,
    well: Option<usize>,
    curves: Option<usize>,
    params: Option<usize>,
    data: Option<usize>,
}

impl Seen {
    /// Notes a section heading of kind `kind` at `line`: each of ~V, ~W, ~C, ~P and ~A may come
    /// once, and ~V, ~W, ~C and ~P before ~A.
    fn mark(&mut self, kind: Kind, line: usize, title: &str) -> Result<(), LasError> {
        let data = self.data;
        let slot = match kind {
            Kind::Version => &mut self.version,
            Kind::Well => &mut self.well,
            Kind::Curves => &mut self.curves,
            Kind::Params => &mut self.params,
            Kind::Ascii => &mut self.data,
            Kind::Other | Kind::Unknown => return Ok(()),
        };
        let letter = title.trim_start().chars().next().unwrap_or('?');
        let expected = if let Some(first) = *slot {
            format!(
                "one ~{letter} section (the first is at line {first}); a section heading is not repeated"
            )
        } else if let Some(data) = data {
            format!(
                "no header section after the ~A data section (line {data}): ~V, ~W, ~C and ~P come before the data"
            )
        } else {
            *slot = Some(line);
            return Ok(());
        };
        Err(LasError::Syntax {
            line,
            expected,
            found: excerpt(&format!("~{title}")),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Version,
    Well,
    Curves,
    Params,
    Other,
    Ascii,
    Unknown,
}

impl Kind {
    /// LAS 1.2/2.0 sections are known by the letter after the `~`.
    fn of(title: &str) -> Kind {
        match title
            .trim_start()
            .chars()
            .next()
            .map(|c| c.to_ascii_uppercase())
        {
            Some('V') => Kind::Version,
            Some('W') => Kind::Well,
            Some('C') => Kind::Curves,
            Some('P') => Kind::Params,
            Some('O') => Kind::Other,
            Some('A') => Kind::Ascii,
            _ => Kind::Unknown,
        }
    }
}

fn check_version(item: &HeaderItem, warnings: &mut Vec<Warning>) -> Result<(), LasError> {
    match leading_number(&item.value) {
        Some(v) if v >= 3.0 => Err(LasError::Unsupported {
            line: item.line,
            what: format!("LAS version {}", item.value),
        }),
        Some(v) if v == 1.2 || v == 2.0 => Ok(()),
        _ => {
            warnings.push(Warning {
                line: item.line,
                message: format!("VERS {:?} is neither 1.2 nor 2.0; read as 2.0", item.value),
                about_values: false,
            });
            Ok(())
        }
    }
}

/// Moves LAS 1.2 well values out of the description, and makes mnemonics unique.
fn finish_header(file: &mut LasFile, curve_items: &mut [HeaderItem]) {
    if file.version_number().is_some_and(|v| v < 2.0) {
        for item in &mut file.well.items {
            let numeric = ["STRT", "STOP", "STEP", "NULL"]
                .iter()
                .any(|m| item.mnemonic.eq_ignore_ascii_case(m));
            if !numeric && !item.description.is_empty() {
                std::mem::swap(&mut item.value, &mut item.description);
            }
        }
    }
    let mut renamed = Vec::new();
    for (items, section) in [
        (&mut file.version.items[..], "~V"),
        (&mut file.well.items[..], "~W"),
        (&mut file.params.items[..], "~P"),
        (curve_items, "~C"),
    ] {
        for name in Section::rename_duplicates(items) {
            let first = items.iter().find(|i| i.original_mnemonic == name);
            renamed.push(Warning {
                line: first.map_or(1, |i| i.line),
                message: format!("{section} mnemonic {name} appears more than once; renamed {name}:1, {name}:2, ..."),
                about_values: section == "~C",
            });
        }
    }
    file.warnings.extend(renamed);
}
