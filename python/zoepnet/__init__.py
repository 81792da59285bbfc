"""zoepnet for Python: exact Zoeppritz reflectivity and its approximations, from zoepnet's Rust
core, as a drop-in for ``bruges.reflection``; LAS well logs in lasio's shape
(:func:`read_las`, module :mod:`zoepnet.las`); and experiments: configs, training with progress
and Ctrl-C, run folders, sweeps and seed studies (module :mod:`zoepnet.experiments`).

The functions take bruges' arguments in bruges' order and units (velocities and densities in
any consistent units; angles in degrees) and broadcast the same way: each of ``vp1 .. rho2`` a
float or a 1-D array of length m, ``theta1`` a float, a 1-D array of length n, or a tuple
``(start, stop[, step])`` read as bruges reads it. The result is the n x m gather, squeezed as
bruges squeezes it (a float for one interface at one angle).

Where a coefficient is refused, the value is NaN. That is an invalid layer (a Vp or density
that is not positive and finite, a negative Vs), an angle outside [0, 90] degrees, or, for the
approximations, an angle at or past the critical angle (where Vp increases) or at 90 degrees.
``numpy.isnan(result)`` is the mask of refused values. bruges returns numbers there that mean
nothing.
"""

from __future__ import annotations

import os

# One thread per matrix product in the Rust core's matrixmultiply, as the zoepnet command sets
# it (crates/cli/src/matmul_threads.rs: the fused engine already spreads its work over the
# cores, and the small products' hand-overs only cost); before the core first multiplies, and
# only where the environment does not say otherwise.
os.environ.setdefault("MATMUL_NUM_THREADS", "1")

import numpy as np

from . import _zoepnet
from . import experiments
from .experiments import *  # noqa: F401,F403 (its __all__: load_config, train, resume, ...)
from .las import LASFile, LASWarning, read_las

__all__ = [
    "zoeppritz_rpp",
    "akirichards",
    "shuey",
    "read_las",
    "LASFile",
    "LASWarning",
    *experiments.__all__,
    "__version__",
]
__version__: str = _zoepnet.__version__


def _columns(vp1, vs1, rho1, vp2, vs2, rho2):
    """The six columns as contiguous float64 arrays of one length m."""
    for name, v in zip(("vp1", "vs1", "rho1", "vp2", "vs2", "rho2"), (vp1, vs1, rho1, vp2, vs2, rho2)):
        if v is None:
            raise TypeError(f"{name}: expected a float or a 1-D array, got None")
    arrays = [np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (vp1, vs1, rho1, vp2, vs2, rho2)]
    for name, a in zip(("vp1", "vs1", "rho1", "vp2", "vs2", "rho2"), arrays):
        if a.ndim != 1:
            raise ValueError(f"{name}: expected a float or a 1-D array, got shape {a.shape}")
    m = max(a.size for a in arrays)
    out = []
    for name, a in zip(("vp1", "vs1", "rho1", "vp2", "vs2", "rho2"), arrays):
        if a.size == 1 and m > 1:
            a = np.full(m, a[0])
        elif a.size != m:
            raise ValueError(f"{name}: length {a.size}, where the others have {m}")
        out.append(np.ascontiguousarray(a))
    return out


def _angles(theta1):
    """The angles in degrees as a contiguous float64 array (bruges' tuples as linspaces)."""
    if theta1 is None:
        raise TypeError("theta1: expected a float, a 1-D array or (start, stop[, step]), got None")
    if isinstance(theta1, tuple):
        if len(theta1) == 2:
            start, stop = theta1
            theta1 = np.linspace(start, stop, num=int(stop) + 1)
        elif len(theta1) == 3:
            start, stop, step = theta1
            theta1 = np.linspace(start, stop, num=int(stop / step) + 1)
        else:
            raise TypeError("Expected 2 or 3 parameters for theta1 expressed as range.")
    theta = np.atleast_1d(np.asarray(theta1, dtype=np.float64))
    if theta.ndim != 1:
        raise ValueError(f"theta1: expected a float or a 1-D array, got shape {theta.shape}")
    return np.ascontiguousarray(theta)


def _squeeze(gather):
    out = np.squeeze(gather)
    return out[()] if out.ndim == 0 else out


def zoeppritz_rpp(vp1, vs1, rho1, vp2, vs2, rho2, theta1=0, complex=False):
    """Exact P-P reflection coefficient (Zoeppritz, solved as Aki & Richards' scattering
    matrix), as ``bruges.reflection.zoeppritz_rpp``.

    Returns the real part by default (the value bruges' results are compared on); with
    ``complex=True`` the complex coefficient in bruges' convention past a critical angle (the
    conjugate of zoepnet's own, which follows Aki & Richards' e^{-iwt}: the same real part).
    NaN where the input is refused (module docstring).
    """
    return _squeeze(
        _zoepnet.zoeppritz_rpp_grid(*_columns(vp1, vs1, rho1, vp2, vs2, rho2), _angles(theta1), complex)
    )


def akirichards(vp1, vs1, rho1, vp2, vs2, rho2, theta1=0):
    """Aki-Richards (1980) linearised P-P reflection coefficient, as
    ``bruges.reflection.akirichards`` (without ``terms``). NaN outside its domain: at or past
    the critical angle where Vp increases, and at 90 degrees.
    """
    return _squeeze(
        _zoepnet.approximation_grid(*_columns(vp1, vs1, rho1, vp2, vs2, rho2), _angles(theta1), "aki-richards")
    )


def shuey(vp1, vs1, rho1, vp2, vs2, rho2, theta1=0, two_terms=False):
    """Shuey (1985) P-P reflection coefficient, three terms (or two, ``two_terms=True``), as
    ``bruges.reflection.shuey`` (without ``terms`` or ``return_gradient``). NaN outside its
    domain, as :func:`akirichards`.
    """
    method = "shuey2" if two_terms else "shuey"
    return _squeeze(_zoepnet.approximation_grid(*_columns(vp1, vs1, rho1, vp2, vs2, rho2), _angles(theta1), method))
