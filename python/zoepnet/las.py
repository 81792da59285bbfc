"""LAS 1.2/2.0 well logs, read by zoepnet's Rust reader, in lasio's shape.

``zoepnet.read_las(path)`` gives a :class:`LASFile` with ``.version``, ``.well``, ``.params``
(sections whose items have ``.mnemonic``, ``.unit``, ``.value``, ``.descr``), ``.curves`` (items
with ``.data`` too), ``las["DT"]`` (a curve's values as a NumPy array, NaN where null),
``.index`` (the first curve's) and ``.df()`` (a pandas DataFrame indexed by depth; pandas is
needed only there). What the reader got past comes as Python warnings (:class:`LASWarning`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Iterator, List

import numpy as np

from . import _zoepnet

__all__ = ["read_las", "LASFile", "HeaderItem", "CurveItem", "SectionItems", "LASWarning"]


class LASWarning(UserWarning):
    """Something odd the reader got past ("line N: what it did")."""


@dataclass
class HeaderItem:
    """One header line: ``MNEM.UNIT  VALUE : DESCRIPTION``."""

    mnemonic: str
    original_mnemonic: str
    unit: str
    value: str
    descr: str


@dataclass
class CurveItem(HeaderItem):
    """A curve: its ``~C`` item (the value is its API code) and its values."""

    data: Any = field(default=None, repr=False)


class SectionItems(list):
    """A section's items in file order; ``section["WELL"]`` finds one by mnemonic (any case)."""

    def __getitem__(self, key):
        if isinstance(key, str):
            for item in self:
                if item.mnemonic.upper() == key.upper():
                    return item
            for item in self:
                if item.original_mnemonic.upper() == key.upper():
                    return item
            raise KeyError(key)
        return super().__getitem__(key)

    def keys(self) -> List[str]:
        return [item.mnemonic for item in self]


class LASFile:
    """A LAS file read by :func:`read_las`."""

    def __init__(self, raw: dict, path: str):
        self.path = path
        self.version = SectionItems(HeaderItem(*i) for i in raw["version"])
        self.well = SectionItems(HeaderItem(*i) for i in raw["well"])
        self.params = SectionItems(HeaderItem(*i) for i in raw["params"])
        self.curves = SectionItems(CurveItem(*c[:5], data=c[5]) for c in raw["curves"])
        self.warnings = list(raw["warnings"])

    def __getitem__(self, mnemonic: str):
        return self.curves[mnemonic].data

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def keys(self) -> List[str]:
        return self.curves.keys()

    @property
    def index(self) -> np.ndarray:
        """The first curve's values (depth, as the file gives it)."""
        return self.curves[0].data

    def df(self):
        """The curves as a pandas DataFrame indexed by the first (depth)."""
        import pandas as pd

        frame = pd.DataFrame({c.mnemonic: c.data for c in self.curves[1:]}, index=self.index)
        frame.index.name = self.curves[0].mnemonic
        return frame


def read_las(path) -> LASFile:
    """Reads the LAS 1.2/2.0 file at ``path``. Raises FileNotFoundError where there is none,
    ValueError (naming the line) where it does not read; warns (:class:`LASWarning`) of what
    the reader got past."""
    path = str(path)
    las = LASFile(_zoepnet.read_las(path), path)
    for message in las.warnings:
        warnings.warn(f"{path}: {message}", LASWarning, stacklevel=2)
    return las
