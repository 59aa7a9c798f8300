"""The kernels `kcz build` starts are marked as a build's, so `import kczlib` adds no lab output to a page."""

from __future__ import annotations

from kczlib.contract import BUILD_ENV
from kczlib.publish.kernels import kernel_env


def test_a_build_kernel_is_marked_and_is_no_lab_kernel(monkeypatch):
    # as if `!kcz build` ran in a lab kernel: jupyter_server gave that kernel JPY_SESSION_NAME
    monkeypatch.setenv("JPY_SESSION_NAME", "notebooks/scratch/explore.ipynb")
    env = kernel_env()
    assert env[BUILD_ENV] == "1" and "JPY_SESSION_NAME" not in env
