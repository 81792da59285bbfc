#!/usr/bin/env python3
"""Fits the distribution of log contrasts across interfaces in real well logs, for the defaults of
`crates/dataset/src/rock_physics.rs` (`contrast_mean`, `contrast_std`, `contrast_corr`).

    /work/lasio-venv/bin/python scripts/fit-contrasts.py [--decimate 5] [--data ../shared/data]

Wells: R-39 (DT4P, DT4S, RHOB in us/m and kg/m3) and the three Volve wells of
`wells/` (15_9-F-4: DT, DTS, RHOB; 15_9-F-14: DTCO, DTSM, RHOB; 15_9-19: DT, DTS, RHOB; us/ft and
g/cm3). For each well alone:

1. read with lasio (null_policy="none"), then apply zoepnet's `common` null policy by hand: the
   header's NULL and the sentinels -999.25, -999, -9999, -9999.25, -99999, -999999, -999999.9999
   are nulls (15_9-19 declares -9999.25 but writes -999); so are non-finite and non-positive
   values (R-39's DT4S holds -3278.38 where the shear log failed: a null, not repaired with the
   mean as the tutorial does, which would make spurious contrasts);
2. R-39 only: its last 100 samples dropped, as the tutorial does ("some bad data");
3. units from the header: slowness us/ft -> us/m (/ 0.3048), Vp = 1e6 / DT, Vs = 1e6 / DTS (m/s);
   density g/cm3 -> kg/m3 (x 1000);
4. decimation: every `--decimate`-th sample of the log's own index, from the first;
5. an interface is a decimated sample over the next decimated sample, kept when both are
   non-null (a gap of nulls never joins two distant samples); interfaces never span two wells;
6. contrasts x = (ln Vp2/Vp1, ln Vs2/Vs1, ln rho2/rho1).

Pooled over the four wells it prints per-well summaries, the moments of x (mean, standard
deviations, correlation: the multivariate-normal fit), the excess kurtosis of each component (far
from 0: heavy tails), a robust fit (median, 1.4826 x MAD), and the maximum-likelihood fit of a
multivariate Student-t (EM for location and scatter at each degrees of freedom nu on a grid, nu
on a grid, with its log-likelihood beside the normal's; Lange, Little & Taylor 1989, JASA
84(408)), and the fit at nu = --dof (default 5: the likelihood peaks near nu = 2, whose variance
is infinite, driven by density spikes of washed-out hole; nu > 4 keeps the fourth moment
finite), printed as location, the standard deviations and correlation of its covariance
scatter * nu / (nu - 2), and nu: the defaults. Also the scatter of the logs about Castagna's mudrock line and Gardner's relation (the
defaults `vs_scatter`, `rho_scatter`). Nothing is written to disk.
"""
import argparse
import math
import os

import lasio
import numpy as np

SENTINELS = [-999.25, -999.0, -9999.0, -9999.25, -99999.0, -999999.0, -999999.9999]
WELLS = [
    # (path under the data folder, P, S, density, samples dropped at the bottom)
    ("R-39.las", "DT4P", "DT4S", "RHOB", 100),
    ("wells/15_9-F-4.las", "DT", "DTS", "RHOB", 0),
    ("wells/15_9-F-14.las", "DTCO", "DTSM", "RHOB", 0),
    ("wells/15_9-19.las", "DT", "DTS", "RHOB", 0),
]


def nulls_to_nan(values, declared):
    x = np.asarray(values, dtype=float).copy()
    bad = ~np.isfinite(x) | (x <= 0)
    for s in SENTINELS + ([declared] if declared is not None else []):
        bad |= np.isclose(x, s, rtol=0, atol=1e-6)
    x[bad] = np.nan
    return x


def slowness_to_velocity(dt, unit):
    u = unit.strip().lower()
    if u in ("us/ft", "us/f"):
        dt = dt / 0.3048
    elif u != "us/m":
        raise SystemExit(f"unknown slowness unit {unit!r}")
    return 1e6 / dt


def density_si(rho, unit):
    u = unit.strip().lower()
    if u in ("g/cm3", "g/cc"):
        return rho * 1000.0
    if u in ("k/m3", "kg/m3"):
        return rho
    raise SystemExit(f"unknown density unit {unit!r}")


def well_contrasts(path, p, s, r, drop_last, decimate):
    las = lasio.read(path, null_policy="none")
    declared = las.well["NULL"].value if "NULL" in las.well else None
    declared = float(declared) if declared not in (None, "") else None
    vp = slowness_to_velocity(nulls_to_nan(las.curves[p].data, declared), las.curves[p].unit)
    vs = slowness_to_velocity(nulls_to_nan(las.curves[s].data, declared), las.curves[s].unit)
    rho = density_si(nulls_to_nan(las.curves[r].data, declared), las.curves[r].unit)
    n = len(vp) - drop_last
    logs = np.stack([vp[:n], vs[:n], rho[:n]], axis=1)[::decimate]
    ok = np.all(np.isfinite(logs), axis=1)
    pair = ok[:-1] & ok[1:]
    upper, lower = logs[:-1][pair], logs[1:][pair]
    return np.log(lower / upper), logs[ok]


def summary(x):
    mean = x.mean(axis=0)
    std = x.std(axis=0, ddof=1)
    corr = np.corrcoef(x, rowvar=False)
    z = (x - mean) / std
    kurt = (z**4).mean(axis=0) - 3.0
    return mean, std, corr, kurt


