"""Experiments from Python: the same configs, run folders and results as the ``zoepnet``
command line, through the same Rust library.

>>> cfg = zoepnet.load_config("configs/tutorial.toml", {"train.epochs": 10})
>>> run = zoepnet.train(cfg, out="runs/tutorial-10")      # a progress bar; Ctrl-C stops it
>>> run.summary["blind_mse"], run.metrics["val_mse"][-1]
>>> run.predict(X)                                           # X: n x 7 (m/s, kg/m3, degrees)
>>> run = zoepnet.resume("runs/tutorial-10")                 # after Ctrl-C: goes on from there
>>> zoepnet.sweep(cfg, {"train.learning_rate": [1e-3, 3e-3]}, out="runs/lr")
>>> zoepnet.seeds(cfg, count=20, out="runs/tutorial-seeds")

Training shows its progress with ``tqdm.auto`` (a widget in a notebook, a bar on a terminal)
where tqdm is installed, and with a line every tenth of the way otherwise; ``progress=False``
keeps it quiet. Ctrl-C, or a notebook's stop button, stops a training after its epoch, with its
checkpoint written, and raises ``KeyboardInterrupt``; :func:`resume` continues it, and ends with
the weights an uninterrupted run would have had.

The well logs a config names are looked for where the command line looks: at the path the config
gives, then by name in ``data_dir`` (default: the ``ZOEPNET_DATA_DIR`` environment variable);
a missing one is downloaded and verified unless ``offline`` (default: ``ZOEPNET_OFFLINE``).

Errors: ``ValueError`` for a bad key or value (naming it) or a folder that holds something else,
``FileNotFoundError`` for a missing config or well log, ``RuntimeError`` for a failure of the run
itself (it diverged, a file could not be written); the message is zoepnet's.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

import numpy as np

from . import _zoepnet

__all__ = [
    "Config",
    "Run",
    "Table",
    "DataWarning",
    "load_config",
    "train",
    "resume",
    "open_run",
    "sweep",
    "seeds",
]

PathLike = Union[str, "os.PathLike[str]"]


class DataWarning(UserWarning):
    """Something reading the data got past ("FILE: line N: what"), as the command line warns."""


def _toml_value(value: Any) -> str:
    """A Python value as a TOML value, for an override."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return repr(value.item() if isinstance(value, np.generic) else value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise ValueError(f"{value!r}: expected a bool, number, str, list or dict as a config value")


def _overrides(overrides: Optional[Mapping[str, Any]]) -> List[str]:
    return [f"{key}={_toml_value(value)}" for key, value in (overrides or {}).items()]


@dataclass(frozen=True)
class Config:
    """A config file with overrides, checked (every refusal names its key): what a run folder's
    ``config.toml`` would hold is :attr:`toml`, and :meth:`to_dict` gives it as a dict."""

    path: Path
    overrides: Dict[str, Any] = field(default_factory=dict)
    toml: str = ""
    _resolved: str = field(default="", repr=False)

    def __hash__(self) -> int:
        return hash((self.path, self.toml))

    def to_dict(self) -> Dict[str, Any]:
        """The resolved config: every section and key, defaults filled in."""
        return json.loads(self._resolved)

    def with_overrides(self, overrides: Mapping[str, Any]) -> "Config":
        """The same file with more overrides (later ones win)."""
        return load_config(self.path, {**self.overrides, **overrides})


def load_config(path: PathLike, overrides: Optional[Mapping[str, Any]] = None) -> Config:
    """Reads and checks the experiment config at ``path``, with ``overrides`` as a dict of
    dotted keys (``{"train.epochs": 10, "backend.kind": "wgpu"}``), as the command line's
    ``--set``. Raises FileNotFoundError for a missing file, ValueError for an unknown key or a
    value out of range (naming it and the line)."""
    resolved, toml = _zoepnet.load_config(Path(path), _overrides(overrides))
    return Config(Path(path), dict(overrides or {}), toml, resolved)


def _config(config: Union[Config, PathLike]) -> Config:
    return config if isinstance(config, Config) else load_config(config)


def _data_options(data_dir: Optional[PathLike], offline: Optional[bool]):
    if data_dir is None:
        data_dir = os.environ.get("ZOEPNET_DATA_DIR") or None
    if offline is None:
        offline = os.environ.get("ZOEPNET_OFFLINE", "").strip().lower() not in ("", "0", "false", "no", "off")
    return (Path(data_dir) if data_dir else None), bool(offline)


