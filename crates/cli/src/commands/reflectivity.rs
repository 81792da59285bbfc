//! `zoepnet reflectivity`: P-P reflection coefficients for the rows of a CSV file.
//!
//! A row the physics refuses (a negative velocity, an angle outside [0, 90]) is an error naming
//! its line, and nothing is written. So, by default, is a row outside an approximation's domain
//! (90 degrees, or past the critical angle: `zoepnet_physics::approx`, "Domain"); with
//! `--outside-domain empty` such a row is written with an empty `rpp` and the reason in an
//! added `outside_domain` column, so that a whole angle sweep stays one usable table.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use zoepnet_physics::{Beyond, Interface, PhysicsError, ShueyTerms, aki_richards, rpp, shuey};

use super::table::{read_rows, write_rows};

#[derive(Debug, Args)]
pub struct ReflectivityArgs {
    /// Input CSV with a header row naming vp1,vs1,rho1,vp2,vs2,rho2 (m/s, kg/m3) and theta
    /// (degrees, 0 to 90), in any order, among any other columns. Vs = 0 is a fluid layer.
    #[arg(long, value_name = "IN.csv")]
    input: PathBuf,
    /// How to compute the coefficient.
    #[arg(long, value_enum, default_value_t = Method::Exact)]
    method: Method,
    /// What to do with a row outside the approximation's domain (theta >= 90, past the
    /// critical angle asin(vp1/vp2), or for Shuey where its value leaves [-1, 1]): stop with an
    /// error naming its line, or write it with an empty rpp and the reason in an added
    /// `outside_domain` column (empty on other rows).
    #[arg(long, value_enum, default_value_t = OutsideDomain::Error)]
    outside_domain: OutsideDomain,
    /// Write here instead of stdout (written whole, or not at all).
    #[arg(long, value_name = "OUT.csv")]
    output: Option<PathBuf>,
}

/// A way to compute Rpp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// Exact Zoeppritz (Aki & Richards 1980), fluid layers included: adds `rpp` (real part) and
    /// `rpp_imag`.
    Exact,
    /// Aki-Richards three-term approximation (below 90 degrees and the critical angle).
    AkiRichards,
    /// Shuey's three-term approximation (below 90 degrees and the critical angle, and where
    /// |R| <= 1).
    Shuey,
    /// Shuey's two-term approximation (intercept and gradient; same domain).
    Shuey2,
}

/// What to do with a row outside an approximation's domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutsideDomain {
    /// Stop with an error naming each such row's line; write nothing.
    Error,
    /// Write the row with an empty `rpp` and the reason in an `outside_domain` column.
    Empty,
}

/// A row's result: the coefficient (real and imaginary parts), or why the approximation does
/// not apply to it.
type Outcome = Result<(f64, f64), String>;

impl Method {
    fn compute(self, interface: &Interface, theta: f64) -> Result<(f64, f64), PhysicsError> {
        Ok(match self {
            Method::Exact => {
                let r = rpp(interface, theta)?;
                (r.re, r.im)
            }
            Method::AkiRichards => (aki_richards(interface, theta)?, 0.0),
            Method::Shuey => (shuey(interface, theta, ShueyTerms::Three)?, 0.0),
            Method::Shuey2 => (shuey(interface, theta, ShueyTerms::Two)?, 0.0),
        })
    }
}

/// The short reason written in the `outside_domain` column.
fn domain_note(error: &PhysicsError) -> Option<String> {
    match error {
        PhysicsError::OutsideDomain { limit, reason, .. } => Some(match reason {
            Beyond::Grazing => "grazing incidence (theta >= 90)".to_owned(),
            Beyond::CriticalAngle => format!("past the critical angle ({limit:.4} degrees)"),
            Beyond::UnitMagnitude => format!("|R| > 1 past {limit:.4} degrees"),
        }),
        _ => None,
    }
}

/// Why a row is outside an approximation's domain, in words that every such row of one
/// interface shares (the row gives its angle), so that the report groups them.
fn outside_message(error: &PhysicsError) -> String {
    match error {
        PhysicsError::OutsideDomain {
            method,
            limit,
            reason,
            ..
        } => format!(
            "{method} is not defined here: {reason} (it holds below {limit:.2} degrees for this \
             interface; the exact Zoeppritz solution holds up to 90); --outside-domain empty \
             writes such rows with an empty rpp"
        ),
        other => other.to_string(),
    }
}

pub fn run(args: &ReflectivityArgs) -> crate::failure::Outcome {
    let tolerate = args.outside_domain == OutsideDomain::Empty;
    let (headers, rows) = read_rows(&args.input, |v| -> Result<Outcome, String> {
        let interface = Interface::from_properties([v[0], v[1], v[2], v[3], v[4], v[5]]);
        match args.method.compute(&interface, v[6]) {
            Ok(r) => Ok(Ok(r)),
            Err(e) => match domain_note(&e) {
                Some(note) if tolerate => Ok(Err(note)),
                Some(_) => Err(outside_message(&e)),
                None => Err(e.to_string()),
            },
        }
    })?;
    let exact = args.method == Method::Exact;
    let mut added = vec!["rpp"];
    if exact {
        added.push("rpp_imag");
    }
    if tolerate {
        added.push("outside_domain");
    }
    let rows: Vec<_> = rows
        .into_iter()
        .map(|(record, outcome)| {
            let (mut extra, note) = match outcome {
                Ok((re, im)) if exact => (vec![format!("{re}"), format!("{im}")], String::new()),
                Ok((re, _)) => (vec![format!("{re}")], String::new()),
                // Empty rpp (and rpp_imag): no value, the reason in `outside_domain`.
                Err(note) => (vec![String::new(); added.len() - 1], note),
            };
            if tolerate {
                extra.push(note);
            }
            (record, extra)
        })
        .collect();
    write_rows(&headers, &added, &rows, args.output.as_deref())
}
