"""`kcz new-case` stopped by Ctrl-C while it drafts (a real process and a real signal: moved here
from tests/unit/data/test_new_case.py, whose other tests draft in-process)."""

from __future__ import annotations

from conftest import FIXTURES

RAW = FIXTURES / "new_case" / "demo.raw.txt"


def test_an_interrupted_new_case_says_nothing_was_written_and_leaves_nothing(data_copy, tmp_path):
    """Attack log N18: the message spoke of runs and `latest`, which new-case never touches."""
    import signal
    import subprocess
    import time

    from support.builds import kcz_command, kcz_env

    raw = tmp_path / "big.raw.txt"
    raw.write_bytes(RAW.read_bytes() * 4000)  # a few MB: drafting takes seconds
    cases = data_copy / "cases"
    before = set(cases.iterdir())
    proc = subprocess.Popen(kcz_command("new-case", "big", raw), env=kcz_env(KCZ_DATA=str(data_copy)),
                            stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not any(p.name.startswith(".big") for p in cases.iterdir()):  # drafting has begun
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.strip().splitlines() == ["kcz: interrupted; nothing was written"]
    assert set(cases.iterdir()) == before
