//! The approximations' domain: below 90 degrees and below the critical angle (the rows of
//! ../shared/bugreports/grazing_90.csv), and the exact solution at grazing incidence.

use zoepnet_physics::{
    Complex64, Elastic, Interface, PhysicsError, ShueyTerms, aki_richards, rpp, shuey,
};

const SLOW_TO_FAST: Interface = Interface::new(
    Elastic::new(2000.0, 1000.0, 2000.0),
    Elastic::new(4000.0, 2500.0, 2500.0),
);
const FAST_TO_SLOW: Interface = Interface::new(
    Elastic::new(3500.0, 2000.0, 2450.0),
    Elastic::new(2800.0, 1400.0, 2300.0),
);
const SHALE_SAND: Interface = Interface::new(
    Elastic::new(2743.0, 1394.0, 2380.0),
    Elastic::new(2835.0, 1496.0, 2270.0),
);

fn approximations(interface: &Interface, theta: f64) -> [Result<f64, PhysicsError>; 3] {
    [
        aki_richards(interface, theta),
        shuey(interface, theta, ShueyTerms::Three),
        shuey(interface, theta, ShueyTerms::Two),
    ]
}

#[test]
fn grazing_incidence_is_outside_the_approximations_domain() {
    let same = Interface::new(FAST_TO_SLOW.upper, FAST_TO_SLOW.upper);
    for interface in [SLOW_TO_FAST, FAST_TO_SLOW, SHALE_SAND, same] {
        for (r, method) in approximations(&interface, 90.0).into_iter().zip([
            "Aki-Richards",
            "Shuey",
            "Shuey (two terms)",
        ]) {
            assert!(
                matches!(r, Err(PhysicsError::OutsideDomain { method: m, theta: 90.0, limit, .. }) if m == method && limit <= 90.0),
                "{r:?}"
            );
        }
        // What it says of where it holds: below the critical angle where Vp increases.
        let Err(PhysicsError::OutsideDomain { limit, .. }) = aki_richards(&interface, 90.0) else {
            panic!("grazing incidence is outside the domain");
        };
        let critical = (interface.upper.vp / interface.lower.vp)
            .asin()
            .to_degrees();
        let expected = if critical.is_nan() { 90.0 } else { critical };
        assert!((limit - expected).abs() < 1e-12, "{limit} vs {expected}");
        // The exact coefficient: -1 at grazing incidence, 0 without a contrast, exactly (the
        // bug report's table reads -1, not -0.9999999999999998).
        let expected = if interface == same { 0.0 } else { -1.0 };
        let r = rpp(&interface, 90.0).unwrap();
        assert_eq!(r, Complex64::new(expected, 0.0));
    }
}

#[test]
fn past_the_critical_angle_is_outside_the_approximations_domain() {
    // Vp doubles: critical angle 30 degrees.
    for theta in [30.5, 45.0, 80.0, 89.99] {
        for r in approximations(&SLOW_TO_FAST, theta) {
            let Err(PhysicsError::OutsideDomain { limit, .. }) = r else {
                panic!("{theta}: {r:?}");
            };
            assert!((limit - 30.0).abs() < 1e-12, "{limit}");
        }
    }
    // Shale over sand: critical angle asin(2743/2835) = 75.37 degrees.
    assert!(aki_richards(&SHALE_SAND, 75.0).is_ok());
    let err = aki_richards(&SHALE_SAND, 80.0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Aki-Richards is not defined at 80 degrees: past the critical angle \
         (sin theta * Vp2/Vp1 >= 1), where the transmitted P wave is evanescent and the exact \
         coefficient complex (it holds below 75.36 degrees here; the exact Zoeppritz \
         solution holds up to 90)"
    );
    // Below the critical angle, and with no critical angle (Vp decreases), they are defined up
    // to (not at) 90 degrees, with finite values.
    for theta in [0.0, 29.9] {
        assert!(
            approximations(&SLOW_TO_FAST, theta)
                .iter()
                .all(|r| r.is_ok())
        );
    }
    for theta in [80.0, 89.0, 89.9, 89.99] {
        for r in approximations(&FAST_TO_SLOW, theta) {
            // Defined, or refused because the value would have |R| > 1: never a large number.
            match r {
                Ok(r) => assert!(r.abs() <= 1.0, "{theta}: {r}"),
                Err(PhysicsError::OutsideDomain { limit, .. }) => {
                    assert!(limit > 60.0 && limit < theta, "{theta}: {limit}")
                }
                Err(e) => panic!("{theta}: {e}"),
            }
        }
    }
    // Shuey's third term grows as tan²θ: refused where |R| would pass 1 (-3.6e6 at 89.99).
    let err = shuey(&FAST_TO_SLOW, 89.99, ShueyTerms::Three).unwrap_err();
    assert!(
        err.to_string()
            .contains("|R| > 1, impossible for a reflected P wave"),
        "{err}"
    );
    assert!(shuey(&FAST_TO_SLOW, 89.99, ShueyTerms::Two).is_ok());
    // The error of a slice names the element.
    assert!(matches!(
        zoepnet_physics::shuey_many(
            &[FAST_TO_SLOW, SLOW_TO_FAST],
            &[10.0, 60.0],
            ShueyTerms::Two
        ),
        Err(PhysicsError::At { index: 1, .. })
    ));
}

