"""A reused file is a hard link on one file system and a copy across file systems (never a
symlink); a run's page is rewritten by a new file renamed into place, never in place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from kczlib.publish.cache import link_or_copy, reuse_files
from kczlib.publish.run_folder import replace_text


def test_on_one_file_system_the_reused_file_is_a_hard_link(tmp_path):
    src, dst = tmp_path / "a.html", tmp_path / "b.html"
    src.write_bytes(b"page")
    assert link_or_copy(src, dst) == "link"
    assert not dst.is_symlink() and os.stat(dst).st_ino == os.stat(src).st_ino
    src.unlink()  # the older run pruned: the newer one keeps the file
    assert dst.read_bytes() == b"page"


def test_across_file_systems_it_is_a_copy(tmp_path):
    if not os.path.isdir("/dev/shm"):
        pytest.skip("no /dev/shm here to be a second file system")
    with tempfile.TemporaryDirectory(dir="/dev/shm") as other:
        if os.stat(other).st_dev == os.stat(tmp_path).st_dev:
            pytest.skip("/dev/shm is on the same file system as the temporary folder here")
        src, dst = tmp_path / "a.html", Path(other) / "b.html"
        src.write_bytes(b"page")
        assert link_or_copy(src, dst) == "copy"  # os.link fails with EXDEV
        assert dst.read_bytes() == b"page" and not dst.is_symlink()


def test_a_source_that_is_a_symlink_is_not_reused(tmp_path):
    target = tmp_path / "secret"
    target.write_bytes(b"page")
    src = tmp_path / "a.html"
    src.symlink_to(target)
    dst = tmp_path / "new" / "a.html"
    dst.parent.mkdir()
    # the record matches the target's bytes: only the link itself gives it away
    record = {"size": 4, "sha256": "a9d6" + "0" * 60}
    assert "not a regular file" in reuse_files([(src, dst)], [record])
    assert not os.path.lexists(dst)


def test_replace_text_never_writes_into_the_file_that_is_there(tmp_path):
    old, new = tmp_path / "old.html", tmp_path / "new.html"
    old.write_text("<p>one</p>", encoding="utf-8")
    os.link(old, new)  # as a reused page is
    assert replace_text(new, "<p>one</p>") is False  # unchanged: nothing written, still linked
    assert os.stat(new).st_ino == os.stat(old).st_ino
    assert replace_text(new, "<p>two</p>") is True
    assert old.read_text(encoding="utf-8") == "<p>one</p>"  # the other run keeps its page
    assert new.read_text(encoding="utf-8") == "<p>two</p>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.html", "old.html"]  # no .part left