def fit_t(x, nu, iters=500):
    """EM for a multivariate Student-t with nu degrees of freedom: (location, scatter, loglik)."""
    n, d = x.shape
    mu = np.median(x, axis=0)
    sigma = np.cov(x, rowvar=False)
    for _ in range(iters):
        diff = x - mu
        delta = np.einsum("ij,jk,ik->i", diff, np.linalg.inv(sigma), diff)
        w = (nu + d) / (nu + delta)
        mu_new = (w[:, None] * x).sum(axis=0) / w.sum()
        diff = x - mu_new
        sigma_new = (w[:, None, None] * np.einsum("ij,ik->ijk", diff, diff)).sum(axis=0) / n
        done = np.allclose(mu, mu_new, rtol=0, atol=1e-12) and np.allclose(sigma, sigma_new, rtol=1e-10)
        mu, sigma = mu_new, sigma_new
        if done:
            break
    diff = x - mu
    delta = np.einsum("ij,jk,ik->i", diff, np.linalg.inv(sigma), diff)
    _, logdet = np.linalg.slogdet(sigma)
    ll = (math.lgamma((nu + d) / 2) - math.lgamma(nu / 2) - d / 2 * math.log(nu * math.pi)
          - 0.5 * logdet - (nu + d) / 2 * np.log1p(delta / nu)).sum()
    return mu, sigma, ll


def fmt(v):
    return "[" + ", ".join(f"{a:.6g}" for a in v) + "]"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(here, "..", "..", "shared", "data"))
    ap.add_argument("--decimate", type=int, default=5)
    ap.add_argument("--dof", type=float, default=5.0, help="Student-t degrees of freedom (> 2)")
    args = ap.parse_args()

    pooled, samples = [], []
    print(f"decimation {args.decimate}; contrasts x = (ln Vp2/Vp1, ln Vs2/Vs1, ln rho2/rho1)")
    for name, p, s, r, drop in WELLS:
        x, logs = well_contrasts(os.path.join(args.data, name), p, s, r, drop, args.decimate)
        mean, std, corr, kurt = summary(x)
        vpvs = logs[:, 0] / logs[:, 1]
        print(f"{name}: {len(x)} interfaces; mean {fmt(mean)} std {fmt(std)} "
              f"corr (p-s, p-rho, s-rho) [{corr[0,1]:.3f}, {corr[0,2]:.3f}, {corr[1,2]:.3f}] "
              f"excess kurtosis {fmt(kurt)}")
        print(f"    samples: Vp {np.percentile(logs[:,0],[0,50,100]).round(0)} m/s, "
              f"Vp/Vs {np.percentile(vpvs,[0,1,50,99,100]).round(3)}, "
              f"rho {np.percentile(logs[:,2],[0,50,100]).round(0)} kg/m3")
        pooled.append(x)
        samples.append(logs)
    x = np.concatenate(pooled)
    mean, std, corr, kurt = summary(x)
    print(f"\npooled: {len(x)} interfaces from {len(WELLS)} wells")
    print(f"contrast_mean = {fmt(mean)}")
    print(f"contrast_std  = {fmt(std)}")
    print("contrast_corr (row-major, 3x3) =")
    for row in corr:
        print("    " + fmt(row))
    print(f"excess kurtosis (0 for a normal) = {fmt(kurt)}")
    med = np.median(x, axis=0)
    mad = 1.4826 * np.median(np.abs(x - med), axis=0)
    print(f"robust: median {fmt(med)}, 1.4826 MAD {fmt(mad)}")
    for q in (0.001, 0.01, 0.99, 0.999):
        print(f"quantile {q}: {fmt(np.quantile(x, q, axis=0))}")
    print("\nStudent-t log-likelihood by nu (ML location and scatter at each):")
    profile = {}
    for nu in (1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 12.0):
        profile[nu] = fit_t(x, nu)[2]
        print(f"    nu {nu:4g}: {profile[nu]:.1f}")
    _, _, ll_normal = fit_t(x, 1e6)
    print(f"    normal (nu = 1e6): {ll_normal:.1f}")
    nu = args.dof
    mu, sigma, ll = fit_t(x, nu)
    cov = sigma * nu / (nu - 2)
    sd = np.sqrt(np.diag(cov))
    print(f"\nStudent-t at nu = {nu:g} (--dof; the likelihood peaks near nu = 2, an infinite"
          " variance driven by density spikes: nu > 4 keeps the fourth moment finite):")
    print(f"    contrast_dof  = {nu:g}, log-likelihood {ll:.1f}")
    print(f"    contrast_mean = {fmt(mu)}  (location)")
    print(f"    contrast_std  = {fmt(sd)}  (of the covariance scatter * nu / (nu - 2))")
    print("    contrast_corr =")
    for row in cov / np.outer(sd, sd):
        print("        " + fmt(row))
    # Residuals of the upper-layer relations the sampler uses, on the same samples.
    logs = np.concatenate(samples)
    vp, vs, rho = logs.T
    castagna = 0.8621 * vp - 1172.4
    good = castagna > 0
    rs = np.log(vs[good] / castagna[good])
    rr = np.log(rho / (310.0 * vp**0.25))
    print(f"\nln(Vs / Castagna): median {np.median(rs):.4f}, std {rs.std():.4f}, "
          f"1.4826 MAD {1.4826*np.median(np.abs(rs-np.median(rs))):.4f}")
    print(f"ln(rho / Gardner): median {np.median(rr):.4f}, std {rr.std():.4f}, "
          f"1.4826 MAD {1.4826*np.median(np.abs(rr-np.median(rr))):.4f}")
    print(f"Vp/Vs over all samples: percentiles 0,0.1,1,50,99,99.9,100 "
          f"{np.percentile(vp/vs,[0,0.1,1,50,99,99.9,100]).round(3)}")


if __name__ == "__main__":
    main()