class _Progress:
    """Shows zoepnet's events: a tqdm bar (``tqdm.auto``) per training or study where tqdm is
    installed, lines on stderr otherwise; warnings as :class:`DataWarning` always."""

    def __init__(self, show: bool):
        self.show = show
        self.bar = None
        self.shown = 0
        try:
            from tqdm.auto import tqdm
        except ImportError:
            tqdm = None
        self.tqdm = tqdm

    def __call__(self, event: Dict[str, Any]) -> None:
        kind = event["kind"]
        if kind == "warning":
            warnings.warn(event["what"], DataWarning, stacklevel=2)
        elif not self.show:
            return
        elif kind == "stage":
            self._line(event["what"])
        elif kind == "started":
            self._started(event)
        elif kind == "epoch":
            self._advance(event["epoch"], event["epochs"], f"val MSE {event['val_mse']:.3e}")
        elif kind == "count":
            self._advance(event["done"], event["total"], event["message"], unit=event["what"])
        elif kind == "finished":
            self.close()

    def _started(self, e: Dict[str, Any]) -> None:
        self.close()
        again = f", continuing after epoch {e['resumed_after']}" if e["resumed_after"] is not None else ""
        self._line(
            f"training {e['out']}: {e['train']} training / {e['validation']} validation interfaces, "
            f"{e['epochs']} epochs, {e['engine']} engine on {e['device']}{again}"
        )
        self.shown = e["resumed_after"] or 0

    def _advance(self, n: int, total: int, message: str, unit: str = "epoch") -> None:
        if self.tqdm is not None:
            if self.bar is None or self.bar.total != total:
                self.close()
                self.bar = self.tqdm(total=total, unit=unit, initial=self.shown, file=sys.stderr)
            # The figure first, then the count: update() draws the bar with both.
            self.bar.set_postfix_str(message, refresh=False)
            self.bar.update(n - self.bar.n)
        elif n == total or n - self.shown >= max(total // 10, 1):
            self.shown = n
            self._line(f"{unit} {n}/{total}: {message}")

    def _line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)
        else:
            print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _watched(show: bool, call: Callable[[Callable], Any]) -> Any:
    progress = _Progress(show)
    try:
        return call(progress)
    finally:
        progress.close()


