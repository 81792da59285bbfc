//! Reading well logs in LAS 1.2 and 2.0 (Canadian Well Logging Society, Log ASCII Standard).
//!
//! This crate knows nothing of Burn. [`read`] turns a file into its header sections
//! ([`Section`]s of [`HeaderItem`]s, as lasio models them) and its curves as columns of `f64`,
//! nulls as NaN under a [`NullPolicy`] the caller picks. It reads what petrophysicists' tools read:
//! wrapped and unwrapped data; space-, tab- and comma-delimited values; comments and blank lines
//! anywhere; units with a space or none; header lines without a description; mnemonics with
//! periods; duplicate mnemonics (renamed `DT:1`, `DT:2`); rows with too few or too many values;
//! UTF-8 (with or without BOM), UTF-16 and Windows-1252 text; LF, CRLF and CR line ends. LAS 3.0
//! is refused with a clear error. [`units`] converts slowness, density and depth to SI.
//!
//! The modules:
//!
//! - [`file`](mod@file): the file model, what a caller holds after reading ([`LasFile`], [`Curve`],
//!   [`Warning`]) and its accessors;
//! - [`reader`]: [`read`] and [`parse`], the line-by-line reader (section detection, header
//!   lines, the checks before and after the data) and its [`ReadOptions`];
//! - `data` (private): the `~A` data section, to columns, wrapped or not;
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
pub mod units;

pub use error::{LasError, UnitError};
pub use file::{Curve, LasFile, Warning};
pub use header::{HeaderItem, Section};
pub use null::{COMMON_SENTINELS, NullPolicy};
pub use reader::{ReadOptions, parse, read};
pub use text::Encoding;
