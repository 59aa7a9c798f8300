"""Showing an output in the running IPython kernel: the one place that checks for one.

In plain Python (a test, a script) there is no kernel and nothing is shown. Output
metadata `{"kcz": {"part": ...}}` tells the reader page where an output belongs.

A section heading may be held (`hold_heading`): it is shown just before the next output,
so a heading with nothing under it (every section of it left out) never reaches the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Held:
    level: int
    markdown: str
    metadata: dict | None
    shown: Callable[[], None]  # told when the heading is shown (the report's record of what it showed)


_held: list[_Held] = []


def hold_heading(level: int, markdown: str, metadata: dict | None, shown: Callable[[], None]) -> None:
    """Hold a heading of `level` until something is shown under it (`show`).

    A held heading of the same or a lower rank (a level >= `level`) had nothing under it
    before this one: it is dropped.

    Args:
        level: 2 for a section, 3 for a subsection.
        markdown: the heading as Markdown ("## ...").
        metadata: its output metadata (`part_metadata`).
        shown: called when the heading is shown.
    """
    _held[:] = [h for h in _held if h.level < level]
    _held.append(_Held(level, markdown, metadata, shown))


def drop_held() -> None:
    """Forget the held headings: nothing was shown under them (a new report, or the body ended)."""
    _held.clear()


def release_held() -> None:
    """Show the held headings now (something is about to be shown under them)."""
    held = list(_held)
    _held.clear()
    for h in held:
        h.shown()
        _display(h.markdown, h.metadata)


def part_metadata(part: str | None) -> dict | None:
    """Output metadata telling the reader page where an output belongs.

    Args:
        part: "title", "appendix", or None (the body).

    Returns:
        `{"kcz": {"part": part}}`, or None for the body.
    """
    return {"kcz": {"part": part}} if part else None


def show(obj, metadata: dict | None = None, *, as_html: bool = False, raw: bool = False) -> None:
    """Display `obj` in the running IPython kernel (the held headings first); do nothing outside one.

    Args:
        obj: a Markdown string, a matplotlib figure, an HTML string (`as_html`), or a
            MIME bundle dict (`raw`: data for the builder, which shows no held heading).
        metadata: output metadata (see `part_metadata`).
        as_html: show the string `obj` as HTML instead of Markdown.
        raw: `obj` is a MIME bundle ({mime type: data}), displayed as is.
    """
    if not raw:
        release_held()
    _display(obj, metadata, as_html=as_html, raw=raw)


def show_png(png_base64: str, text: str, metadata: dict | None) -> None:
    """Display a PNG the caller drew (the held headings first); do nothing outside a kernel.

    A report draws its charts' PNGs itself (`theme.inline_png`), so it can check what the
    drawing warned of; the output is what IPython's own figure display would give.

    Args:
        png_base64: the PNG's bytes, base64 encoded.
        text: its text/plain form (a figure's repr).
        metadata: output metadata (see `part_metadata`).
    """
    release_held()
    _display({"image/png": png_base64, "text/plain": text}, metadata, raw=True)


def show_note(markdown: str, display_id: str, *, update: bool) -> None:
    """Show Markdown in the body before any held heading, or update it where it was first shown.

    The one sentence naming the sections a report leaves out is shown at the first one left
    out and updated as more are (`display_id`), without showing the held headings.

    Args:
        markdown: the text.
        display_id: the output's id for updates.
        update: replace the output first shown under `display_id` (else show it now).
    """
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display, update_display
    except ImportError:  # plain Python: nothing to show
        return
    if get_ipython() is None:
        return
    if update:
        update_display(Markdown(markdown), display_id=display_id)
    else:
        display(Markdown(markdown), display_id=display_id)


def _display(obj, metadata: dict | None = None, *, as_html: bool = False, raw: bool = False) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import HTML, Markdown, display
    except ImportError:  # plain Python: nothing to show
        return
    if get_ipython() is None:
        return
    if raw:
        display(obj, raw=True, metadata=metadata)
    elif as_html:
        display(HTML(obj), metadata=metadata)
    else:
        display(Markdown(obj) if isinstance(obj, str) else obj, metadata=metadata)
