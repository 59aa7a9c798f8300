"""ANSI colour codes, which IPython puts in tracebacks; plain text needs them gone."""

import re

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def strip_ansi(text: str) -> str:
    return ANSI.sub("", text)