class Run:
    """A finished run, from its folder (checked against the checksums in its summary.json).

    Attributes and methods:

    - ``dir``: the run folder;
    - ``summary``: summary.json as a dict: ``last_epoch_train_mse`` and ``last_epoch_val_mse``
      (the tutorial's published figures), ``final_train_mse``, ``final_val_mse`` and
      ``blind_mse`` (the final weights'), ``baselines``, ``train_seconds``, ...;
    - ``config_toml``: the run's resolved config.toml;
    - ``metrics`` / ``metrics_df()``: metrics.csv, per epoch;
    - ``predict(X)``: Rpp for rows of (vp1, vs1, rho1, vp2, vs2, rho2, theta);
    - ``weights``: the network and its scaler as NumPy arrays;
    - ``domain_test()`` / ``well_test(wells)``: the run scored over the whole domain, and on
      every interface of whole wells at several scales (as ``zoepnet eval --domain/--wells``).
    """

    def __init__(self, dir: PathLike):
        _existing_folder(dir)
        self._run = _zoepnet.open_run(Path(dir))
        self.dir: Path = Path(self._run.dir)
        #: summary.json: the final and last-epoch MSEs, blind scores, baselines, timings.
        self.summary: Dict[str, Any] = json.loads(self._run.summary_json())
        #: The run's resolved config.toml.
        self.config_toml: str = self._run.config_toml()

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"Run({str(self.dir)!r}: {s['epochs']} epochs, last epoch's val MSE "
            f"{s['last_epoch_val_mse']:.4e}, final weights' blind MSE {s['blind_mse']:.4e})"
        )

    @property
    def metrics(self) -> Dict[str, np.ndarray]:
        """metrics.csv: ``epoch``, ``train_mse`` (the epoch's running loss), ``val_mse`` (at the
        epoch's start), ``learning_rate``, ``seconds``, each a float64 array."""
        return dict(self._run.metrics())

    def metrics_df(self):
        """:attr:`metrics` as a pandas DataFrame indexed by epoch (needs pandas)."""
        import pandas as pd

        m = self.metrics
        return pd.DataFrame(m, index=pd.Index(m.pop("epoch").astype(int), name="epoch"))

    def predict(self, X: Any) -> np.ndarray:
        """Rpp predicted for each row of ``X`` (n x 7, or one row of 7: vp1, vs1, rho1, vp2,
        vs2, rho2 in m/s and kg/m3, theta in degrees), with the run's scaler. A row no rock can
        have raises ValueError naming it."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim not in (1, 2):
            raise ValueError(f"X: expected n x 7 values (or one row of 7), got shape {X.shape}")
        one = X.ndim == 1
        out = self._run.predict(np.ascontiguousarray(np.atleast_2d(X)))
        return out[0] if one else out

    @property
    def weights(self) -> Dict[str, np.ndarray]:
        """The trained network in PyTorch's layout, as ``zoepnet export`` writes it:
        ``fc1.weight`` (hidden x inputs), ``fc1.bias``, for a deeper network
        ``inner.K.weight`` (hidden x hidden) and ``inner.K.bias`` for each further hidden layer
        K = 0, 1, ..., ``fc2.weight`` (1 x hidden), ``fc2.bias``; and ``scaler.mean``,
        ``scaler.std`` of the inputs."""
        return dict(self._run.weights())

    def domain_test(self, count: int = 100_000, seed: int = 2029) -> "Table":
        """The domain test (``zoepnet eval --domain``): ``count`` interfaces of a seeded Latin
        hypercube over Vp 1500-6500 m/s, Vp/Vs 1.45-4, density 1900-2900 kg/m3 per layer and
        0-60 degrees, labelled exactly; per region (weak or strong contrast; pre-, near- or
        post-critical) the network's RMS and largest error beside Aki-Richards' where it is
        defined. Rows: ``region`` (None for all), ``rows``, ``network_rms``, ``network_max``,
        ``ar_rows``, ``ar_rms``, ``ar_max``."""
        markdown, rows = self._run.domain_test(_whole("count", count), _whole("seed", seed))
        return Table([dict(r) for r in rows], markdown, self.dir)

    def well_test(
        self,
        wells: Union[PathLike, Sequence[PathLike]],
        blocks: Sequence[float] = (0, 2, 5, 10),
        theta_max: float = 60.0,
        seed: int = 1,
        overrides: Optional[Mapping[str, Any]] = None,
        *,
        data_dir: Optional[PathLike] = None,
        offline: Optional[bool] = None,
    ) -> "Table":
        """The well test (``zoepnet eval --wells``): every interface of each well, at full
        resolution (``0``) and blocked into layers of ``blocks`` metres, each at an angle drawn
        uniformly in [0, ``theta_max``) with ``seed``, labelled exactly. The wells are read as
        the run's ``[data]`` and ``overrides`` (``{"data.null_policy": "common"}``) say. Rows:
        ``well``, ``scale_m`` (None at full resolution), ``rows``, ``unstable`` (rows with a layer
        no rock can have, left out), ``ar_rows``, ``network_mse`` and ``ar_mse`` on the rows
        where Aki-Richards is defined, ``ratio``, ``network_max`` (any row)."""
        if isinstance(wells, (str, Path)):
            wells = [wells]
        data_dir, offline = _data_options(data_dir, offline)
        markdown, rows = self._run.well_test(
            [Path(w) for w in wells],
            [float(b) for b in blocks],
            float(theta_max),
            _whole("seed", seed),
            _overrides(overrides),
            data_dir,
            offline,
        )
        return Table([dict(r) for r in rows], markdown, self.dir)


def _whole(name: str, value: Any) -> int:
    """``value`` as a whole number from 0 to 2^32 - 1, or ValueError naming ``name``."""
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or not 0 <= value < 2**32:
        raise ValueError(f"{name}={value!r}: expected a whole number from 0 to 2^32 - 1")
    return int(value)


def _existing_folder(dir: PathLike) -> None:
    if not Path(dir).exists():
        raise FileNotFoundError(errno.ENOENT, "no such run folder", str(dir))


def open_run(dir: PathLike) -> Run:
    """The finished run in the folder ``dir``. Raises ValueError where the folder holds no
    finished run (a stopped one: :func:`resume` it), or a file there was changed."""
    return Run(dir)


def train(
    config: Union[Config, PathLike],
    out: Optional[PathLike] = None,
    *,
    progress: bool = True,
    data_dir: Optional[PathLike] = None,
    offline: Optional[bool] = None,
) -> Run:
    """Trains ``config`` (a :class:`Config`, or a path) into the run folder ``out`` (default
    ``runs/CONFIG_NAME``, as the command line), and returns the finished :class:`Run`. Ctrl-C
    stops after the epoch and raises KeyboardInterrupt; :func:`resume` continues."""
    config = _config(config)
    out = Path(out) if out is not None else Path("runs") / config.path.stem
    data_dir, offline = _data_options(data_dir, offline)
    _watched(
        progress,
        lambda cb: _zoepnet.train(config.path, _overrides(config.overrides), out, False, data_dir, offline, cb),
    )
    return Run(out)


def resume(
    dir: PathLike,
    epochs: Optional[int] = None,
    *,
    progress: bool = True,
    data_dir: Optional[PathLike] = None,
    offline: Optional[bool] = None,
) -> Run:
    """Continues the stopped run in ``dir`` from its checkpoint (ending with the weights an
    uninterrupted run would have), or, with ``epochs``, takes a finished or stopped run on to
    that many epochs where that gives the run those epochs would have given."""
    dir = Path(dir)
    _existing_folder(dir)
    overrides = _overrides({"train.epochs": epochs} if epochs is not None else None)
    data_dir, offline = _data_options(data_dir, offline)
    _watched(progress, lambda cb: _zoepnet.train(None, overrides, dir, True, data_dir, offline, cb))
    return Run(dir)


@dataclass
class Table:
    """A table of results, as zoepnet writes it: :attr:`rows` (dicts), :attr:`markdown` (shown
    as a table in a notebook), :meth:`df` (a pandas DataFrame)."""

    rows: List[Dict[str, Any]]
    markdown: str
    dir: Optional[Path] = None

    def df(self):
        """:attr:`rows` as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame(self.rows)

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __str__(self) -> str:
        return self.markdown


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text if text != "" else None


