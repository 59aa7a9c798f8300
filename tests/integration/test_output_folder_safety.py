"""Nothing is written outside the run folder, and nothing planted in the output folder
(symlinks, hard links, a real `latest`) is written through or carried into a new run."""

from __future__ import annotations

import os
import shutil

import pytest

from kczlib.cli import main
from kczlib.errors import OutsideRunFolder
from kczlib.publish.run_folder import file_in

from support.builds import manifest, run_folders, run_kcz, shared_text, statuses, write_config

TINY_ZH = [{"notebook": "tiny_report", "langs": ["zh"]}]


def kcz(config, *args) -> int:
    return main(["--config", str(config), "build", "-q", *map(str, args)])


ABSOLUTE = object()  # stands for an absolute path in the parameters below


def files_under(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.mark.parametrize("field, value", [
    ("name", "../escaped"), ("name", "a/b"), ("name", ".hidden"), ("name", "x.analyst"),
    ("name", ABSOLUTE), ("notebook", "../notebooks/tiny_report"),
])
def test_an_unsafe_report_or_notebook_name_is_refused_and_nothing_is_written(tmp_path, field, value):
    if value is ABSOLUTE:  # an absolute path, made where the test runs
        value = str(tmp_path / "abs")
    entry = {"notebook": "tiny_report", "langs": ["zh"], field: value}
    config = write_config(tmp_path, [entry])
    result = run_kcz("--config", config, "build", "-q")
    assert result.returncode == 2
    assert f"{value}" in result.stderr and "is not a safe name" in result.stderr
    assert "Traceback" not in result.stderr
    assert files_under(tmp_path) == ["reports.toml"]  # not even an empty output folder
    assert not list(tmp_path.parent.glob("escaped*"))


def test_file_in_refuses_any_name_that_leaves_the_folder(tmp_path):
    (tmp_path / "link").symlink_to(tmp_path.parent)
    for name in ("../x", "..", "a/b", "", "link"):
        with pytest.raises(OutsideRunFolder):
            file_in(tmp_path, name)
    assert file_in(tmp_path, "r-zh.html") == tmp_path / "r-zh.html"


def _precious(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    return target


def test_a_lock_file_that_is_a_symlink_is_refused_and_its_target_untouched(tmp_path):
    config = write_config(tmp_path, TINY_ZH)
    target = _precious(tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / ".kcz-build.lock").symlink_to(target)
    result = run_kcz("--config", config, "build", "-q")
    assert result.returncode == 3 and "is a symlink" in result.stderr, result.stderr  # could not build
    assert target.read_text() == "keep me\n"
    assert not run_folders(tmp_path / "out")


def test_a_lock_file_that_is_a_hard_link_is_refused_and_its_target_untouched(tmp_path):
    config = write_config(tmp_path, TINY_ZH)
    target = _precious(tmp_path)
    (tmp_path / "out").mkdir()
    os.link(target, tmp_path / "out" / ".kcz-build.lock")
    result = run_kcz("--config", config, "build", "-q")
    assert result.returncode == 3 and "hard link" in result.stderr, result.stderr
    assert target.read_text() == "keep me\n"


@pytest.fixture
def first_run(tmp_path):
    config = write_config(tmp_path, TINY_ZH)
    assert kcz(config) == 0
    return config, tmp_path / "out", run_folders(tmp_path / "out")[0]


def test_a_report_file_replaced_by_a_symlink_is_not_carried_into_the_new_run(first_run, tmp_path):
    config, out, run = first_run
    secret = tmp_path / "secret.html"
    secret.write_text("SECRET of another file\n")
    planted = run / "tiny_report-zh.html"
    planted.unlink()
    planted.symlink_to(secret)

    assert kcz(config) == 0
    new = out / "latest"
    assert os.readlink(new) != run.name
    assert statuses(new) == {"tiny_report-zh": "ok"}  # executed again, not reused
    for path in new.iterdir():
        assert not path.is_symlink(), path.name
        assert "SECRET" not in shared_text(path), path.name


def test_a_run_folder_replaced_by_a_symlink_is_not_used_as_a_cache(first_run, tmp_path):
    config, out, run = first_run
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.move(run, elsewhere / run.name)
    (out / run.name).symlink_to(elsewhere / run.name)
    (elsewhere / run.name / "tiny_report-zh.html").write_text("FORGED\n")

    assert kcz(config) == 0
    new = run_folders(out)[0]
    assert new.name != run.name and statuses(new) == {"tiny_report-zh": "ok"}
    assert "FORGED" not in (new / "tiny_report-zh.html").read_text(encoding="utf-8")


def test_a_latest_that_is_a_real_folder_is_refused_before_anything_runs(tmp_path):
    config = write_config(tmp_path, TINY_ZH)
    (tmp_path / "out" / "latest").mkdir(parents=True)
    (tmp_path / "out" / "latest" / "mine.txt").write_text("mine\n")
    result = run_kcz("--config", config, "build", "-q")
    assert result.returncode == 3 and "latest" in result.stderr and "not a symlink" in result.stderr
    assert (tmp_path / "out" / "latest" / "mine.txt").read_text() == "mine\n"
    assert not run_folders(tmp_path / "out")


def test_a_report_under_another_name_is_built_with_its_own_files(tmp_path):
    # same notebook and parameters, new name: the pages print their name, so no reuse
    config = write_config(tmp_path, TINY_ZH)
    assert kcz(config) == 0
    config = write_config(tmp_path, [{"notebook": "tiny_report", "langs": ["zh"], "name": "renamed"}])
    assert kcz(config) == 0
    run = run_folders(tmp_path / "out")[0]
    assert statuses(run) == {"renamed-zh": "ok"}
    assert all((run / f).is_file() for f in manifest(run)["reports"][0]["files"])
