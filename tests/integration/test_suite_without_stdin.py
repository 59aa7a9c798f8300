"""The tests themselves run as cron or a CI runner starts them: stdin closed, no terminal.

With stdin closed (`make test 0<&-`) Python sets sys.__stdin__ to None, and pytest's capture
then failed an assertion whenever IPython asked stdin for its encoding: every test that drew
a chart or displayed an output failed (108 failed and 12 errored, issue 25). tests/conftest.py
gives the session a stdin of /dev/null; this runs a real pytest in a child process whose fd 0
is closed (not /dev/null: `stdin=subprocess.DEVNULL` would be an open stdin) and which has no
controlling terminal, on unit tests that display charts through IPython.
"""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO

# In the child: stdin really closed and no terminal to fall back on, then pytest on tests
# whose charts go through IPython's display (kczlib.report.display imports it when called).
CHILD = """
import os, sys
assert sys.__stdin__ is None, "stdin is open"
try:
    os.close(os.open("/dev/tty", os.O_RDWR))
    raise SystemExit("a controlling terminal is reachable")
except OSError:
    pass
import pytest
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", "tests/unit/report/test_theme.py", "-k", "heatmap"]))
"""


def test_chart_tests_pass_with_stdin_closed_and_no_terminal():
    done = subprocess.run(["sh", "-c", 'exec "$0" "$@" 0<&-', sys.executable, "-c", CHILD], cwd=REPO,
                          capture_output=True, text=True, timeout=300, start_new_session=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert " passed" in done.stdout and "failed" not in done.stdout and "error" not in done.stdout, done.stdout
