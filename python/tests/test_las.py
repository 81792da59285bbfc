"""zoepnet.read_las against lasio on the project's LAS fixtures and the wells in ../shared/data.

Where zoepnet, lasio or the wells are missing the tests fail under CI and are skipped elsewhere,
saying why.
"""

import glob
import os
import warnings
from pathlib import Path

import numpy as np
import pytest
from _support import CI, require

ROOT = Path(__file__).resolve().parents[2]


zoepnet = require("zoepnet")
lasio = require("lasio")


def wells():
    data = Path(os.environ.get("ZOEPNET_DATA_DIR", ROOT.parent / "shared" / "data"))
    found = sorted([data / "R-39.las", *data.glob("wells/*.las")])
    found = [p for p in found if p.is_file()]
    if not found:
        if CI:
            raise FileNotFoundError(f"no wells in {data}")
        pytest.skip(f"no wells in {data} (see data/README.md)")
    return found


def same(ours, theirs, path):
    assert ours.keys() == theirs.keys(), path
    for c, d in zip(ours.curves, theirs.curves):
        assert c.mnemonic == d.mnemonic, path
        # A unit with a space ("0.1 in"): lasio stops at the space, zoepnet keeps it whole.
        assert c.unit == d.unit or c.unit.startswith(d.unit + " "), f"{path}: {c.unit!r} {d.unit!r}"
        a = np.asarray(c.data, dtype=float)
        b = np.asarray(d.data, dtype=float)
        assert np.array_equal(a, b, equal_nan=True), f"{path}: {c.mnemonic}"
    for item in theirs.well:
        # Where lasio cut a unit at its space, the rest of the unit went into its value.
        if item.mnemonic in ours.well.keys() and ours.well[item.mnemonic].unit == item.unit:
            assert str(ours.well[item.mnemonic].value) == str(item.value).strip() or (
                _number(ours.well[item.mnemonic].value) == _number(item.value)
            ), f"{path}: {item.mnemonic}"


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def read_both(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return zoepnet.read_las(path), lasio.read(str(path))


def test_the_wells_read_as_lasio_reads_them():
    for path in wells():
        ours, theirs = read_both(path)
        same(ours, theirs, path)
        assert ours.index.shape == (len(theirs.index),)


def test_the_fixture_files_read_as_lasio_reads_them():
    paths = [ROOT / "tests/fixtures/mini.las"]
    paths += [ROOT / f"crates/las/tests/fixtures/{n}.las" for n in ("tabs", "cr", "utf8_bom", "index_null")]
    for path in paths:
        ours, theirs = read_both(path)
        same(ours, theirs, path)


def test_no_fixture_makes_the_reader_fail_other_than_by_valueerror():
    for path in glob.glob(str(ROOT / "crates/las/tests/fixtures/*.las")):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                las = zoepnet.read_las(path)
        except ValueError as e:
            assert Path(path).name in str(e)
        else:
            assert all(len(c.data) == len(las.index) for c in las.curves)


def test_a_missing_file_is_filenotfounderror_and_warnings_are_python_warnings(tmp_path):
    with pytest.raises(FileNotFoundError, match="no-such.las"):
        zoepnet.read_las(tmp_path / "no-such.las")
    with pytest.warns(zoepnet.LASWarning, match="line"):
        zoepnet.read_las(ROOT / "crates/las/tests/fixtures/duplicates.las")


def test_df_is_indexed_by_depth():
    pd = pytest.importorskip("pandas")
    las = zoepnet.read_las(ROOT / "tests/fixtures/mini.las")
    frame = las.df()
    assert isinstance(frame, pd.DataFrame)
    assert frame.index.name == las.curves[0].mnemonic
    assert list(frame.columns) == las.keys()[1:]
