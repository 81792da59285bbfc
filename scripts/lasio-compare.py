#!/usr/bin/env python3
"""Reads LAS files with lasio (the reference Python reader) and with `zoepnet las csv`, and says
for each whether they give the same table: the same curves, and every value the same (numbers
equal to the last bit, nulls in the same places, text equal).

    python3 -m venv /tmp/lasio && /tmp/lasio/bin/pip install lasio
    /tmp/lasio/bin/python scripts/lasio-compare.py [--zoepnet target/debug/zoepnet] FILE...

Both use their defaults (lasio: null_policy="strict"; zoepnet: --null-policy strict). Exit
status 1 when any file that lasio reads gives a different table.
"""
import argparse
import csv
import io
import math
import subprocess
import sys

import lasio


def lasio_table(path):
    las = lasio.read(path)
    names = [c.mnemonic for c in las.curves]
    columns = []
    for c in las.curves:
        values = []
        for v in c.data:
            if isinstance(v, str):
                values.append(v)
            elif v is None or (isinstance(v, float) and math.isnan(v)):
                values.append(None)
            else:
                values.append(float(v))
        columns.append(values)
    return names, columns


def zoepnet_table(binary, path):
    out = subprocess.run([binary, "las", "csv", path], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip().splitlines()[-1])
    rows = list(csv.reader(io.StringIO(out.stdout)))
    names, rows = rows[0], rows[1:]
    columns = [[] for _ in names]
    for row in rows:
        for i, field in enumerate(row):
            if field == "":
                columns[i].append(None)
            else:
                try:
                    columns[i].append(float(field))
                except ValueError:
                    columns[i].append(field)
    return names, columns


def same_value(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return str(a) == str(b)
    if a is None or b is None:
        return a is None and b is None
    return a == b or (math.isinf(a) and a == b)


def compare(binary, path):
    try:
        l_names, l_cols = lasio_table(path)
    except Exception as e:  # lasio refuses the file: nothing to match
        return "lasio-refuses", f"{type(e).__name__}: {e}"
    try:
        z_names, z_cols = zoepnet_table(binary, path)
    except RuntimeError as e:
        return "differs", f"zoepnet refuses: {e}"
    # zoepnet renames duplicates DT:1, DT:2; lasio too (DT:1, DT:2).
    if [n.upper() for n in l_names] != [n.upper() for n in z_names]:
        return "differs", f"curves: lasio {l_names}, zoepnet {z_names}"
    for name, a, b in zip(l_names, l_cols, z_cols):
        if len(a) != len(b):
            return "differs", f"{name}: lasio {len(a)} rows, zoepnet {len(b)}"
        for row, (x, y) in enumerate(zip(a, b)):
            # lasio keeps a text column's nulls as the text "nan" under some policies.
            if not same_value(x, y):
                return "differs", f"{name} row {row}: lasio {x!r}, zoepnet {y!r}"
    return "same", f"{len(l_names)} curves, {len(l_cols[0]) if l_cols else 0} rows"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zoepnet", default="target/debug/zoepnet")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    counts = {"same": 0, "differs": 0, "lasio-refuses": 0}
    for path in args.files:
        verdict, detail = compare(args.zoepnet, path)
        counts[verdict] += 1
        print(f"{verdict:13} {path}: {detail}")
    print(", ".join(f"{k}: {v}" for k, v in counts.items()))
    sys.exit(1 if counts["differs"] else 0)


if __name__ == "__main__":
    main()
