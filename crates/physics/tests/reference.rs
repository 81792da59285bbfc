//! The exact coefficients and the approximations against values worked out independently of
//! this crate, and against the physics they must obey.

use zoepnet_physics::{
    Complex64, Elastic, Interface, PhysicsError, ShueyTerms, aki_richards, aki_richards_many, rpp,
    rpp_many, scattering, shuey, shuey_many,
};

/// Shale over a brine sand (the two-layer model used in the bruges examples).
const SHALE_SAND: Interface = Interface::new(
    Elastic::new(3094.0, 1515.0, 2400.0),
    Elastic::new(4050.0, 2526.0, 2210.0),
);
/// A strong contrast: the P-wave velocity doubles (critical angle 30 degrees).
const HARD: Interface = Interface::new(
    Elastic::new(2000.0, 1000.0, 2100.0),
    Elastic::new(4000.0, 2300.0, 2500.0),
);

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1e-300)
}

/// Values computed with bruges 0.5.4 (Agile Scientific), `bruges.reflection.zoeppritz_rpp`
/// (Aki & Richards' explicit form, evaluated by NumPy with complex arcsin) and
/// `bruges.reflection.scattering_matrix` (the 4x4 matrix of Aki & Richards eq. 5.39 inverted by
/// NumPy), the library the 2018 tutorial labelled its data with:
///
/// ```python
/// from bruges.reflection import zoeppritz_rpp, scattering_matrix
/// zoeppritz_rpp(3094., 1515., 2400., 4050., 2526., 2210., 20.)
/// scattering_matrix(3094., 1515., 2400., 4050., 2526., 2210., 20.)[:, 0]
/// ```
#[test]
fn below_the_critical_angle_matches_bruges() {
    let cases = [
        (SHALE_SAND, 10.0, 0.08054506068661467),
        (SHALE_SAND, 20.0, 0.045396941080690895),
        (SHALE_SAND, 30.0, -0.0027348097122169884),
        (SHALE_SAND, 45.0, 0.0030433918734817556),
        (HARD, 10.0, 0.3886209501082135),
        (HARD, 20.0, 0.3427604326071655),
    ];
    for (interface, theta, expected) in cases {
        let r = rpp(&interface, theta).unwrap();
        assert!(close(r.re, expected, 1e-12), "{theta}: {r} vs {expected}");
        assert_eq!(r.im, 0.0);
    }
}

/// Past the critical angle bruges takes the other branch of arcsin (cos = −i√(p²v² − 1)), so its
/// coefficients are the complex conjugates of Aki & Richards' (e^{−iωt}) ones used here: the same
/// real part, the opposite imaginary part.
#[test]
fn past_the_critical_angle_matches_bruges_conjugated() {
    let cases = [
        (
            SHALE_SAND,
            60.0,
            Complex64::new(-0.6277046953842217, 0.4310125308977237),
        ),
        (
            SHALE_SAND,
            89.0,
            Complex64::new(-0.991407341689562, 0.007570641934374914),
        ),
        (
            HARD,
            45.0,
            Complex64::new(-0.3426014758092737, 0.049578164924333486),
        ),
        (
            HARD,
            60.0,
            Complex64::new(-0.6562636137548434, 0.08433206507364542),
        ),
        (
            HARD,
            89.0,
            Complex64::new(-0.9940862355322099, -0.03045445181647121),
        ),
    ];
    for (interface, theta, bruges) in cases {
        let r = rpp(&interface, theta).unwrap();
        assert!(close(r.re, bruges.re, 1e-12), "{theta}: {r} vs {bruges}");
        assert!(close(r.im, -bruges.im, 1e-12), "{theta}: {r} vs {bruges}");
    }
}

