"""Evidence Markdown -> safe HTML, and contact details withheld from what is published.

Minutes and survey results arrive by pull request: their Markdown is untrusted. It is
rendered by cmark-gfm, the engine GitHub renders the file with in the pull request
(tables, strikethrough, autolinks, task lists as boxes ticked or not, which cannot be changed),
some thirty times faster than python-markdown, and then always passed through nh3
(ammonia), whatever BRM005 said and whether or not it was waived: no script, no event handler, no
iframe or object, no ``javascript:``/``data:`` link, and no image (an image would
fetch from another host, or 404 on ours) ever reaches a page.
"""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

#: What a rendered evidence body may contain: text structure, tables, code, links.
TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt",
        "em", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "ol", "p", "pre", "q",
        "s", "samp", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "u", "ul", "var", "input",
    }
)  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align", "colspan", "rowspan"},
              "td": {"align", "colspan", "rowspan"}, "ol": {"start"}, "input": {"checked"}}  # fmt: skip
#: Every input left is a task list's box: a checkbox nobody can tick (whatever the evidence wrote).
FORCED = {"input": {"type": "checkbox", "disabled": ""}}
#: A cleaned input (nh3 leaves it no attribute but these three), written again with an accessible name.
_INPUT = re.compile(r'<input(?: (?:type="checkbox"|disabled=""|checked=""))*>')
#: Tags removed with everything inside them (the rest only lose the tag).
DROP_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"})

_EXTENSIONS = ["table", "strikethrough", "autolink", "tasklist"]

_HEADING = re.compile(r"<(/?)h([1-6])\b")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

#: The "@" of an e-mail address, however a page, a link or an entity spells it.
_AT = re.compile(r"@|%40|&#0*64;|&#[xX]0*40;|&commat;|\uff20|\ufe6b")
#: The local part, matched backwards from the "@" (on the reversed text), and the domain after it.
_LOCAL = re.compile(r"[\w.%+-]+")
_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
#: Between the digits of a phone number: spaces (a no-break space too, as HTML writes it), dots,
#: dashes, slashes, brackets.
_PHONE_GAP = r"(?:[\s()./-]|&nbsp;|&#0*160;|&#[xX]0*[aA]0;)"
_PHONE_LIKE = re.compile(rf"\+?\(?\d(?:{_PHONE_GAP}*\d){{5,}}")
_ENTITY = re.compile(r"&[#\w]+;")
_DIGIT_OR_ENTITY = re.compile(r"&[#\w]+;|\d")
_NOT_DIGIT = re.compile(r"\D")
_MIN_DIGITS = 6
_TAIL = 9
#: Digits a number may carry before the known ones: a country code and a trunk zero ("+44 (0)").
_PREFIX = 4
EMAIL_WITHHELD = "[e-mail withheld]"
PHONE_WITHHELD = "[phone withheld]"


def _digits(run: str) -> str:
    """The digits of a phone-like run, as ASCII (a number may be written in any script's digits)."""
    digits = _NOT_DIGIT.sub("", _ENTITY.sub("", run))
    return digits if digits.isascii() else "".join(str(int(d)) for d in digits)


def withhold_emails(text: str) -> str:
    r"""Every e-mail address in ``text`` replaced, in time linear in its length.

    A regular expression that starts a match at every character (``[\w.]+@...``) tries
    the whole run of local-part characters again from each of them: quadratic on a long
    run without a valid domain (``'a.' * 100000 + '@b'``). Instead each "@" is found
    once, and the local part is read backwards from it (never past the previous "@")
    and the domain forwards (never past the next): every character is read a bounded
    number of times.
    """
    found = [at.span() for at in _AT.finditer(text)]
    if not found:
        return text
    backwards = text[::-1]
    size = len(text)
    pieces: list[str] = []
    kept = 0  # text[:kept] is in pieces
    bound = 0  # the local part never reaches back past here
    for index, (start, end) in enumerate(found):
        if start < kept:
            continue  # inside an address already withheld
        following = found[index + 1][0] if index + 1 < len(found) else size
        local = _LOCAL.match(backwards, size - start, size - bound)
        domain = _DOMAIN.match(text, end, following)
        bound = end
        if local is None or domain is None:
            continue
        pieces += [text[kept : size - local.end()], EMAIL_WITHHELD]
        kept = bound = domain.end()
    pieces.append(text[kept:])
    return "".join(pieces)


def _box(match: re.Match[str]) -> str:
    """A task list's box, ticked or not, named for screen readers."""
    if 'checked=""' in match.group():
        return '<input type="checkbox" checked="" disabled="" aria-label="done">'
    return '<input type="checkbox" disabled="" aria-label="not done">'


