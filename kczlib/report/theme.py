"""The chart theme: seaborn whitegrid, the colour-blind palette, the CJK font, PNG at DPI.

    >>> from kczlib.report import theme
    >>> theme.set_theme("zh")
    >>> theme.cjk_font_name()
    'Noto Sans CJK SC'

Imported explicitly (`from kczlib.report import theme`) so that `import kczlib` stays
free of matplotlib. The drawing functions are in `kczlib.report.plots`; the report's
chart methods and source lines in `kczlib.report.charts`.

Fonts are looked up when a figure is drawn, not when it is built, so `set_theme`
changes global rcParams rather than offering a temporary context.
"""

from __future__ import annotations

import importlib.resources
import io
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import matplotlib as mpl
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager

from kczlib.contract import CJK_FONT_FILE
from kczlib.report.chart_words import check_lang

DPI = 110  # sharp enough on screen, small enough to keep the HTML reports light
NARROW_DPI = 200  # the phone rendition: 3.8 in x 200 = 760 px, about twice the 390 CSS px it is shown at
MIN_TEXT_KEY = "kcz-min-text-pt"  # PNG text chunk: the smallest text drawn, in points
_MISSING_GLYPH = re.compile(r"Glyph .* missing from (font|current font)")
FALLBACK_FONTS = ("DejaVu Sans",)  # ships with matplotlib: subscripts, arrows, symbols


def palette() -> list[tuple[float, float, float]]:
    """The colour-blind-safe palette every chart draws from."""
    return sns.color_palette("colorblind")


def cjk_font_path() -> Path:
    """The Noto Sans CJK SC file shipped by the `mplfonts` package."""
    path = Path(str(importlib.resources.files("mplfonts") / "fonts" / CJK_FONT_FILE))
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; reinstall the mplfonts package")
    return path


@cache
def cjk_font_name() -> str:
    """Register the CJK font with matplotlib (once) and return its family name.

    Registering the file directly avoids depending on a stale font cache.
    """
    path = cjk_font_path()
    fontManager.addfont(str(path))
    return FontProperties(fname=path).get_name()


def set_theme(lang: str = "zh") -> None:
    """Seaborn whitegrid + colour-blind palette, the CJK font, PNG figures at DPI.

    The CJK font is used for English charts too, so Chinese proper names render.
    `font.family` lists the fonts themselves, not the generic "sans-serif": matplotlib
    (>= 3.6) falls back glyph by glyph only along that list, so a character the CJK font
    lacks (₂ in CO₂) is drawn from DejaVu Sans instead of as a box (FALLBACK_FONTS).
    """
    check_lang(lang)
    sns.set_theme(style="whitegrid", palette="colorblind")
    # After seaborn: its set_theme resets font.sans-serif to a list without CJK.
    mpl.rcParams.update(
        {
            "font.family": [cjk_font_name(), *FALLBACK_FONTS],
            "font.sans-serif": [cjk_font_name(), *FALLBACK_FONTS],
            "axes.unicode_minus": False,
            "text.parse_math": False,  # text from data ($, \frac) is drawn as written, never as math
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
        }
    )
    _inline_png()


def _inline_png() -> None:
    # SVG would embed every CJK glyph outline; PNG keeps reports small.
    try:
        from IPython import get_ipython
    except ImportError:
        return
    if get_ipython() is None:  # set_matplotlib_formats would create a shell otherwise
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("png")


def smallest_text_pt(fig: Figure, *, drawn: bool = False) -> float:
    """The size in points of the smallest visible, non-empty text `fig` draws (0.0 if none).

    Titles, tick and axis labels, value labels, legends and the source line: every
    `matplotlib.text.Text` of the drawn figure. `drawn`: the figure has just been drawn
    (its ticks exist), so it is not drawn again.
    """
    from matplotlib.text import Text

    if not drawn:
        fig.draw_without_rendering()
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return float(min(sizes, default=0.0))


def png_base64(fig: Figure, dpi: float) -> str:
    """`fig` as a base64 PNG at `dpi`, trimmed to what it draws (as the notebook's inline PNGs are).

    The PNG has 256 colours (Pillow's quantiser), records its dpi (pHYs) and, in the text chunk
    MIN_TEXT_KEY, the size in points of its smallest text, so a test can work out how large that
    text is where the page shows it.

    Args:
        fig: the figure.
        dpi: pixels per inch.

    Returns:
        The PNG's bytes, base64 encoded (ASCII, no line breaks).
    """
    import base64

    from PIL import Image, PngImagePlugin

    drawn = io.BytesIO()
    # not compressed: it is decoded at once below (zlib took a third of this function's time)
    fig.savefig(drawn, format="png", dpi=dpi, bbox_inches="tight", pil_kwargs={"compress_level": 0})
    # 256 colours: a chart has a handful plus their anti-aliased edges, and the page stays light
    # (a third of the bytes of the full-colour PNG)
    image = Image.open(drawn).convert("RGB").quantize(colors=256)
    info = PngImagePlugin.PngInfo()
    info.add_text(MIN_TEXT_KEY, f"{smallest_text_pt(fig, drawn=True):g}")  # savefig drew it
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, dpi=(dpi, dpi), pnginfo=info)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def inline_png(fig: Figure) -> str:
    """`fig` as the base64 PNG IPython's inline figure display gives (at the figure's dpi, trimmed).

    Drawn by IPython's own `print_figure`, so the bytes are those `display(fig)` would show.
    """
    from IPython.core.pylabtools import print_figure

    return print_figure(fig, "png", bbox_inches="tight", base64=True) or ""


@contextmanager
def glyph_check() -> Iterator[list[str]]:
    """Collect the missing-glyph warnings of the drawing done inside (a list, filled on exit).

    Lets a report check the very drawing it shows, instead of drawing every chart once more
    only to look for warnings (`missing_glyph_warnings`). Other warnings pass on as usual.
    """
    found: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield found
    for w in caught:
        message = str(w.message)
        if _MISSING_GLYPH.search(message):
            if message not in found:
                found.append(message)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)


def missing_glyph_warnings(fig: Figure) -> list[str]:
    """Draw `fig` with Agg and return the missing-glyph warnings it raised (one each, in order)."""
    with glyph_check() as found:
        fig.savefig(io.BytesIO(), format="png")
    return found


__all__ = ["DPI", "FALLBACK_FONTS", "MIN_TEXT_KEY", "NARROW_DPI", "png_base64", "smallest_text_pt",
            "cjk_font_name", "cjk_font_path", "glyph_check", "inline_png", "missing_glyph_warnings", "palette",
            "set_theme"]
