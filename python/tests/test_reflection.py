"""zoepnet's reflection functions against bruges itself, on the same arrays.

Run by `.ci/run` after the Rust tests; where zoepnet or bruges is not installed the tests fail
(under CI) or are skipped with the reason (elsewhere).
"""

import numpy as np
import pytest
from _support import require


zoepnet = require("zoepnet")
bruges = require("bruges")


def rocks(m, seed=1):
    """m interfaces of sedimentary rocks: Vp 1500-5500 m/s, Vp/Vs 1.5-3, 1800-2700 kg/m3,
    with contrasts up to about 50 % both ways (so that many have a critical angle below 60)."""
    rng = np.random.default_rng(seed)
    vp1 = rng.uniform(1500, 5500, m)
    vp2 = vp1 * rng.uniform(0.6, 1.6, m)
    vs1 = vp1 / rng.uniform(1.5, 3.0, m)
    vs2 = vp2 / rng.uniform(1.5, 3.0, m)
    rho1 = rng.uniform(1800, 2700, m)
    rho2 = rho1 * rng.uniform(0.8, 1.25, m)
    return vp1, vs1, rho1, vp2, vs2, rho2


def test_exact_rpp_is_bruges_real_part_and_its_complex_value_on_request():
    layers = rocks(500)
    theta = np.arange(0, 61, 1.0)
    ours = zoepnet.zoeppritz_rpp(*layers, theta)
    theirs = bruges.reflection.zoeppritz_rpp(*layers, theta)
    assert ours.shape == theirs.shape == (61, 500)
    assert np.max(np.abs(ours - theirs.real)) <= 1e-12
    complex_ = zoepnet.zoeppritz_rpp(*layers, theta, complex=True)
    assert np.max(np.abs(complex_ - theirs)) <= 1e-12
    # Past a critical angle the coefficient is complex: some of these gathers are.
    assert np.count_nonzero(np.abs(theirs.imag) > 1e-6) > 100


def test_shapes_follow_bruges():
    one = (2000.0, 1000.0, 2200.0, 2500.0, 1200.0, 2300.0)
    assert isinstance(zoepnet.zoeppritz_rpp(*one, 10.0), float)
    assert zoepnet.zoeppritz_rpp(*one, [0, 10, 20]).shape == (3,)
    layers = rocks(4)
    assert zoepnet.zoeppritz_rpp(*layers, 10.0).shape == (4,)
    assert zoepnet.akirichards(*layers, (0, 30)).shape == (31, 4)
    assert zoepnet.shuey(*layers, (0, 30, 2)).shape == (16, 4)
    # A scalar among arrays stands for every interface, as in NumPy.
    mixed = zoepnet.zoeppritz_rpp(layers[0], 1000.0, layers[2], layers[3], layers[4], 2300.0, 5.0)
    assert mixed.shape == (4,)
    with pytest.raises(ValueError, match="vs1: length 3"):
        zoepnet.akirichards(layers[0], layers[1][:3], *layers[2:], 10.0)


@pytest.mark.parametrize("name", ["akirichards", "shuey"])
def test_approximations_are_bruges_inside_their_domain_and_nan_outside(name):
    layers = rocks(500, seed=2)
    theta = np.arange(0, 61, 1.0)
    ours = getattr(zoepnet, name)(*layers, theta)
    theirs = getattr(bruges.reflection, name)(*layers, theta)
    inside = ~np.isnan(ours)
    assert np.max(np.abs(ours[inside] - np.real(theirs[inside]))) <= 1e-12
    # Outside: at or past the critical angle where Vp increases, and where the formula's
    # value has |R| > 1 (an energy share above one: meaningless).
    vp1, vp2 = layers[0], layers[3]
    critical = np.degrees(np.arcsin(np.minimum(vp1 / vp2, 1.0)))
    past = (vp2 > vp1)[None, :] & (theta[:, None] >= critical[None, :])
    outside = past | (np.abs(np.real(theirs)) > 1)
    assert np.array_equal(~inside, outside)
    assert past.sum() > 100


def test_refused_inputs_are_nan_never_garbage():
    # bruges gives ~4e30 for Shuey at 90 degrees; zoepnet refuses it.
    assert np.isnan(zoepnet.shuey(2000, 1000, 2200, 2500, 1200, 2300, 90.0))
    assert np.isnan(zoepnet.akirichards(2000, 1000, 2200, 2500, 1200, 2300, 90.0))
    assert np.isnan(zoepnet.zoeppritz_rpp(-2000, 1000, 2200, 2500, 1200, 2300, 10.0))
    assert zoepnet.zoeppritz_rpp(2000, 1000, 2200, 2500, 1200, 2300, 90.0) == pytest.approx(-1.0)
