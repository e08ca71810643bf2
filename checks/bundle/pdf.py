"""``bundle.pdf``: the bundle's document printed to A4 by headless Chromium, through Playwright.

The same browser the tests drive: ``BRM_CHROMIUM`` names its executable, else Debian's
``/usr/bin/chromium`` or the first Chromium or Chrome on the ``PATH``, else the browser
Playwright installed itself (``playwright install chromium``). JavaScript is off, every
request is refused, and the page is the document as a string: nothing is fetched.

Chromium stamps the time into the PDF (its creation and modification dates); they are
set to the bundle's own date, in place and at the same length, so the same document
gives the same PDF.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import UTC, datetime

from .build import BundleError

#: Where a Chromium is looked for when ``BRM_CHROMIUM`` is not set.
CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
ARGUMENTS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
_PDF_DATE = re.compile(rb"\(D:\d{14}[^()\\]{0,8}\)")


def chromium() -> str | None:
    """The Chromium executable to use, or None (Playwright's own browser may still be there)."""
    chosen = os.environ.get("BRM_CHROMIUM")
    if chosen:
        return chosen
    for candidate in CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def render(html: str, when: datetime) -> bytes:
    """The document as an A4 PDF, dated ``when`` (or a one-line BundleError: no Playwright, no Chromium)."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise BundleError(
            "--pdf needs Playwright: install it with pip install 'brm-evidence[pdf]' (it drives a Chromium "
            "you already have; set BRM_CHROMIUM to its executable)"
        ) from None
    executable = chromium()
    chosen = os.environ.get("BRM_CHROMIUM")
    if chosen and not (os.path.isfile(chosen) and os.access(chosen, os.X_OK)):
        raise BundleError(f"--pdf: BRM_CHROMIUM is {chosen!r}, which is not an executable file: point it at Chromium")
    try:
        with sync_playwright() as playwright:
            try:
                browser = playwright.chromium.launch(executable_path=executable, args=ARGUMENTS)
            except Error:
                raise BundleError(
                    "--pdf needs Chromium, and none could be started: install it (apt-get install chromium), "
                    "or set BRM_CHROMIUM to a Chromium or Chrome executable"
                ) from None
            try:
                context = browser.new_context(java_script_enabled=False, offline=True)
                page = context.new_page()
                page.route("**/*", lambda route: route.abort())
                page.set_content(html, wait_until="load")
                page.emulate_media(media="print")
                data = page.pdf(format="A4", print_background=True, prefer_css_page_size=True, outline=True)
            finally:
                browser.close()
    except Error as error:
        first = (str(error).strip().splitlines() or ["unknown error"])[0][:200]
        raise BundleError(f"--pdf: Chromium could not print the document ({first})") from None
    return dated(data, when)


def dated(data: bytes, when: datetime) -> bytes:
    """The PDF with its date stamps set to ``when`` (UTC); a stamp of another length is left as it is.

    Chromium writes ``(D:20261202003701+00'00')``; the same length keeps every offset
    in the cross-reference table right.
    """
    fixed = f"(D:{when.astimezone(UTC):%Y%m%d%H%M%S}+00'00')".encode()

    def replace(match: re.Match[bytes]) -> bytes:
        return fixed if len(match.group()) == len(fixed) else match.group()

    return _PDF_DATE.sub(replace, data)
