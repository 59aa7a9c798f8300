"""Showing an output in the running IPython kernel: the one place that checks for one.

In plain Python (a test, a script) there is no kernel and nothing is shown. Output
metadata `{"kcz": {"part": ...}}` tells the reader page where an output belongs.
"""

from __future__ import annotations


def part_metadata(part: str | None) -> dict | None:
    """Output metadata telling the reader page where an output belongs.

    Args:
        part: "title", "appendix", or None (the body).

    Returns:
        `{"kcz": {"part": part}}`, or None for the body.
    """
    return {"kcz": {"part": part}} if part else None


def show(obj, metadata: dict | None = None, *, as_html: bool = False, raw: bool = False) -> None:
    """Display `obj` in the running IPython kernel; do nothing outside one.

    Args:
        obj: a Markdown string, a matplotlib figure, an HTML string (`as_html`), or a
            MIME bundle dict (`raw`).
        metadata: output metadata (see `part_metadata`).
        as_html: show the string `obj` as HTML instead of Markdown.
        raw: `obj` is a MIME bundle ({mime type: data}), displayed as is.
    """
    try:
        from IPython import get_ipython
        from IPython.display import HTML, Markdown, display
    except ImportError:  # plain Python: nothing to show
        return
    if get_ipython() is None:
        return
    if raw:
        display(obj, raw=True)
    elif as_html:
        display(HTML(obj), metadata=metadata)
    else:
        display(Markdown(obj) if isinstance(obj, str) else obj, metadata=metadata)
