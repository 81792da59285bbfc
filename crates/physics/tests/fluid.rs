//! Fluid layers (Vs = 0): the acoustic-elastic boundary conditions, against formulas and solves
//! independent of the crate's, and against the solid-solid equations as Vs -> 0.

use zoepnet_physics::{
    Complex64, Elastic, Interface, ShueyTerms, aki_richards, rpp, scattering, shuey,
};

/// Sea water.
const WATER: Elastic = Elastic::new(1500.0, 0.0, 1025.0);
/// A soft sea-floor sediment (Vp > water: a P critical angle of 50.3 degrees).
const SEDIMENT: Elastic = Elastic::new(1950.0, 600.0, 1900.0);
/// Hard rock under water: Vs > water's Vp, so the transmitted S wave has a critical angle too
/// (P at 25.4, S at 48.6 degrees).
const ROCK: Elastic = Elastic::new(3500.0, 2000.0, 2400.0);
/// A gassy sand below shale (a fluid below a solid, slower: no critical angle).
const SHALE: Elastic = Elastic::new(2743.0, 1394.0, 2380.0);
const GAS: Elastic = Elastic::new(1800.0, 0.0, 1900.0);
/// Oil below brine (fluid-fluid, faster below: critical angle 56.4 degrees).
const BRINE: Elastic = Elastic::new(1500.0, 0.0, 1030.0);
const HEAVY: Elastic = Elastic::new(1800.0, 0.0, 1200.0);

const ANGLES: [f64; 9] = [0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 75.0, 89.0];

/// cos of a wave of speed v for the ray parameter p, +i√(p²v² − 1) past its critical angle
/// (Aki & Richards' convention, as the crate documents).
fn cos(p: f64, v: f64) -> Complex64 {
    Complex64::new(1.0 - p * p * v * v, 0.0).sqrt()
}

fn c(x: f64) -> Complex64 {
    Complex64::new(x, 0.0)
}

/// Rayleigh's fluid-fluid coefficient, R = (ρ2α2 cos θ1 − ρ1α1 cos θ2) / (ρ2α2 cos θ1 + ρ1α1 cos θ2).
fn rayleigh(m1: Elastic, m2: Elastic, theta: f64) -> Complex64 {
    let t = theta.to_radians();
    let (z1, z2) = (m1.rho * m1.vp, m2.rho * m2.vp);
    let c2 = cos(t.sin() / m1.vp, m2.vp);
    (c(z2 * t.cos()) - c2 * z1) / (c(z2 * t.cos()) + c2 * z1)
}

/// Brekhovskikh's liquid-solid coefficient with angle impedances (Waves in Layered Media, ch. 1):
/// R = (Zl cos²2j + Zt sin²2j − Z) / (Zl cos²2j + Zt sin²2j + Z), Z = ρ1α1/cos θ1,
/// Zl = ρ2α2/cos i2, Zt = ρ2β2/cos j2 (defined away from the critical angles).
fn brekhovskikh(m1: Elastic, m2: Elastic, theta: f64) -> Complex64 {
    let t = theta.to_radians();
    let p = t.sin() / m1.vp;
    let sj = p * m2.vs;
    let cj = cos(p, m2.vs);
    let (cos2j, sin2j) = (c(1.0 - 2.0 * sj * sj), cj * (2.0 * sj));
    let z = c(m1.rho * m1.vp / t.cos());
    let zl = c(m2.rho * m2.vp) / cos(p, m2.vp);
    let zt = c(m2.rho * m2.vs) / cj;
    let elastic = zl * cos2j * cos2j + zt * sin2j * sin2j;
    (elastic - z) / (elastic + z)
}

