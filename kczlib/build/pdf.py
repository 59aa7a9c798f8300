"""`kcz build --pdf`: a PDF of each reader page, printed by headless Chromium.

The page's print stylesheet does the layout (A4, navigation hidden, appendix unfolded);
Chromium's own `--print-to-pdf` writes the file. No Chromium, no PDFs: the build says
so and carries on, since the HTML pages are the publication.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

PDF_TIMEOUT = 120  # seconds per page


def find_chromium() -> str | None:
    """`$KCZ_CHROMIUM` if set (and present), else `chromium` or `chromium-browser` on PATH."""
    configured = os.environ.get("KCZ_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def print_to_pdf(chromium: str, page: Path, pdf: Path) -> None:
    """Print `page` (an HTML file) to `pdf`. Raises RuntimeError with Chromium's message."""
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--no-pdf-header-footer",
               f"--print-to-pdf={pdf}", page.resolve().as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=PDF_TIMEOUT)
    if done.returncode != 0 or not pdf.is_file():
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"Chromium could not print {page.name}: {tail[0]}")


def write_pdfs(folder: Path, names: list[str], say) -> list[str]:
    """`<name>.pdf` beside each `<name>.html` in `folder`; returns the PDFs written.

    `say(text)` reports progress and, when there is no Chromium, says that no PDF is made.
    """
    chromium = find_chromium()
    if chromium is None:
        say("kcz: --pdf: no Chromium found (install chromium or set KCZ_CHROMIUM); no PDF written")
        return []
    written = []
    for name in names:
        try:
            print_to_pdf(chromium, folder / f"{name}.html", folder / f"{name}.pdf")
            written.append(f"{name}.pdf")
        except (RuntimeError, subprocess.TimeoutExpired, OSError) as exc:
            say(f"kcz: --pdf: {exc}")
    say(f"kcz: --pdf: {len(written)} PDF(s) written")
    return written
