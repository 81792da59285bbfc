//! `zoepnet reflectivity`: P-P reflection coefficients for the rows of a CSV file.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use zoepnet_physics::{Interface, ShueyTerms, aki_richards, rpp, shuey};

use super::table::{read_rows, write_rows};

#[derive(Debug, Args)]
pub struct ReflectivityArgs {
    /// Input CSV with a header row naming vp1,vs1,rho1,vp2,vs2,rho2 (m/s, kg/m3) and theta
    /// (degrees, 0 to 90), in any order, among any other columns.
    #[arg(long, value_name = "IN.csv")]
    input: PathBuf,
    /// How to compute the coefficient.
    #[arg(long, value_enum, default_value_t = Method::Exact)]
    method: Method,
    /// Write here instead of stdout (written whole, or not at all).
    #[arg(long, value_name = "OUT.csv")]
    output: Option<PathBuf>,
}

/// A way to compute Rpp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// Exact Zoeppritz (Aki & Richards 1980): adds `rpp` (real part) and `rpp_imag`.
    Exact,
    /// Aki-Richards three-term approximation.
    AkiRichards,
    /// Shuey's three-term approximation.
    Shuey,
    /// Shuey's two-term approximation (intercept and gradient).
    Shuey2,
}

impl Method {
    fn compute(
        self,
        interface: &Interface,
        theta: f64,
    ) -> Result<(f64, f64), zoepnet_physics::PhysicsError> {
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

pub fn run(args: &ReflectivityArgs) -> anyhow::Result<()> {
    let (headers, rows) = read_rows(&args.input, |v| {
        let interface = Interface::from_properties([v[0], v[1], v[2], v[3], v[4], v[5]]);
        args.method
            .compute(&interface, v[6])
            .map_err(|e| e.to_string())
    })?;
    let exact = args.method == Method::Exact;
    let added: &[&str] = if exact {
        &["rpp", "rpp_imag"]
    } else {
        &["rpp"]
    };
    let rows: Vec<_> = rows
        .into_iter()
        .map(|(record, (re, im))| {
            let mut extra = vec![format!("{re}")];
            if exact {
                extra.push(format!("{im}"));
            }
            (record, extra)
        })
        .collect();
    write_rows(&headers, added, &rows, args.output.as_deref())
}