/// Solves the 3x3 boundary conditions of a fluid side by Gaussian elimination: the rows of Aki &
/// Richards 1980 eq. 5.39 for vertical displacement, shear traction (zero on the solid side) and
/// normal traction, with the fluid's S wave and the horizontal displacement row dropped.
/// Returns (Rpp, Rps, Tpp, Tps), the absent wave 0.
fn solve_fluid_side(m1: Elastic, m2: Elastic, theta: f64) -> [Complex64; 4] {
    let t = theta.to_radians();
    let p = t.sin() / m1.vp;
    let (ci1, ci2, cj1, cj2) = (c(t.cos()), cos(p, m2.vp), cos(p, m1.vs), cos(p, m2.vs));
    let (sj1, sj2) = (p * m1.vs, p * m2.vs);
    let (r1, r2) = (m1.rho, m2.rho);
    // Columns: Rpp, Rps, Tpp, Tps, right-hand side (as in the solid-solid 4x4 system).
    let mut rows = vec![
        [ci1, c(-sj1), ci2, c(-sj2), ci1],
        [
            ci1 * (2.0 * r1 * m1.vs * sj1),
            c(r1 * m1.vs * (1.0 - 2.0 * sj1 * sj1)),
            ci2 * (2.0 * r2 * m2.vs * sj2),
            c(r2 * m2.vs * (1.0 - 2.0 * sj2 * sj2)),
            ci1 * (2.0 * r1 * m1.vs * sj1),
        ],
        [
            c(-r1 * m1.vp * (1.0 - 2.0 * sj1 * sj1)),
            cj1 * (2.0 * r1 * m1.vs * sj1),
            c(r2 * m2.vp * (1.0 - 2.0 * sj2 * sj2)),
            cj2 * (-2.0 * r2 * m2.vs * sj2),
            c(r1 * m1.vp * (1.0 - 2.0 * sj1 * sj1)),
        ],
    ];
    // Drop the absent waves' columns (and, fluid-fluid, the shear row, then 0 = 0).
    let mut unknowns: Vec<usize> = vec![0, 2];
    if m1.vs > 0.0 {
        unknowns.push(1);
    }
    if m2.vs > 0.0 {
        unknowns.push(3);
    }
    if unknowns.len() == 2 {
        rows.remove(1);
    }
    let n = unknowns.len();
    let mut m: Vec<Vec<Complex64>> = rows
        .iter()
        .map(|r| unknowns.iter().map(|&j| r[j]).chain([r[4]]).collect())
        .collect();
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&i, &j| m[i][col].norm().total_cmp(&m[j][col].norm()))
            .expect("rows left");
        m.swap(col, pivot);
        for row in 0..n {
            if row != col {
                let factor = m[row][col] / m[col][col];
                let pivot_row = m[col].clone();
                for (k, v) in pivot_row.iter().enumerate().skip(col) {
                    m[row][k] -= factor * v;
                }
            }
        }
    }
    let mut out = [c(0.0); 4];
    for (i, &j) in unknowns.iter().enumerate() {
        out[j] = m[i][n] / m[i][i];
    }
    out
}

fn coefficients(interface: &Interface, theta: f64) -> [Complex64; 4] {
    let s = scattering(interface, theta).expect("a valid interface");
    [s.rpp, s.rps, s.tpp, s.tps]
}