def sweep(
    config: Union[Config, PathLike],
    grid: Mapping[str, Sequence[Any]],
    out: Optional[PathLike] = None,
    *,
    population: str = "auto",
    progress: bool = True,
    data_dir: Optional[PathLike] = None,
    offline: Optional[bool] = None,
) -> Table:
    """Trains every combination of ``grid`` (``{"train.learning_rate": [1e-3, 3e-3]}``) on
    ``config`` (its file and its overrides), each into its run folder under ``out`` (default
    ``runs/CONFIG_NAME-sweep``), and returns the sweep's table (also in sweep.md, sweep.csv).
    A variant that fails is a row; the rest go on. ``population``: "auto", "always", "never"
    (train the variants at once on the population engine). Ctrl-C stops, raising
    KeyboardInterrupt; the same call trains the rest."""
    config = _config(config)
    out = Path(out) if out is not None else Path("runs") / f"{config.path.stem}-sweep"
    sets = [f"{key}={_toml_value(value)}" for key, value in config.overrides.items()]
    for key, values in grid.items():
        values = list(values) if isinstance(values, (list, tuple, np.ndarray)) else [values]
        for value in values:
            # A bad key or value raises here, naming it; a combination that does not go
            # together is a failed row of the table, as on the command line.
            config.with_overrides({key: value})
        sets.append(f"{key}=" + ",".join(_toml_value(v) for v in values))
    data_dir, offline = _data_options(data_dir, offline)
    markdown, table = _watched(
        progress,
        lambda cb: _zoepnet.sweep(config.path, sets, out, population, data_dir, offline, cb),
    )
    rows = [{k: _number(v) for k, v in row.items()} for row in csv.DictReader(io.StringIO(table))]
    return Table(rows, markdown, out)


def seeds(
    config: Union[Config, PathLike],
    count: int = 100,
    first: int = 0,
    out: Optional[PathLike] = None,
    *,
    progress: bool = True,
    data_dir: Optional[PathLike] = None,
    offline: Optional[bool] = None,
) -> Table:
    """Trains ``config`` once per seed ``first .. first + count - 1`` (its data and split kept),
    on every core, into the study folder ``out`` (default ``runs/CONFIG_NAME-seeds``), and
    returns each seed's final MSEs, with the report (seeds.md: the distribution and where the
    config's own seed falls) as :attr:`Table.markdown`. A folder holding a study of the same
    config keeps its seeds, so a stopped study continues where it stopped."""
    _whole("count", count)
    _whole("first", first)
    config = _config(config)
    out = Path(out) if out is not None else Path("runs") / f"{config.path.stem}-seeds"
    data_dir, offline = _data_options(data_dir, offline)
    report, rows, _own = _watched(
        progress,
        lambda cb: _zoepnet.seeds(
            config.path, _overrides(config.overrides), count, first, out, data_dir, offline, cb
        ),
    )
    return Table([dict(r) for r in rows], report, out)
