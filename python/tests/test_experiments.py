"""Experiments from Python: configs with overrides, training (with its progress, Ctrl-C and
resume), run folders opened as runs, sweeps and seed studies, and the exceptions a user
expects. They need R-39.las where the command line's tests find it (ZOEPNET_DATA_DIR, or
../shared/data beside the checkout)."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from _support import CI, require

zoepnet = require("zoepnet")

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "configs" / "tutorial.toml"


def data_dir():
    for d in (os.environ.get("ZOEPNET_DATA_DIR"), ROOT.parent / "shared" / "data"):
        if d and (Path(d) / "R-39.las").is_file():
            return Path(d)
    if CI:
        raise FileNotFoundError("R-39.las: set ZOEPNET_DATA_DIR")
    pytest.skip("R-39.las not found (set ZOEPNET_DATA_DIR)", allow_module_level=True)


DATA = data_dir()
ENV = {"data_dir": DATA, "offline": True, "progress": False}


def test_the_tutorial_trains_to_the_published_figures(tmp_path):
    run = zoepnet.train(TUTORIAL, out=tmp_path / "tutorial", **ENV)
    s = run.summary
    assert f"{s['last_epoch_train_mse']:.4e}" == "1.2845e-04"
    assert f"{s['last_epoch_val_mse']:.4e}" == "1.3307e-04"
    assert f"{s['blind_mse']:.4e}" == "3.3116e-04"
    m = run.metrics
    assert m["epoch"].tolist() == list(range(1, 101))
    assert m["val_mse"][-1] == s["last_epoch_val_mse"]
    # Opening the folder again gives the same run.
    again = zoepnet.open_run(tmp_path / "tutorial")
    assert again.summary == s


def test_predict_is_the_network_its_weights_describe(tmp_path):
    run = zoepnet.train(TUTORIAL, out=tmp_path / "t", **{**ENV, "progress": False})
    rng = np.random.default_rng(1)
    X = np.column_stack(
        [
            rng.uniform(2000, 4000, 50), rng.uniform(800, 2000, 50), rng.uniform(2000, 2600, 50),
            rng.uniform(2000, 4000, 50), rng.uniform(800, 2000, 50), rng.uniform(2000, 2600, 50),
            rng.uniform(0, 30, 50),
        ]
    )
    w = run.weights
    x = (X - w["scaler.mean"]) / w["scaler.std"]
    hidden = 1 / (1 + np.exp(-(x @ w["fc1.weight"].T + w["fc1.bias"])))
    by_hand = (hidden @ w["fc2.weight"].T + w["fc2.bias"])[:, 0]
    np.testing.assert_allclose(run.predict(X), by_hand, rtol=0, atol=1e-12)
    assert run.predict(X[0]) == pytest.approx(by_hand[0], abs=1e-12)
    with pytest.raises(ValueError, match="row 1: vs1"):
        run.predict(np.vstack([X[0], X[0] * [1, -1, 1, 1, 1, 1, 1]]))
    with pytest.raises(ValueError, match="7 columns"):
        run.predict(X[:, :6])
    with pytest.raises(ValueError, match="shape"):
        run.predict(np.ones((2, 2, 7)))


def test_a_deeper_network_predicts_through_its_inner_layers(tmp_path):
    cfg = zoepnet.load_config(TUTORIAL, {
        "model.layers": 3, "model.hidden": 16, "model.activation": "tanh",
        "train.optimizer": "adam", "train.update_order": "exact", "train.batch_size": 32,
        "train.epochs": 3,
    })
    run = zoepnet.train(cfg, out=tmp_path / "deep", **ENV)
    w = run.weights
    assert sorted(k for k in w if k.startswith("inner.")) == [
        "inner.0.bias", "inner.0.weight", "inner.1.bias", "inner.1.weight"]
    assert w["inner.1.weight"].shape == (16, 16)
    rng = np.random.default_rng(2)
    low, high = [2000, 800, 2000, 2000, 800, 2000, 0], [4000, 2000, 2600, 4000, 2000, 2600, 30]
    X = rng.uniform(low, high, (20, 7))
    a = np.tanh(((X - w["scaler.mean"]) / w["scaler.std"]) @ w["fc1.weight"].T + w["fc1.bias"])
    for k in range(2):
        a = np.tanh(a @ w[f"inner.{k}.weight"].T + w[f"inner.{k}.bias"])
    by_hand = (a @ w["fc2.weight"].T + w["fc2.bias"])[:, 0]
    np.testing.assert_allclose(run.predict(X), by_hand, rtol=0, atol=1e-12)


def test_bad_input_raises_what_a_user_expects(tmp_path):
    with pytest.raises(ValueError, match="unknown field `epoch`"):
        zoepnet.load_config(TUTORIAL, {"train.epoch": 10})
    with pytest.raises(ValueError, match="train.learning_rate"):
        zoepnet.load_config(TUTORIAL, {"train.learning_rate": -1.0})
    with pytest.raises(FileNotFoundError, match="nothere.toml"):
        zoepnet.load_config(tmp_path / "nothere.toml")
    missing = zoepnet.load_config(TUTORIAL, {"data.las": "nothere.las", "data.sha256": ""})
    with pytest.raises(FileNotFoundError, match="nothere.las"):
        zoepnet.train(missing, out=tmp_path / "x", data_dir=tmp_path, offline=True, progress=False)
    cfg = zoepnet.load_config(TUTORIAL, {"train.epochs": 3, "model.hidden": 20})
    assert cfg.to_dict()["train"]["epochs"] == 3
    assert "hidden = 20" in cfg.toml
    blocked = {"data.decimate": 1, "data.blocks": {"thickness": 5.0, "average": "backus"}}
    assert zoepnet.load_config(TUTORIAL, blocked).to_dict()["data"]["blocks"] == {
        "thickness": 5.0, "average": "backus"}
    with pytest.raises(ValueError, match="data.decimate"):
        zoepnet.load_config(TUTORIAL, {"data.blocks": {"thickness": 5.0}})
    with pytest.raises(ValueError, match="no finished run|not a run"):
        zoepnet.open_run(tmp_path)
    with pytest.raises(FileNotFoundError):
        zoepnet.open_run(tmp_path / "nothere")
    with pytest.raises(FileNotFoundError):
        zoepnet.resume(tmp_path / "nothere")
    with pytest.raises(ValueError, match="learnin_rate"):
        zoepnet.sweep(cfg, {"train.learnin_rate": [0.001, 0.002]}, out=tmp_path / "s", **ENV)
    with pytest.raises(ValueError, match="count=-1"):
        zoepnet.seeds(cfg, count=-1, out=tmp_path / "seeds", **ENV)
    with pytest.raises(TypeError, match="theta1"):
        zoepnet.zoeppritz_rpp(2800, 1400, 2400, 3100, 1600, 2450, None)


def test_progress_shows_the_epochs(tmp_path, capsys):
    zoepnet.train(zoepnet.load_config(TUTORIAL, {"train.epochs": 20}), out=tmp_path / "p",
                  data_dir=DATA, offline=True)
    err = capsys.readouterr().err
    assert "20/20" in err
    assert "400 training / 100 validation interfaces" in err


STOPPED = textwrap.dedent(
    """
    import sys, zoepnet
    cfg = zoepnet.load_config(sys.argv[1], {"train.epochs": 20000})
    try:
        zoepnet.train(cfg, out=sys.argv[2], data_dir=sys.argv[3], offline=True, progress=False)
    except KeyboardInterrupt as e:
        print(e)
        sys.exit(3)
    """
)


def test_ctrl_c_leaves_a_run_that_resumes_to_the_same_weights(tmp_path):
    out = tmp_path / "stopped"
    child = subprocess.Popen(
        [sys.executable, "-c", STOPPED, str(TUTORIAL), str(out), str(DATA)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.time() + 120
    while not (out / "checkpoint.json").exists() and time.time() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    stdout, stderr = child.communicate(timeout=120)
    assert child.returncode == 3, stderr
    assert "stopped after epoch" in stdout and "zoepnet.resume(" in stdout
    assert not (out / "summary.json").exists()
    resumed = zoepnet.resume(out, **ENV)
    whole = zoepnet.train(zoepnet.load_config(TUTORIAL, {"train.epochs": 20000}),
                          out=tmp_path / "whole", **ENV)
    for key, value in whole.weights.items():
        np.testing.assert_array_equal(resumed.weights[key], value, err_msg=key)
    assert resumed.summary["final_val_mse"] == whole.summary["final_val_mse"]


def test_a_sweep_and_a_seed_study_give_their_tables(tmp_path):
    cfg = zoepnet.load_config(TUTORIAL, {"train.epochs": 5})
    table = zoepnet.sweep(cfg, {"train.learning_rate": [0.001, 0.002]}, out=tmp_path / "sweep", **ENV)
    assert [r["status"] for r in table.rows] == ["ok", "ok"]
    assert [r["train.learning_rate"] for r in table.rows] == [0.001, 0.002]
    first = zoepnet.open_run(tmp_path / "sweep" / table.rows[0]["run"])
    assert table.rows[0]["final_val_mse"] == pytest.approx(first.summary["final_val_mse"], rel=1e-12)
    assert "| run | train.learning_rate |" in table.markdown
    study = zoepnet.seeds(cfg, count=3, first=40, out=tmp_path / "seeds", **ENV)
    assert [r["seed"] for r in study.rows] == [40, 41, 42]
    tutorial_seed = zoepnet.train(cfg, out=tmp_path / "seed42", **ENV).summary
    assert study.rows[2]["val_mse"] == pytest.approx(tutorial_seed["final_val_mse"], rel=1e-12)
    assert "seed" in study.markdown


def test_the_domain_and_well_tests_agree_with_the_command_line(tmp_path):
    config = zoepnet.load_config(TUTORIAL, {"train.epochs": 2})
    run = zoepnet.train(config, out=tmp_path / "t", **ENV)
    domain = run.domain_test(count=2000, seed=5)
    every = domain.rows[0]
    assert every["region"] is None and every["rows"] == 2000
    regions = {r["region"] for r in domain.rows[1:]}
    assert "strong, post-critical" in regions
    post = next(r for r in domain.rows if r["region"] == "strong, post-critical")
    assert post["ar_rows"] == 0 and post["ar_rms"] is None
    # The rows are the Markdown table's (`zoepnet eval --domain` prints the same).
    line = next(l for l in domain.markdown.splitlines() if l.startswith("| all |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert float(cells[2]) == pytest.approx(every["network_rms"], rel=1e-3)
    assert float(cells[3]) == pytest.approx(every["network_max"], rel=1e-3)
    wells = run.well_test(DATA / "R-39.las", blocks=[0, 5], seed=3)
    full, blocked = wells.rows
    assert (full["scale_m"], blocked["scale_m"]) == (None, 5.0)
    assert full["rows"] > 7000 and 200 < blocked["rows"] < 300
    assert full["ratio"] == pytest.approx(full["network_mse"] / full["ar_mse"])
    assert wells.rows == run.well_test([DATA / "R-39.las"], blocks=[0, 5], seed=3).rows
    with pytest.raises(ValueError, match="blocks"):
        run.well_test(DATA / "R-39.las", blocks=[-1])
    with pytest.raises(FileNotFoundError):
        run.well_test(tmp_path / "missing.las", offline=True)
    with pytest.raises(ValueError, match="count"):
        run.domain_test(count=-1)
