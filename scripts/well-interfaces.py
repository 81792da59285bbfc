#!/usr/bin/env python3
"""Writes every interface of a well log at full resolution as CSV, for `zoepnet eval --input`.

    python3 scripts/well-interfaces.py WELL.las OUT.csv [--theta-max 50] [--seed 1]

Each interface is a sample over the next one (every sample, no decimation), kept where neither
has a null or a non-positive Vp, Vs or density; angles uniform in [theta_min, theta_max) degrees
from NumPy's legacy RandomState seeded with --seed. Curves by the same alias lists as zoepnet's
`[data.curves]` (P_SLOWNESS, S_SLOWNESS, DENSITY), units from the header (us/m or us/ft; kg/m3
or g/cm3); nulls by lasio's reading plus -999.25 and its relatives (zoepnet's `common`).
Columns: vp1,vs1,rho1,vp2,vs2,rho2,theta (m/s, kg/m3, degrees); `zoepnet eval` labels them with
the exact Zoeppritz coefficient.
"""
import argparse

import lasio
import numpy as np

P = ["DT4P", "DTCO", "DTC", "DT", "AC", "DTP"]
S = ["DT4S", "DTSM", "DTS", "DTSH", "ACS", "DTSD"]
RHO = ["RHOB", "RHOZ", "DEN", "DENS", "ZDEN", "RHO"]
SENTINELS = [-999.25, -999.0, -9999.0, -9999.25, -99999.0, -999999.0, -999999.9999]


def curve(las, aliases):
    names = {c.mnemonic.upper(): c for c in las.curves}
    for a in aliases:
        if a in names:
            c = names[a]
            values = np.array(c.data, dtype=float)
            values[np.isin(values, SENTINELS)] = np.nan
            return c.unit.strip().upper(), values
    raise SystemExit(f"no curve among {aliases}")


def velocity(unit, slowness):
    factor = {"US/M": 1e6, "US/F": 0.3048e6, "US/FT": 0.3048e6, "USEC/FT": 0.3048e6}[unit]
    return factor / slowness


def density(unit, rho):
    return rho * {"K/M3": 1.0, "KG/M3": 1.0, "G/CC": 1000.0, "G/CM3": 1000.0, "G/C3": 1000.0}[unit]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("las")
    parser.add_argument("out")
    parser.add_argument("--theta-min", type=float, default=0.0)
    parser.add_argument("--theta-max", type=float, default=50.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    las = lasio.read(args.las)
    vp = velocity(*curve(las, P))
    vs = velocity(*curve(las, S))
    rho = density(*curve(las, RHO))
    good = np.isfinite(vp) & np.isfinite(vs) & np.isfinite(rho) & (vp > 0) & (vs > 0) & (rho > 0)
    pairs = np.flatnonzero(good[:-1] & good[1:])
    rng = np.random.RandomState(args.seed)
    theta = rng.uniform(args.theta_min, args.theta_max, len(pairs))
    with open(args.out, "w") as f:
        f.write("vp1,vs1,rho1,vp2,vs2,rho2,theta\n")
        for i, t in zip(pairs, theta):
            f.write(",".join(repr(float(v)) for v in
                             (vp[i], vs[i], rho[i], vp[i + 1], vs[i + 1], rho[i + 1], t)) + "\n")
    print(f"{args.out}: {len(pairs)} interfaces")


if __name__ == "__main__":
    main()