fn cases() -> [(&'static str, Interface); 5] {
    [
        ("water/sediment", Interface::new(WATER, SEDIMENT)),
        ("water/rock", Interface::new(WATER, ROCK)),
        ("shale/gas", Interface::new(SHALE, GAS)),
        ("rock/water", Interface::new(ROCK, WATER)),
        ("brine/oil", Interface::new(BRINE, HEAVY)),
    ]
}

#[test]
fn normal_incidence_is_the_impedance_contrast() {
    for (name, interface) in cases() {
        let s = scattering(&interface, 0.0).unwrap();
        let (z1, z2) = (
            interface.upper.rho * interface.upper.vp,
            interface.lower.rho * interface.lower.vp,
        );
        assert!((s.rpp - c((z2 - z1) / (z2 + z1))).norm() < 1e-15, "{name}");
        assert!((s.tpp - c(2.0 * z1 / (z1 + z2))).norm() < 1e-15, "{name}");
        assert_eq!((s.rps.norm(), s.tps.norm()), (0.0, 0.0), "{name}");
    }
}

#[test]
fn fluid_fluid_is_rayleighs_formula() {
    for (m1, m2) in [(BRINE, HEAVY), (HEAVY, BRINE), (WATER, GAS)] {
        for theta in ANGLES {
            let r = rpp(&Interface::new(m1, m2), theta).unwrap();
            let expected = rayleigh(m1, m2, theta);
            assert!((r - expected).norm() < 1e-13, "{theta}: {r} vs {expected}");
        }
    }
    // Past the critical angle (56.4 degrees): total reflection, |R| = 1, the phase of the
    // e^{-iωt} convention: a negative imaginary part, as the solid-solid equations give.
    let r = rpp(&Interface::new(BRINE, HEAVY), 70.0).unwrap();
    assert!((r.norm() - 1.0).abs() < 1e-14 && r.im < 0.0, "{r}");
}

#[test]
fn fluid_over_solid_is_brekhovskikhs_formula() {
    for solid in [SEDIMENT, ROCK, SHALE] {
        let interface = Interface::new(WATER, solid);
        for theta in ANGLES {
            let r = rpp(&interface, theta).unwrap();
            let expected = brekhovskikh(WATER, solid, theta);
            assert!(
                (r - expected).norm() < 1e-13,
                "{solid:?} {theta}: {r} vs {expected}"
            );
        }
    }
}

#[test]
fn all_coefficients_solve_the_boundary_conditions() {
    for (name, interface) in cases() {
        for theta in ANGLES {
            let got = coefficients(&interface, theta);
            let want = solve_fluid_side(interface.upper, interface.lower, theta);
            for (g, w) in got.iter().zip(want) {
                assert!(
                    (g - w).norm() < 1e-12 * w.norm().max(1.0),
                    "{name} {theta}: {got:?} vs {want:?}"
                );
            }
        }
    }
}

/// The largest difference, over 0 to 89 degrees, between the fluid coefficients and the
/// solid-solid ones with `vs` in place of each fluid's Vs = 0: Rpp, Tpp and the solid side's
/// converted wave. The near-fluid layer's own S wave is left out: its amplitude stays finite as
/// Vs -> 0 though the energy it carries vanishes (checked here); the fluid has none.
fn largest_difference(name: &str, interface: &Interface, vs: f64) -> f64 {
    let soften = |m: Elastic| Elastic::new(m.vp, if m.vs == 0.0 { vs } else { m.vs }, m.rho);
    let nearly = Interface::new(soften(interface.upper), soften(interface.lower));
    let mut worst: f64 = 0.0;
    for step in 0..=89 {
        let theta = step as f64;
        let fluid = coefficients(interface, theta);
        let solid = coefficients(&nearly, theta);
        for k in 0..4 {
            let absent =
                (k == 1 && interface.upper.vs == 0.0) || (k == 3 && interface.lower.vs == 0.0);
            if !absent {
                worst = worst.max((fluid[k] - solid[k]).norm());
            }
        }
        let shares = scattering(&nearly, theta)
            .expect("a valid interface")
            .energy_shares(&nearly, theta);
        let absent_share = if interface.upper.vs == 0.0 {
            shares[1]
        } else {
            shares[3]
        };
        assert!(absent_share < 1e-5, "{name} {theta}: {shares:?}");
    }
    worst
}

/// The solid-solid equations with Vs = 0.001 m/s in place of each fluid give the same
/// coefficients to about 1e-6 (at most 2e-6, for water over hard rock just past its S-wave
/// critical angle, where |Tps| > 1), below and past the critical angles; the difference is
/// first order in Vs (ten times smaller at Vs = 0.0001 m/s): the limit, not a discrepancy.
#[test]
fn the_solid_equations_tend_to_the_fluid_ones_as_vs_goes_to_zero() {
    for (name, interface) in cases() {
        let (milli, tenth) = (
            largest_difference(name, &interface, 1e-3),
            largest_difference(name, &interface, 1e-4),
        );
        println!(
            "{name}: largest |fluid - solid| over 0-89 degrees: {milli:.2e} with Vs = 0.001 m/s, {tenth:.2e} with 0.0001"
        );
        assert!(milli < 2.5e-6, "{name}: {milli}");
        assert!(tenth < 0.15 * milli, "{name}: {tenth} vs {milli}");
    }
}

#[test]
fn energy_is_conserved_below_the_critical_angle() {
    for (name, interface) in cases() {
        let fastest = interface
            .lower
            .vp
            .max(interface.lower.vs)
            .max(interface.upper.vs);
        for step in 0..90 {
            let theta = step as f64;
            if theta.to_radians().sin() / interface.upper.vp * fastest >= 1.0 {
                continue;
            }
            let s = scattering(&interface, theta).unwrap();
            let shares = s.energy_shares(&interface, theta);
            let total: f64 = shares.iter().sum();
            assert!((total - 1.0).abs() < 1e-12, "{name} {theta}: {shares:?}");
        }
    }
}

#[test]
fn grazing_incidence_reflects_everything() {
    for (name, interface) in cases() {
        let r = rpp(&interface, 90.0).unwrap();
        assert!((r - c(-1.0)).norm() < 1e-12, "{name}: {r}");
    }
    let same = Interface::new(WATER, WATER);
    assert_eq!(rpp(&same, 90.0).unwrap(), c(0.0));
}

/// The approximations accept a fluid layer; with fluids on both sides only their acoustic terms
/// remain: ½ Δρ/ρ + Δα / (2α cos²θ̄), and Shuey's R0 + ½ Δα/α sin²θ + ½ Δα/α (tan²θ − sin²θ).
#[test]
fn approximations_accept_fluid_layers() {
    let interface = Interface::new(BRINE, HEAVY);
    let (m1, m2) = (BRINE, HEAVY);
    let (dvp, drho) = (
        (m2.vp - m1.vp) / (0.5 * (m1.vp + m2.vp)),
        (m2.rho - m1.rho) / (0.5 * (m1.rho + m2.rho)),
    );
    for theta in [0.0, 10.0, 20.0, 30.0] {
        let t1 = f64::to_radians(theta);
        let t2 = (m2.vp / m1.vp * t1.sin()).asin();
        let ar = 0.5 * drho + 0.5 * dvp / (0.5 * (t1 + t2)).cos().powi(2);
        assert!((aki_richards(&interface, theta).unwrap() - ar).abs() < 1e-14);
        let sh = 0.5 * (dvp + drho) + 0.5 * dvp * t1.tan().powi(2);
        assert!((shuey(&interface, theta, ShueyTerms::Three).unwrap() - sh).abs() < 1e-14);
        // And stay near the exact value at small angles for this small contrast.
        let exact = rpp(&interface, theta).unwrap().re;
        assert!((ar - exact).abs() < 0.01, "{theta}: {ar} vs {exact}");
    }
    for interface in [Interface::new(WATER, SEDIMENT), Interface::new(SHALE, GAS)] {
        for theta in [0.0, 15.0, 30.0] {
            assert!(aki_richards(&interface, theta).unwrap().is_finite());
            assert!(
                shuey(&interface, theta, ShueyTerms::Two)
                    .unwrap()
                    .is_finite()
            );
        }
    }
}
