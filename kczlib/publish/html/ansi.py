r"""Terminal escape sequences in notebook outputs: gone from everything kcz shares.

IPython colours its tracebacks with CSI `ESC[...m` codes, and libraries print more:
OSC 8 hyperlinks (`ESC]8;;URL ESC\ text ESC]8;; ESC\`, also ended by BEL), window
titles, DCS/SOS/PM/APC strings, single-character ESC sequences and 8-bit C1 controls.
nbconvert's ansi2html turns only CSI colour codes (SGR) into HTML and leaves the rest as
raw characters, which a reader sees as `]8;;https://...` with boxes for the ESC.

The sequences are recognised by `ansistrip` (a maintained ECMA-48 grammar: CSI; OSC
ended by BEL, `ESC \` or C1 ST; DCS/SOS/PM/APC ended by ST; Fe, nF, Fp and Fs escapes;
bare C1 controls), not by a pattern of kcz's own. What a sequence only marks up stays:
the text of an OSC 8 link is kept, its address and escapes are dropped.

Where: `strip_ansi` for plain text (the index's error box, the manifest `summary`),
`clean_notebook_escapes` on a notebook's outputs before export, which keeps SGR colour
codes so the analyst page still shows IPython's coloured traceback (nbconvert renders
them as coloured spans) and drops every other sequence. A lone ESC that starts no
sequence is dropped as well, so no ESC character reaches a page.
"""

from __future__ import annotations

import re

# ansistrip's compiled grammar (what its ansi_strip applies), to keep SGR matches when asked
from ansistrip.ansistrip import ansi_escape

SGR = re.compile(r"\x1b\[[0-9;]*m")  # Select Graphic Rendition (colours, bold), as nbconvert reads it
ESCAPES = re.compile("[\x1b\x80-\x9f]")  # where any sequence starts (ESC or a C1 control)
LONE_ESC = re.compile(r"\x1b(?!\[[0-9;]*m)")  # an ESC left over that starts no SGR code


def strip_ansi(text: str, keep_colours: bool = False) -> str:
    """`text` without terminal escape sequences (see the module doc).

    Args:
        text: The text; non-str input is returned as is.
        keep_colours: Keep SGR colour codes (`ESC[31m`) for nbconvert to render.

    Returns:
        The text without the sequences.
    """
    if not isinstance(text, str) or not ESCAPES.search(text):
        return text
    if keep_colours:
        cleaned = ansi_escape.sub(lambda m: m.group() if SGR.fullmatch(m.group()) else "", text)
        return LONE_ESC.sub("", cleaned)
    return ansi_escape.sub("", text).replace("\x1b", "")


def clean_notebook_escapes(nb) -> None:
    """Drop every terminal escape sequence but SGR colours from `nb`'s outputs, in place.

    Cleaned are stream text, error tracebacks and values, and plain-text results.

    Args:
        nb: The executed notebook.
    """
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) or []:
            kind = out.get("output_type")
            if kind == "stream":
                out["text"] = _clean(out.get("text", ""))
            elif kind == "error":
                out["traceback"] = [_clean(line) for line in out.get("traceback", []) or []]
                out["evalue"] = strip_ansi(out.get("evalue", ""))
                out["ename"] = strip_ansi(out.get("ename", ""))
            elif kind in ("execute_result", "display_data") and "text/plain" in (out.get("data") or {}):
                out["data"]["text/plain"] = _clean(out["data"]["text/plain"])


def _clean(text):
    if isinstance(text, list):
        return [strip_ansi(t, keep_colours=True) for t in text]
    return strip_ansi(text, keep_colours=True)
