"""zoepnet from Python against what its readers use, side by side in one run on one machine:

1. exact Zoeppritz Rpp, 10^5 interfaces x 10 angles (10^6 coefficients), against
   ``bruges.reflection.zoeppritz_rpp`` (the real parts compared);
2. reading R-39.las, against ``lasio.read`` (every curve compared);
3. training the tutorial from Python (``zoepnet.train``) against the command line
   (``zoepnet train``), the same config in fresh run folders.

    python python/benchmarks/bench.py [--zoepnet target/debug/zoepnet] [--data-dir ../shared/data]

It prints a Markdown table (docs/python.md records one). Timings are the best of several runs;
the figures it compares must agree, or it stops. bruges and lasio are needed for 1 and 2.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

import zoepnet

ROOT = Path(__file__).resolve().parents[2]


def best(f, runs):
    """The shortest wall time of `runs` calls of f, and its last result."""
    times, out = [], None
    for _ in range(runs):
        start = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - start)
    return min(times), out


def reflectivity(rows):
    import bruges

    rng = np.random.default_rng(0)
    m = 100_000
    vp1, vp2 = rng.uniform(1800, 5000, m), rng.uniform(1800, 5000, m)
    vs1, vs2 = vp1 / rng.uniform(1.6, 2.4, m), vp2 / rng.uniform(1.6, 2.4, m)
    rho1, rho2 = rng.uniform(2000, 2700, m), rng.uniform(2000, 2700, m)
    theta = np.linspace(0, 45, 10)
    args = (vp1, vs1, rho1, vp2, vs2, rho2, theta)
    ours, mine = best(lambda: zoepnet.zoeppritz_rpp(*args), 5)
    theirs, ref = best(lambda: bruges.reflection.zoeppritz_rpp(*args), 3)
    gap = np.nanmax(np.abs(mine - np.real(ref)))
    if not gap < 1e-12:
        sys.exit(f"zoeppritz_rpp differs from bruges by {gap}")
    rows.append(("zoeppritz_rpp, 10^6 coefficients", ours, f"bruges {bruges.__version__}", theirs,
                 f"real parts equal to {gap:.1e}"))


def las(rows, path):
    import lasio

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, mine = best(lambda: zoepnet.read_las(path), 10)
        theirs, ref = best(lambda: lasio.read(path), 5)
    for curve in ref.curves:
        if not np.array_equal(mine[curve.mnemonic], curve.data, equal_nan=True):
            sys.exit(f"read_las differs from lasio in {curve.mnemonic}")
    rows.append(("read_las, R-39.las", ours, f"lasio {lasio.__version__}", theirs,
                 f"all {len(ref.curves)} curves equal"))


def training(rows, binary, data_dir):
    config = ROOT / "configs" / "tutorial.toml"
    env = {**os.environ, "ZOEPNET_DATA_DIR": str(data_dir), "ZOEPNET_OFFLINE": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        def from_python():
            out = Path(tmp) / "py"
            shutil.rmtree(out, ignore_errors=True)
            return zoepnet.train(config, out=out, data_dir=data_dir, offline=True, progress=False).summary

        def from_cli():
            out = Path(tmp) / "cli"
            shutil.rmtree(out, ignore_errors=True)
            subprocess.run([str(binary), "train", str(config), "--out", str(out)], env=env,
                           check=True, capture_output=True)
            return zoepnet.open_run(out).summary

        py_loops, cli_loops = [], []
        ours, s_py = best(lambda: py_loops.append(from_python()) or py_loops[-1], 7)
        theirs, s_cli = best(lambda: cli_loops.append(from_cli()) or cli_loops[-1], 7)
    if s_py["final_val_mse"] != s_cli["final_val_mse"]:
        sys.exit("training from Python and from the command line gave different networks")
    rows.append(("train configs/tutorial.toml (whole run)", ours, "`zoepnet train`", theirs,
                 "the same network"))
    loop = lambda runs: min(s["train_seconds"] for s in runs)
    rows.append(("its 100 epochs (summary's train_seconds)", loop(py_loops), "`zoepnet train`",
                 loop(cli_loops), "the same network"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--zoepnet", default=ROOT / "target" / "debug" / "zoepnet", type=Path,
                        help="the zoepnet binary to compare training with (default: %(default)s)")
    parser.add_argument("--data-dir", default=os.environ.get("ZOEPNET_DATA_DIR", ROOT.parent / "shared" / "data"),
                        type=Path, help="the folder holding R-39.las (default: ZOEPNET_DATA_DIR or ../shared/data)")
    args = parser.parse_args()
    rows = []
    reflectivity(rows)
    las(rows, args.data_dir / "R-39.las")
    training(rows, args.zoepnet, args.data_dir)
    print(f"| task | zoepnet (s) | against | its time (s) | ratio | check |")
    print("|---|---:|---|---:|---:|---|")
    for task, ours, what, theirs, check in rows:
        print(f"| {task} | {ours:.4f} | {what} | {theirs:.4f} | {theirs / ours:.1f}x | {check} |")
    print(f"\n{os.cpu_count()} cores; zoepnet {zoepnet.__version__}; NumPy {np.__version__}")


if __name__ == "__main__":
    main()
