//! A gather's interfaces (`GatherInterface`, angles as `Incidence`) give `rpp`'s coefficients:
//! solids and fluids, below and past critical angles, no contrast, and the same refusals.

use zoepnet_physics::{Elastic, GatherInterface, Incidence, Interface, PhysicsError, rpp};

/// A deterministic spread of layers (a linear congruential sequence), a fluid every 7th.
fn layers(n: usize) -> Vec<Elastic> {
    let mut state = 7u64;
    let mut uniform = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|i| {
            let vp = 1500.0 + 4500.0 * uniform();
            let vs = if i % 7 == 0 {
                0.0
            } else {
                vp / (1.5 + uniform())
            };
            Elastic::new(vp, vs, 1000.0 + 1800.0 * uniform())
        })
        .collect()
}

#[test]
fn a_gather_gives_the_coefficients_rpp_gives() {
    let layers = layers(400);
    let mut compared = [0usize; 2];
    for pair in layers.windows(2) {
        for interface in [
            Interface::new(pair[0], pair[1]),
            Interface::new(pair[0], pair[0]),
        ] {
            let prepared = GatherInterface::new(interface).expect("valid layers");
            for k in 0..=90 {
                let theta = k as f64;
                let expected = rpp(&interface, theta).expect("valid");
                let got = prepared
                    .rpp(&Incidence::degrees(theta).expect("in range"))
                    .expect("valid");
                let gap = (got - expected).norm();
                assert!(
                    gap <= 1e-13,
                    "{interface:?} at {theta}: {got} vs {expected}"
                );
                compared[usize::from(expected.im != 0.0)] += 1;
            }
        }
    }
    // Both branches are met: real coefficients and complex ones past a critical angle.
    assert!(compared[0] > 20_000 && compared[1] > 5_000, "{compared:?}");
}

#[test]
fn a_gather_refuses_what_rpp_refuses() {
    let bad = Interface::new(
        Elastic::new(3000.0, -1.0, 2400.0),
        Elastic::new(3200.0, 1600.0, 2400.0),
    );
    assert!(matches!(
        GatherInterface::new(bad),
        Err(PhysicsError::ShearVelocity { name: "vs1", .. })
    ));
    assert!(matches!(
        Incidence::degrees(90.5),
        Err(PhysicsError::Angle(a)) if a == 90.5
    ));
    assert!(Incidence::degrees(f64::NAN).is_err());
}
