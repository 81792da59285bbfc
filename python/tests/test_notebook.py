"""notebooks/tutorial.ipynb: committed without outputs, and run top to bottom (its cells assert
the published figures, 1.2845e-4 / 1.3307e-4 / 3.3116e-4, and that the NumPy loop and the rebuilt
blind set agree with zoepnet's run)."""

import json
from pathlib import Path

from _support import require

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "tutorial.ipynb"


def test_the_notebook_is_committed_without_outputs():
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert len(code) >= 8
    assert [c["outputs"] for c in code] == [[]] * len(code)
    assert {c["execution_count"] for c in code} == {None}


def test_the_notebook_runs_top_to_bottom(tmp_path):
    nbformat = require("nbformat")
    nbclient = require("nbclient")
    require("matplotlib")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on a failure
    text = "".join(
        o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs
    )
    assert "last epoch train MSE 1.2845e-04, val MSE 1.3307e-04, blind MSE 3.3116e-04" in text
    images = sum(
        1 for c in notebook.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})
    )
    assert images == 5
