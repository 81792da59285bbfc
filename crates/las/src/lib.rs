//! Reading well logs in LAS 1.2 and 2.0 (Canadian Well Logging Society, Log ASCII Standard).
//!
//! This crate knows nothing of Burn. [`read`] turns a file into its header sections
//! ([`Section`]s of [`HeaderItem`]s, as lasio models them) and its curves, each a column of
//! numbers (nulls as NaN under a [`NullPolicy`] the caller picks; by default the declared `NULL`
//! only, as lasio) or of text ([`Values`]). It reads what lasio reads, and what petrophysicists'
//! tools write: wrapped and unwrapped data; space-, tab- and comma-delimited values; quoted text,
//! text values with spaces (a date and time) never shifting later values into the wrong curve;
//! decimal commas; run-on numbers from fixed-width writers (`7.33-19508.961`); comments and blank
//! lines anywhere; units with a space or none; header lines without a description or a period;
//! mnemonics with periods; duplicate mnemonics (renamed `DT:1`, `DT:2`); rows with too few or
//! too many values; files without ~V (read as 2.0) or ~A (no rows), with a warning; UTF-8 (with
//! or without BOM), UTF-16 and Windows-1252 text; LF, CRLF and CR line ends. LAS 3.0 and repeated
//! or misplaced section headings are refused with an error naming the line. [`units`] converts
//! slowness, density and depth to SI.
//!
//! The modules:
//!
//! - [`file`](mod@file): the file model, what a caller holds after reading ([`LasFile`], [`Curve`],
//!   [`Warning`]) and its accessors;
//! - [`reader`]: [`read`] and [`parse`], the line-by-line reader (section detection, header
//!   lines, the checks before and after the data) and its [`ReadOptions`];
//! - `data` (private): the `~A` data section, to numeric or text curves, wrapped or not;
//! - `tokens` (private): a data line to its values (delimiters, quotes, decimal commas, run-on
//!   numbers, text with spaces);
//! - [`header`]: header lines to [`HeaderItem`]s, and [`Section`]s of them;
//! - [`null`]: which values are nulls ([`NullPolicy`]);
//! - [`text`]: bytes to text ([`Encoding`]) and lines;
//! - `number` (private): numbers as LAS writes them (Fortran `D` exponents);
//! - [`units`]: curves in SI units;
//! - [`error`]: what can go wrong ([`LasError`], [`UnitError`]).
//!
//! ```no_run
//! let log = zoepnet_las::read("data/R-39.las".as_ref(), &Default::default())?;
//! let vp = log.velocity_from_slowness("DT4P")?; // m/s
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod data;
pub mod error;
pub mod file;
pub mod header;
pub mod null;
mod number;
pub mod reader;
pub mod text;
mod tokens;
pub mod units;

pub use error::{LasError, UnitError};
pub use file::{Curve, LasFile, ShortRow, Values, Warning};
pub use header::{HeaderItem, Section};
pub use null::{COMMON_SENTINELS, COMMON_TEXT_NULLS, NullPolicy};
pub use reader::{ReadOptions, parse, read};
pub use text::Encoding;
