"""What the Python tests share: a module they need, failing under CI where it is missing and
skipped (saying why) elsewhere."""

import os

import pytest

CI = bool(os.environ.get("CI"))


def require(module):
    """Imports `module`; without it, fails under CI and skips the test file elsewhere."""
    try:
        return __import__(module)
    except ImportError as e:
        if CI:
            raise
        pytest.skip(f"{module} is not installed: {e}", allow_module_level=True)