class Redactor:
    """Withholds e-mail addresses and the phone numbers of people in the registers.

    Unless contacts are published, every e-mail address (of anyone: a representative
    can be named in prose) and every phone number the registers hold, however it is
    spaced or written (``+44 20 7946 0101``, ``020/7946/0101``, ``(20) 7946-0101``),
    is replaced. It reads plain text and HTML alike (an "@" written ``%40`` in a link or
    ``&#64;``, a no-break space written ``&nbsp;``), so it is applied once, to what is
    published (see ``plugin``): each page's HTML with its titles, before the theme and the
    search index take it; the calendar; the paths of pages made from file names.
    """

    def __init__(self, publish_contacts: bool, phones: Iterable[str] = ()) -> None:
        self.publish_contacts = publish_contacts
        # The numbers inside each register value: "+44 20 7946 0101 (mobile)" holds one.
        digits = {_digits(run.group()) for phone in phones if phone for run in _PHONE_LIKE.finditer(phone)}
        self._phones = {d for d in digits if len(d) >= _MIN_DIGITS}
        # A number written without its country code still ends with the same subscriber digits.
        self._tails = {d[-_TAIL:] for d in self._phones if len(d) >= _TAIL}
        self._lengths = sorted({len(d) for d in self._phones} | ({_TAIL} if self._tails else set()))
        # Only runs with as many digits as the shortest known number are looked at (not dates). A run is
        # tried from its first digit (or the "+" or "(" before it), never again from a digit inside it,
        # which has fewer digits after it; the opening character class lets the engine skip in C to the
        # next place a run can start. It finds exactly the runs "\+?\(?\d(?:GAP*\d){n,}" finds, a third
        # faster on a page full of dates.
        shortest = self._lengths[0] if self._lengths else _MIN_DIGITS
        self._runs = re.compile(
            rf"[+(\d](?:(?<=\+)\(?\d|(?<=\()\d|(?<=\d)(?<!\d\d))(?:{_PHONE_GAP}*+\d){{{shortest - 1},}}"
        )
        # Every known number and subscriber tail in one pattern: whether a run holds one is one search in C.
        known = sorted(self._phones | self._tails, key=lambda d: (-len(d), d))
        self._known = re.compile("|".join(known)) if known else None

    def __call__(self, text: str) -> str:
        if self.publish_contacts or not text:
            return text
        text = withhold_emails(text)
        if self._phones:
            text = self._runs.sub(self._phone, text)
        return text

    def _phone(self, match: re.Match[str]) -> str:
        """The run with each known number in it withheld, and the dates or numbers beside it kept."""
        run = match.group()
        digits = _digits(run)
        if len(digits) < _MIN_DIGITS or self._known is None or self._known.search(digits) is None:
            return run  # nearly every run: a date, an amount
        positions = [m.start() for m in _DIGIT_OR_ENTITY.finditer(run) if m.group().isdigit()]
        pieces, kept, index = [], 0, 0
        while index < len(digits):
            length = self._known_at(digits, index)
            if length is None:
                index += 1
                continue
            # The number's whole digit groups, and its country or trunk prefix ("+44 (0)").
            start = max(kept, 0 if index <= _PREFIX else positions[index])
            while start > kept and run[start - 1].isdigit():
                start -= 1
            if start > kept and run[start - 1] in "+(":
                start -= 1
            end = positions[index + length - 1] + 1
            while end < len(run) and run[end].isdigit():
                end += 1
            pieces += [run[kept:start], PHONE_WITHHELD]
            kept = end
            index = bisect_left(positions, end)
        return "".join([*pieces, run[kept:]]) if pieces else run

    def _known_at(self, digits: str, index: int) -> int | None:
        """The length of a known number (or its subscriber digits) starting at ``digits[index]``."""
        for length in self._lengths:
            window = digits[index : index + length]
            if len(window) == length and (window in self._phones or (length == _TAIL and window in self._tails)):
                return length
        return None


class EvidenceRenderer:
    """Render evidence Markdown to sanitised HTML that can be embedded in a page.

    ``repository_link(path)`` turns a repository path into an absolute URL (a file at
    the site's commit), or ``None``; relative links in a body are resolved against
    the document's folder and sent there, or lose their target.
    """

    def __init__(
        self,
        publish_contacts: bool = False,
        repository_link: Callable[[str], str | None] = lambda _path: None,
        heading_shift: int = 2,
    ) -> None:
        self.repository_link = repository_link
        self.heading_shift = heading_shift
        schemes = {"http", "https"} | ({"mailto"} if publish_contacts else set())
        self._document = ""
        self._cleaner = nh3.Cleaner(
            tags=set(TAGS),
            clean_content_tags=set(DROP_WITH_CONTENT),
            attributes={k: set(v) for k, v in ATTRIBUTES.items()},
            attribute_filter=self._attribute,
            set_tag_attribute_values={tag: dict(values) for tag, values in FORCED.items()},
            url_schemes=schemes,
            link_rel="noopener noreferrer nofollow",
            strip_comments=True,
        )

    def render(self, text: str, path: str) -> str:
        """HTML of one evidence body; ``path`` is the document's repository path."""
        # Raw HTML is passed on (UNSAFE) for nh3 to judge, tag by tag: the one sanitiser.
        html = cmarkgfm.markdown_to_html_with_extensions(text, options=Options.CMARK_OPT_UNSAFE, extensions=_EXTENSIONS)
        if self.heading_shift:
            html = _HEADING.sub(self._shift, html)
        self._document = path
        cleaned = self._cleaner.clean(html).strip()
        return _INPUT.sub(_box, cleaned) if "<input" in cleaned else cleaned

    def _shift(self, match: re.Match[str]) -> str:
        return f"<{match.group(1)}h{min(6, int(match.group(2)) + self.heading_shift)}"

    def _attribute(self, element: str, attribute: str, value: str) -> str | None:
        if element != "a" or attribute != "href":
            return value
        target = value.strip()
        if _SCHEME.match(target) or target.startswith(("//", "#")):
            return target  # nh3 keeps only the allowed schemes
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(self._document), target.split("#", 1)[0]))
        if resolved.startswith(".."):
            return None
        return self.repository_link(resolved)