/// Solves the 4x4 system of boundary conditions of Aki & Richards 1980, eq. 5.39 (continuity of
/// displacement and traction), by Gaussian elimination: a formulation independent of the
/// explicit expressions the crate uses. Returns (Rpp, Rps, Tpp, Tps).
fn aki_richards_matrix(interface: &Interface, theta_deg: f64) -> [Complex64; 4] {
    let (m1, m2) = (interface.upper, interface.lower);
    let (a1, b1, r1, a2, b2, r2) = (m1.vp, m1.vs, m1.rho, m2.vp, m2.vs, m2.rho);
    let t = theta_deg.to_radians();
    let p = t.sin() / a1;
    let c = |x: f64| Complex64::new(x, 0.0);
    let cos = |sin: f64| Complex64::new(1.0 - sin * sin, 0.0).sqrt();
    let (si1, ci1) = (c(t.sin()), c(t.cos()));
    let (si2, sj1, sj2) = (c(p * a2), c(p * b1), c(p * b2));
    let (ci2, cj1, cj2) = (cos(p * a2), cos(p * b1), cos(p * b2));
    let one = c(1.0);
    let mut m = [
        [-si1, -cj1, si2, cj2, si1],
        [ci1, -sj1, ci2, -sj2, ci1],
        [
            c(2.0 * r1 * b1) * sj1 * ci1,
            c(r1 * b1) * (one - c(2.0) * sj1 * sj1),
            c(2.0 * r2 * b2) * sj2 * ci2,
            c(r2 * b2) * (one - c(2.0) * sj2 * sj2),
            c(2.0 * r1 * b1) * sj1 * ci1,
        ],
        [
            -c(r1 * a1) * (one - c(2.0) * sj1 * sj1),
            c(2.0 * r1 * b1) * sj1 * cj1,
            c(r2 * a2) * (one - c(2.0) * sj2 * sj2),
            -c(2.0 * r2 * b2) * sj2 * cj2,
            c(r1 * a1) * (one - c(2.0) * sj1 * sj1),
        ],
    ];
    for col in 0..4 {
        let pivot = (col..4)
            .max_by(|&i, &j| m[i][col].norm().total_cmp(&m[j][col].norm()))
            .expect("rows left to pivot on");
        m.swap(col, pivot);
        for row in 0..4 {
            if row != col {
                let factor = m[row][col] / m[col][col];
                let pivot_row = m[col];
                for (k, v) in pivot_row.iter().enumerate().skip(col) {
                    m[row][k] -= factor * v;
                }
            }
        }
    }
    [0, 1, 2, 3].map(|i| m[i][4] / m[i][i])
}

#[test]
fn all_four_coefficients_solve_the_boundary_conditions() {
    for interface in [SHALE_SAND, HARD] {
        for step in 0..=89 {
            let theta = step as f64;
            let s = scattering(&interface, theta).unwrap();
            let reference = aki_richards_matrix(&interface, theta);
            for (got, want) in [s.rpp, s.rps, s.tpp, s.tps].iter().zip(reference) {
                assert!(
                    (got - want).norm() < 1e-12 * want.norm().max(1.0),
                    "{theta}: {got} vs {want}"
                );
            }
        }
    }
}

#[test]
fn normal_incidence_is_the_impedance_contrast() {
    for interface in [SHALE_SAND, HARD] {
        let s = scattering(&interface, 0.0).unwrap();
        let (z1, z2) = (
            interface.upper.rho * interface.upper.vp,
            interface.lower.rho * interface.lower.vp,
        );
        assert!(close(s.rpp.re, (z2 - z1) / (z2 + z1), 1e-14));
        // Displacement transmission: 2 Z1 / (Z1 + Z2).
        assert!(close(s.tpp.re, 2.0 * z1 / (z1 + z2), 1e-14));
        assert_eq!((s.rps.norm(), s.tps.norm()), (0.0, 0.0));
    }
}

