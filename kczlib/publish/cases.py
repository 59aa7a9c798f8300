"""The one module of the publish layer that reads case data: a case's metadata and the case list.

The builder does not import the data layer at import time (kczlib/publish/__init__.py);
what it needs of the cases (the index and page headers show a case's title and period, a
sweep's `a known case` values are checked before any kernel starts, a case whose data
`kcz validate` refuses fails its reports before any kernel starts) it reads here, at run
time, through `kczlib.data.cases`, the one reader of `case.json` (UTF-8 with or without a
BOM; a case is a name, never a path), and `kczlib.data.validate`. tests/test_layers.py allows
this module, and no other of publish, to import those two.
"""

from __future__ import annotations

from kczlib.errors import KczError


def get_case(case):
    """The case named `case`, as the data layer reads it (`kczlib.data.cases.get_case`).

    Args:
        case: a case name (any value: only a known case name is found).

    Returns:
        The data layer's Case (`meta`, `path(name)`).

    Raises:
        KczError: not a readable case (unknown name, a path, a broken case.json).
    """
    from kczlib.data.cases import get_case as read_case  # run time only: see the module doc

    return read_case(case)


def known_cases() -> list[str]:
    """The names of the case folders, sorted (`kczlib.data.cases.list_cases`)."""
    from kczlib.data.cases import list_cases  # run time only: see the module doc

    return list_cases()


def folders_without_a_case() -> list[str]:
    """Folders under data/cases that hold no case.json (so no report reads them), sorted.

    `kcz build` warns of each: the comparison of every case would otherwise leave one out
    without a word (a case folder still being filled, or its case.json deleted by mistake).
    """
    from kczlib.data.cases import case_folder_names, list_cases  # run time only: see the module doc

    known = set(list_cases())
    return [name for name in case_folder_names() if name not in known]


def prose_digit_errors(meta, meta_path, langs):
    """The data layer's errors of digits typed into case.json prose (`kczlib.data.cases.prose_digit_errors`).

    Args:
        meta: the case's metadata (`get_case(case).meta`).
        meta_path: its case.json (a Path), which the errors name.
        langs: the languages to check, e.g. ("zh",).

    Returns:
        A list of DataError, one per `summary`/`publication` field and language with a digit.
    """
    from kczlib.data.cases import prose_digit_errors as errors_of  # run time only: see the module doc

    return errors_of(meta, meta_path, tuple(langs))


def data_problem(case) -> str | None:
    """Why `kcz validate` refuses the case named `case`, in one line; None if it does not.

    The same check each report makes when it starts (`kczlib.data.validate.require_valid`),
    made once in the builder so that a broken case fails its reports before any kernel starts.

    Args:
        case: a report's case parameter (any value).

    Returns:
        The refusal (file, line, column, reason, how many more problems, `kcz validate CASE`),
        or None: the case's data is valid, or `case` is no known case name (the report's own
        parameter check then says so, with the known names).
    """
    from kczlib.data.validate import require_valid  # run time only: see the module doc
    if not isinstance(case, str) or case not in known_cases():
        return None
    try:
        require_valid(case)
    except KczError as exc:  # a refused row, a broken table or case.json
        return str(exc).strip().splitlines()[0]
    return None


def refuse_missing_data_folder() -> None:
    """Refuse a data folder without `cases/` before a build starts (`kczlib.data.cases.missing_data_folder`).

    Raises:
        ConfigError: the folder (named, with `$KCZ_DATA` when set) does not exist or has no `cases/`.
    """
    from kczlib.data.cases import missing_data_folder  # run time only: see the module doc
    from kczlib.errors import ConfigError

    if problem := missing_data_folder():
        raise ConfigError(problem)
