"""Writing Markdown safely: every value that comes from evidence goes through here.

A name, a title or a decision is text, never markup: ``text()`` escapes HTML and every
character Markdown (and the extensions the site enables) would act on, so a value
such as ``<img onerror=...>`` or ``*[x]: y`` shows as written. Links are only made
to our own pages (relative ``.md`` paths that MkDocs checks in a strict build) and
to ``http``/``https`` addresses.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
_SPACE = re.compile(r"\s+")
_BACKTICKS = re.compile(r"`+")
_URL = re.compile(r"https?://[^\s]+\Z", re.IGNORECASE)


def text(value: object) -> str:
    """Evidence text as inline Markdown that renders exactly as written, on one line."""
    if value is None:
        return ""
    flat = _SPACE.sub(" ", str(value)).strip()
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))


def titled(value: object) -> str:
    """Our own text with `code` in backticks (a rule's title): the code as code, the rest as :func:`text`."""
    parts = str(value).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: all of it is text
        return text(value)
    return "".join(code(part) if index % 2 else _spaced(part) for index, part in enumerate(parts))


def _spaced(part: str) -> str:
    """:func:`text`, keeping a space at either end (it stands beside a code span)."""
    lead = " " if part[:1].isspace() else ""
    trail = " " if part[-1:].isspace() and part.strip() else ""
    return f"{lead}{text(part)}{trail}"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 warning``, ``2 warnings``; ``nouns`` where the plural is not ``noun + s``."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def code(value: object) -> str:
    """A code span (paths, ids): literal, whatever it contains."""
    flat = _SPACE.sub(" ", str(value)).strip().replace("|", "\u00a6")
    if not flat:
        return ""
    fence = "`" * (max((len(m) for m in _BACKTICKS.findall(flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def relative(from_page: str, to_page: str) -> str:
    """The link from one generated page to another (both paths of ``.md`` files)."""
    target, _, anchor = to_page.partition("#")
    here, there = from_page.split("/")[:-1], target.split("/")
    common = 0  # posixpath.relpath, without its calls to the file system's current folder
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    link = "/".join([".."] * (len(here) - common) + there[common:])
    return f"{link}#{anchor}" if anchor else link


def link(label: str, href: str) -> str:
    """``label`` is Markdown already (use ``text()``); ``href`` one of our relative paths."""
    return f"[{label}]({quote(href, safe='/#.-_~')})"


def external(url: str | None, label: str | None = None) -> str:
    """A link to an http(s) address, or the value shown as code when it is anything else."""
    if not url:
        return ""
    if _URL.match(url.strip()):
        safe = quote(url.strip(), safe=":/?#@!$&'*+,;=%~-._")
        return f"[{text(label or url)}]({safe})"
    return code(url)


def heading(level: int, value: str, anchor: str | None = None) -> str:
    attributes = f" {{#{anchor}}}" if anchor else ""
    return f"{'#' * level} {value}{attributes}"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], empty: str = "None.") -> str:
    """A pipe table; cells are Markdown already. An empty table is a sentence."""
    body = [row for row in rows]
    if not body:
        return f"*{empty}*" if empty else ""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += [
        "| " + " | ".join(_LEADING_DATE.sub(_unbroken, cell) if cell else " " for cell in row) + " |" for row in body
    ]
    return "\n".join(lines)


#: A date that opens a cell (alone, linked, or before a mark): it is kept on one line when cells wrap.
_LEADING_DATE = re.compile(r"\A(\[?)(\d{4}-\d{2}-\d{2})(?=[\] ]|\Z)")


def _unbroken(match: re.Match[str]) -> str:
    return f'{match.group(1)}<span class="brm-nowrap">{match.group(2)}</span>'


def bullets(items: Iterable[str], empty: str = "None.") -> str:
    lines = [f"- {item}" for item in items]
    return "\n".join(lines) if lines else f"*{empty}*"


def box(kind: str, title: str, body: str) -> str:
    """A Material admonition; ``title`` is plain text, ``body`` Markdown."""
    indented = "\n".join(("    " + line) if line.strip() else "" for line in body.split("\n"))
    safe_title = title.replace('"', "'")
    return f'!!! {kind} "{safe_title}"\n\n{indented}\n'


def anchor(value: str) -> str:
    """A stable HTML id for a record on a register page (``ACT-0042`` -> ``act-0042``)."""
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "record"


def target(anchor_id: str) -> str:
    """An empty element carrying an id, so a row of a table can be linked to."""
    return f'<span id="{html.escape(anchor_id)}"></span>'


def nowrap(markdown: str) -> str:
    """Keep a short phrase (a date with its label) on one line in a narrow table cell."""
    return f'<span class="brm-nowrap">{markdown}</span>'


def mark(state: str, label: str | None = None) -> str:
    """A status mark that does not rely on colour: a symbol and a word."""
    symbol, word = _MARKS[state]
    return f'<span class="brm-mark brm-{state}">{symbol} {html.escape(label or word)}</span>'


_MARKS = {
    "ok": ("\u2714", "on time"),
    "due": ("\u25f7", "due soon"),
    "warning": ("\u26a0", "warning"),
    "overdue": ("\u2716", "overdue"),
    "error": ("\u2716", "error"),
    "none": ("\u2013", "none"),
    "waived": ("\u2713", "waived"),
    "met": ("\u2714", "met"),
    "missed": ("\u2716", "missed"),
    "open": ("\u25cb", "open"),
    "closed": ("\u25cf", "closed"),
}
