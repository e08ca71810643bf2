"""Evidence Markdown -> safe HTML, and contact details withheld from what is published.

Minutes and survey results arrive by pull request: their Markdown is untrusted. It is
rendered by cmark-gfm, the engine GitHub renders the file with in the pull request
(tables, strikethrough, autolinks; task-list boxes stay as written, `[ ]` and `[x]`),
some thirty times faster than python-markdown, and then always passed through nh3
(ammonia), whatever BRM005 said and whether or not it was waived: no script, no event handler, no
iframe or object, no ``javascript:``/``data:`` link, and no image (an image would
fetch from another host, or 404 on ours) ever reaches a page.
"""

from __future__ import annotations

import posixpath
import re
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
        "th", "thead", "tr", "u", "ul", "var",
    }
)  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align", "colspan", "rowspan"},
              "td": {"align", "colspan", "rowspan"}, "ol": {"start"}}  # fmt: skip
#: Tags removed with everything inside them (the rest only lose the tag).
DROP_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"})

_EXTENSIONS = ["table", "strikethrough", "autolink"]

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_HEADING = re.compile(r"<(/?)h([1-6])\b")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
#: Something that may be a phone number: digits with spaces, dots, dashes or brackets between.
_PHONE_LIKE = re.compile(r"\+?\(?\d[\d\s().-]{4,}\d")
_DIGITS_RUN = re.compile(r"\d[\d\s().-]{4,}\d")
_MIN_DIGITS = 6
_TAIL = 9
EMAIL_WITHHELD = "[e-mail withheld]"
PHONE_WITHHELD = "[phone withheld]"


class Redactor:
    """Withholds e-mail addresses and the phone numbers of people in the registers.

    Unless contacts are published, every e-mail address (of anyone: a representative
    can be named in prose) and every phone number the registers hold, however it is
    spaced, is replaced before the text is rendered.
    """

    def __init__(self, publish_contacts: bool, phones: Iterable[str] = ()) -> None:
        self.publish_contacts = publish_contacts
        digits = {re.sub(r"\D", "", p) for p in phones if p}
        self._phones = {d for d in digits if len(d) >= _MIN_DIGITS}
        # A number written without its country code still ends with the same subscriber digits.
        self._tails = {d[-_TAIL:] for d in self._phones if len(d) >= _TAIL}
        self._lengths = sorted({len(d) for d in self._phones} | ({_TAIL} if self._tails else set()))

    def __call__(self, text: str) -> str:
        if self.publish_contacts or not text:
            return text
        if "@" in text:
            text = _EMAIL.sub(EMAIL_WITHHELD, text)
        if self._phones and _DIGITS_RUN.search(text):
            text = _PHONE_LIKE.sub(self._phone, text)
        return text

    def _phone(self, match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group())
        # Anywhere in the run: a phone number can sit next to a date or another number.
        for length in self._lengths:
            for start in range(len(digits) - length + 1):
                window = digits[start : start + length]
                if window in self._phones or (length == _TAIL and window in self._tails):
                    return PHONE_WITHHELD
        return match.group()


class EvidenceRenderer:
    """Render evidence Markdown to sanitised HTML that can be embedded in a page.

    ``repository_link(path)`` turns a repository path into an absolute URL (a file at
    the site's commit), or ``None``; relative links in a body are resolved against
    the document's folder and sent there, or lose their target.
    """

    def __init__(
        self,
        redact: Redactor,
        repository_link: Callable[[str], str | None] = lambda _path: None,
        heading_shift: int = 2,
    ) -> None:
        self.redact = redact
        self.repository_link = repository_link
        self.heading_shift = heading_shift
        schemes = {"http", "https"} | ({"mailto"} if redact.publish_contacts else set())
        self._document = ""
        self._cleaner = nh3.Cleaner(
            tags=set(TAGS),
            clean_content_tags=set(DROP_WITH_CONTENT),
            attributes={k: set(v) for k, v in ATTRIBUTES.items()},
            attribute_filter=self._attribute,
            url_schemes=schemes,
            link_rel="noopener noreferrer nofollow",
            strip_comments=True,
        )

    def render(self, text: str, path: str) -> str:
        """HTML of one evidence body; ``path`` is the document's repository path."""
        # Raw HTML is passed on (UNSAFE) for nh3 to judge, tag by tag: the one sanitiser.
        html = cmarkgfm.markdown_to_html_with_extensions(
            self.redact(text), options=Options.CMARK_OPT_UNSAFE, extensions=_EXTENSIONS
        )
        if self.heading_shift:
            html = _HEADING.sub(self._shift, html)
        self._document = path
        return self._cleaner.clean(html).strip()

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