/// Energy flux is conserved: the impedance- and cosine-weighted squared amplitudes sum to 1 below
/// every critical angle (Aki & Richards 1980, section 5.2.5), over many interfaces and angles.
#[test]
fn energy_is_conserved_below_the_critical_angle() {
    let mut worst: f64 = 0.0;
    let mut checked = 0;
    for vp1 in [1500.0, 2500.0, 3500.0, 5000.0] {
        for ratio in [0.6, 0.9, 1.1, 1.5] {
            for rho_ratio in [0.8, 1.0, 1.3] {
                let interface = Interface::new(
                    Elastic::new(vp1, vp1 / 1.8, 2300.0),
                    Elastic::new(vp1 * ratio, vp1 * ratio / 2.1, 2300.0 * rho_ratio),
                );
                for step in 0..=90 {
                    let theta = step as f64;
                    let p = theta.to_radians().sin() / vp1;
                    if p * interface.lower.vp >= 1.0 || theta == 90.0 {
                        continue;
                    }
                    let s = scattering(&interface, theta).unwrap();
                    let total: f64 = s.energy_shares(&interface, theta).iter().sum();
                    worst = worst.max((total - 1.0).abs());
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 2000, "{checked}");
    assert!(worst < 1e-12, "energy off by {worst}");
}

#[test]
fn never_nan_from_0_to_90_degrees() {
    let same = Interface::new(SHALE_SAND.upper, SHALE_SAND.upper);
    for interface in [SHALE_SAND, HARD, same] {
        for step in 0..=180 {
            let theta = step as f64 / 2.0;
            let s = scattering(&interface, theta).unwrap();
            for c in [s.rpp, s.rps, s.tpp, s.tps] {
                assert!(c.re.is_finite() && c.im.is_finite(), "{theta}: {s:?}");
            }
        }
        // Grazing incidence reflects everything, with a change of sign, unless there is no contrast.
        let grazing = rpp(&interface, 90.0).unwrap();
        let expected = if interface == same { 0.0 } else { -1.0 };
        assert!(
            (grazing - Complex64::new(expected, 0.0)).norm() < 1e-12,
            "{grazing}"
        );
    }
    // Past the last critical angle of the P-P problem no P energy is transmitted.
    let s = scattering(&HARD, 60.0).unwrap();
    assert_eq!(s.energy_shares(&HARD, 60.0)[2], 0.0);
}

#[test]
fn bad_inputs_are_named_errors() {
    // Vs = 0 is a fluid layer (tests/fluid.rs); a negative Vs is an error.
    let fluid = Interface::new(Elastic::new(1500.0, -1.0, 1000.0), SHALE_SAND.lower);
    assert_eq!(
        rpp(&fluid, 10.0),
        Err(PhysicsError::ShearVelocity {
            name: "vs1",
            value: -1.0
        })
    );
    let negative = Interface::new(SHALE_SAND.upper, Elastic::new(-4050.0, 2526.0, 2210.0));
    assert_eq!(
        rpp(&negative, 10.0),
        Err(PhysicsError::NotPositive {
            name: "vp2",
            value: -4050.0
        })
    );
    let nan = Interface::new(SHALE_SAND.upper, Elastic::new(4050.0, 2526.0, f64::NAN));
    assert!(matches!(
        rpp(&nan, 10.0),
        Err(PhysicsError::NotPositive { name: "rho2", .. })
    ));
    assert_eq!(rpp(&SHALE_SAND, 90.5), Err(PhysicsError::Angle(90.5)));
    assert_eq!(rpp(&SHALE_SAND, -1.0), Err(PhysicsError::Angle(-1.0)));
    let err = rpp_many(&[SHALE_SAND, fluid], &[10.0, 10.0]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "interface 1: vs1 must be 0 (a fluid layer) or a positive, finite number, found -1"
    );
    assert!(matches!(
        rpp_many(&[SHALE_SAND], &[1.0, 2.0]),
        Err(PhysicsError::Lengths {
            interfaces: 1,
            angles: 2
        })
    ));
    let many = rpp_many(&[SHALE_SAND, HARD], &[20.0, 45.0]).unwrap();
    assert_eq!(
        many,
        [rpp(&SHALE_SAND, 20.0).unwrap(), rpp(&HARD, 45.0).unwrap()]
    );
    let ar = aki_richards_many(&[SHALE_SAND, HARD], &[20.0, 10.0]).unwrap();
    assert_eq!(
        ar,
        [
            aki_richards(&SHALE_SAND, 20.0).unwrap(),
            aki_richards(&HARD, 10.0).unwrap()
        ]
    );
    let sh = shuey_many(&[HARD], &[10.0], ShueyTerms::Two).unwrap();
    assert_eq!(sh, [shuey(&HARD, 10.0, ShueyTerms::Two).unwrap()]);
    assert!(matches!(
        aki_richards_many(&[HARD], &[91.0]),
        Err(PhysicsError::At { index: 0, .. })
    ));
}

/// bruges 0.5.4, `akirichards` and `shuey` (three terms) on the same model.
#[test]
fn approximations_match_bruges() {
    let cases = [
        (0.0, 0.09260383848345653, 0.09260383848345653),
        (10.0, 0.07459391782726213, 0.07904473668540532),
        (20.0, 0.02579697808477853, 0.04158989040491797),
        (30.0, -0.035420415802946026, -0.009701363880640745),
    ];
    for (theta, ar, sh) in cases {
        assert!(
            close(aki_richards(&SHALE_SAND, theta).unwrap(), ar, 1e-12),
            "{theta}"
        );
        assert!(
            close(
                shuey(&SHALE_SAND, theta, ShueyTerms::Three).unwrap(),
                sh,
                1e-12
            ),
            "{theta}"
        );
    }
    // Two terms: the three-term value less F (tan²θ − sin²θ), F = ½ Δα/α.
    let t = 20f64.to_radians();
    let f = 0.5 * (4050.0 - 3094.0) / (0.5 * (4050.0 + 3094.0));
    let two = shuey(&SHALE_SAND, 20.0, ShueyTerms::Two).unwrap();
    assert!(close(
        two,
        0.04158989040491797 - f * (t.tan().powi(2) - t.sin().powi(2)),
        1e-12
    ));
}

/// For small contrasts (up to 3%, all of one sign, so that R does not pass through zero) the linear approximations meet the exact value at normal
/// incidence and stay within 1% of it (of the largest |R| over the range) below 30 degrees.
#[test]
fn approximations_are_close_for_small_contrasts() {
    let upper = Elastic::new(3000.0, 1500.0, 2400.0);
    for (dvp, dvs, drho) in [
        (0.03, 0.02, 0.01),
        (0.02, 0.03, 0.02),
        (-0.02, -0.01, -0.03),
        (0.03, 0.03, 0.03),
        (-0.03, -0.03, -0.01),
    ] {
        let interface = Interface::new(
            upper,
            Elastic::new(
                upper.vp * (1.0 + dvp),
                upper.vs * (1.0 + dvs),
                upper.rho * (1.0 + drho),
            ),
        );
        let exact: Vec<f64> = (0..30)
            .map(|t| rpp(&interface, t as f64).unwrap().re)
            .collect();
        let scale = exact.iter().fold(0.0f64, |m, r| m.max(r.abs()));
        let z = interface.normal_incidence();
        for approx in [
            aki_richards(&interface, 0.0).unwrap(),
            shuey(&interface, 0.0, ShueyTerms::Two).unwrap(),
            shuey(&interface, 0.0, ShueyTerms::Three).unwrap(),
        ] {
            assert!((approx - z).abs() <= 0.01 * z.abs(), "{approx} vs {z}");
        }
        for (t, &r) in exact.iter().enumerate() {
            let theta = t as f64;
            for (name, approx) in [
                ("aki-richards", aki_richards(&interface, theta).unwrap()),
                (
                    "shuey3",
                    shuey(&interface, theta, ShueyTerms::Three).unwrap(),
                ),
            ] {
                assert!(
                    (approx - r).abs() <= 0.01 * scale,
                    "{name} at {theta}: {approx} vs {r} ({dvp}, {dvs}, {drho})"
                );
            }
        }
    }
}