#[test]
fn acoustic_shear_is_exact_at_normal_incidence_and_bends_at_the_critical_angle() {
    use zoepnet_physics::acoustic_shear;
    let (m1, m2) = (SLOW_TO_FAST.upper, SLOW_TO_FAST.lower);
    let (z1, z2) = (m1.rho * m1.vp, m2.rho * m2.vp);
    let normal = acoustic_shear(&SLOW_TO_FAST, 0.0).expect("defined");
    assert!((normal - (z2 - z1) / (z2 + z1)).abs() < 1e-15, "{normal}");
    // At the critical angle (30 degrees) the acoustic part is 1; past it, |acoustic| <= 1.
    let p2 = (0.5f64 / 2000.0).powi(2);
    let shear = -2.0 * 1750.0f64.powi(2) * p2 * (500.0 / 2250.0) - 4.0 * p2 * 1750.0 * 1500.0;
    let at = acoustic_shear(&SLOW_TO_FAST, 30.0).expect("defined");
    assert!((at - (1.0 + shear.tanh())).abs() < 1e-6, "{at}");
    for theta in [31.0, 45.0, 60.0, 89.0] {
        let p2 = (f64::to_radians(theta).sin() / 2000.0).powi(2);
        let shear = -2.0 * 1750.0f64.powi(2) * p2 * (500.0 / 2250.0) - 4.0 * p2 * 1750.0 * 1500.0;
        let acoustic = acoustic_shear(&SLOW_TO_FAST, theta).expect("defined") - shear.tanh();
        assert!(
            acoustic.abs() <= 1.0 && acoustic < 1.0 - 1e-3,
            "{theta}: {acoustic}"
        );
    }
    // A weak contrast below its critical angle: within second order of Aki-Richards.
    let gap = (acoustic_shear(&SHALE_SAND, 30.0).expect("defined")
        - aki_richards(&SHALE_SAND, 30.0).expect("defined"))
    .abs();
    assert!(gap < 1e-3, "{gap}");
    assert!(acoustic_shear(&SLOW_TO_FAST, 90.0).is_err());
    // A strong step up in Vs: the shear terms, -7.4 here, count as tanh(-7.4), within ±1.
    let strong = Interface::new(
        Elastic::new(1500.0, 1000.0, 2000.0),
        Elastic::new(6000.0, 4400.0, 2600.0),
    );
    let r = acoustic_shear(&strong, 40.0).expect("defined");
    assert!((-2.0..=0.0).contains(&r), "{r}");
}

#[test]
fn the_acoustic_coefficient_is_the_two_fluid_one_and_acoustic_shear_adds_to_it() {
    use zoepnet_physics::{acoustic, acoustic_shear};
    let (m1, m2) = (SLOW_TO_FAST.upper, SLOW_TO_FAST.lower);
    let (z1, z2) = (m1.rho * m1.vp, m2.rho * m2.vp);
    assert!((acoustic(&SLOW_TO_FAST, 0.0).expect("defined") - (z2 - z1) / (z2 + z1)).abs() < 1e-15);
    // At 20 degrees, by hand: cos θ2 = sqrt(1 - (2 sin 20°)²).
    let (t1, s2) = (20f64.to_radians(), 2.0 * 20f64.to_radians().sin());
    let (a, b) = (z2 * t1.cos(), z1 * (1.0 - s2 * s2).sqrt());
    let r = acoustic(&SLOW_TO_FAST, 20.0).expect("defined");
    assert!((r - (a - b) / (a + b)).abs() < 1e-14, "{r}");
    // 1 at the critical angle (30 degrees), then the real part of a unit-modulus number.
    assert!((acoustic(&SLOW_TO_FAST, 30.0).expect("defined") - 1.0).abs() < 1e-6);
    let past = acoustic(&SLOW_TO_FAST, 45.0).expect("defined");
    assert!(past.abs() < 1.0 - 1e-3, "{past}");
    // acoustic-shear is it plus tanh of the shear terms; both refuse 90 degrees.
    let p2 = (45f64.to_radians().sin() / 2000.0).powi(2);
    let shear = -2.0 * 1750.0f64.powi(2) * p2 * (500.0 / 2250.0) - 4.0 * p2 * 1750.0 * 1500.0;
    let both = acoustic_shear(&SLOW_TO_FAST, 45.0).expect("defined");
    assert!((both - past - shear.tanh()).abs() < 1e-14, "{both}");
    assert!(acoustic(&SLOW_TO_FAST, 90.0).is_err());
}
