"""The one strict reader: bytes -> plain data with a line map, or BRM001 problems.

Built on libyaml's C composer (``yaml.compose`` with ``CSafeLoader``) so that every
node keeps its position, then turned into plain Python by our own walk, which refuses
what PyYAML would silently accept: duplicate keys, anchors and aliases, merge keys,
explicit tags, and plain scalars that YAML 1.1 retypes (``no``, ``on``, ``12:30``,
``010``). Dates and instants are validated here but kept as their ISO text, so the
schemas and the editor (YAML 1.2, where a date is a string) see the same value.

Nothing here raises on bad input: every failure is a :class:`Problem`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from sys import intern
from typing import Any, Protocol

import yaml

from .boundary import MAX_BYTES, Refused, TooLarge, inspect, megabytes, read_bytes

try:  # libyaml is ~10x faster; the pure-Python loader gives the same answers.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyPI wheels ship libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


_PLAIN_TAGS: dict[str, str] = {}  # a plain scalar's text -> its YAML 1.1 tag, memoised
#: The first characters of every implicit type (numbers, booleans, null, dates ...): other plain text is text.
#: (None would be a resolver tried on any text: then every value is looked up.)
_IMPLICIT_STARTS = frozenset(key for key in _BaseLoader.yaml_implicit_resolvers if key)
_TEXT_BY_START = None not in _BaseLoader.yaml_implicit_resolvers
#: Text values up to this long are interned (and the parse cache keeps them so).
_SHARED = 40


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, with tag resolution memoised (evidence repeats its values a lot)."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode:
            if not implicit[0] or (_TEXT_BY_START and value and value[0] not in _IMPLICIT_STARTS):
                # Quoted, or the non-specific tag '!'; or plain text no implicit type can start
                # with (a name, an id, a sentence): text, as the resolver would find after its look-up.
                return "tag:yaml.org,2002:str"
            tag = _PLAIN_TAGS.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(value) <= 64:
                    if len(_PLAIN_TAGS) >= 100_000:
                        _PLAIN_TAGS.clear()  # bounded: a large repository's recent values are kept instead
                    _PLAIN_TAGS[value] = tag
            return tag
        return "tag:yaml.org,2002:seq" if kind is yaml.SequenceNode else "tag:yaml.org,2002:map"

    # No path resolvers are registered: skip the bookkeeping on every node.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


#: Lists and mappings nested deeper than this are refused before the parser sees them,
#: in our words: libyaml's composer recurses in C (and crashes the process somewhere past
#: 20,000 flow levels), and its own limits and wording differ from release to release.
MAX_DEPTH = 100
TOO_DEEP = f"lists or mappings nested more than {MAX_DEPTH} levels deep: flatten the structure"

#: A whole number has at most this many digits, so that every number in evidence is
#: exact as a JSON number and as a float (Python would also refuse one of 4,300 digits).
MAX_DIGITS = 15

JsonPath = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_VALUE = "tag:yaml.org,2002:value"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"

_KEY_TAGS = frozenset((_STR, _VALUE, _NULL, _BOOL, _INT, _FLOAT, _TIMESTAMP))
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_PLAIN_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
_SAFE_BOOLS = frozenset({"true", "false", "True", "False", "TRUE", "FALSE"})
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_BRACKET = re.compile(r"[\[\]{}]")
_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Problem:
    """A reason a file cannot be read; becomes a BRM001 finding."""

    line: int
    column: int
    message: str


#: Supersets of what BRM005 looks for (raw HTML, a script link), to pass over clean text quickly.
_TAG_START = re.compile(r"<\s*[a-zA-Z]")
_SCRIPT_SCHEME = re.compile(r"(?:javascript|vbscript|data)\s*:", re.IGNORECASE)
_SCRIPT_SCHEME_LOWERED = re.compile(r"(?:javascript|vbscript|data)\s*:")


def may_hold_markup(text: str) -> bool:
    """Whether ``text`` could hold raw HTML or a ``javascript:``/``vbscript:``/``data:`` link.

    A quick test that every text holding one passes (BRM005 then looks closer); nearly
    all evidence fails it at its first ``in``.
    """
    if "<" in text and _TAG_START.search(text):
        return True
    if ":" not in text:
        return False
    lowered = text.lower()
    if not ("script" in lowered or "data" in lowered):
        return False
    if text.isascii():  # the same test, without the regex engine's case folding: several times faster
        return _SCRIPT_SCHEME_LOWERED.search(lowered) is not None
    return _SCRIPT_SCHEME.search(text) is not None


class ReadError(Exception):
    """Internal: carries a Problem out of the recursive walk."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class Origin(Protocol):
    """Where a document was read from, and can be read again: see :class:`checks.sources.EvidenceFiles`."""

    def yaml_text(self, document: Document) -> str | None:
        """The document's YAML text as it was read, or None if the file no longer reads the same."""

    def reread(self, document: Document) -> Document | None:
        """The document read again, or None if the file no longer reads the same."""


#: What a released field holds until it is read again.
_GONE: Any = object()
_REQUIRED: Any = object()


class _Releasable:
    """A field of a Document that :meth:`Document.release` lets go of, and that is read again when asked for.

    A dataclass field whose default is a descriptor: ``__get__`` on the class gives
    the default (none for a required field), on a document its value.
    """

    def __init__(self, default: Any = _REQUIRED) -> None:
        self.default = default
        self.slot = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, document: Document | None, owner: type | None = None) -> Any:
        if document is None:
            if self.default is _REQUIRED:
                raise AttributeError(self.slot)  # no default: the field is required
            return self.default
        value = document.__dict__[self.slot]
        if value is _GONE:
            document.read_again()
            value = document.__dict__[self.slot]
        return value

    def __set__(self, document: Document, value: Any) -> None:
        document.__dict__[self.slot] = value


@dataclass
class Document:
    """A file's data and where each part of it stands.

    Positions are found when first asked for (most files never yield a finding): the
    YAML text is parsed again on demand, which costs far less time and memory than
    recording the line of every value of every file up front. A document read from a
    tree of evidence files does not even keep its YAML text (a third of what the file
    weighs in memory): it has an ``origin`` that reads the file again, and the
    SHA-256 of the bytes read, so that a file changed since is never taken for it.
    Such a document can also let go of its data and body (:meth:`release`): they are
    read again, the same way, if anything asks for them.
    """

    path: str
    data: Any = _Releasable()
    body: str | None = _Releasable(None)  # type: ignore[assignment]  # Markdown after the front-matter
    body_line: int = 1  # the line the body starts on
    yaml_text: str | None = field(default=None, repr=False)
    line_offset: int = 0
    #: Whether the YAML text or the Markdown body could spell markup or a script link
    #: (:func:`may_hold_markup`, or an escape in the YAML): BRM005 reads only such files closely.
    markup: bool = False
    #: The body's action items (:func:`checks.markdown.action_items`), found once per reading
    #: and kept with it in the parse cache: None until they are first asked for.
    items: tuple[tuple[int, str], ...] | None = field(default=None, repr=False, compare=False)
    origin: Origin | None = field(default=None, repr=False, compare=False)
    digest: bytes | None = field(default=None, repr=False, compare=False)  # of the bytes ``origin`` gave
    _lines: dict[JsonPath, tuple[int, int]] | None = field(default=None, repr=False)

    def release(self) -> None:
        """Let go of the data and body (when the document has an origin to read them again from)."""
        if self.origin is not None and self.digest is not None:
            self.__dict__["_data"] = self.__dict__["_body"] = _GONE

    def read_again(self) -> None:
        """Read the data and body again from the origin; both None if the file no longer reads the same."""
        again = self.origin.reread(self) if self.origin is not None else None
        self.data = again.data if again is not None else None
        self.body = again.body if again is not None else None

    @property
    def lines(self) -> dict[JsonPath, tuple[int, int]]:
        """Line and column (1-based) of every key and value, by JSON path."""
        if self._lines is None:
            self._lines = {}
            text = self.yaml_text
            if text is None and self.origin is not None:
                text = self.origin.yaml_text(self)
            if text:
                _positions(text, self._lines, self.line_offset)
        return self._lines

    def where(self, *json_path: str | int) -> tuple[int, int]:
        """Line and column of the deepest known part of ``json_path``."""
        lines = self.lines
        key: JsonPath = tuple(json_path)
        while key:
            found = lines.get(key)
            if found is not None:
                return found
            key = key[:-1]
        return lines.get((), (1, 1))


#: Parser events that stand for a value (a key, an item, or the document's root).
_VALUE_EVENTS = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent)
_KEY: Any = object()  # a mapping awaits its next key
_NOT_TEXT: Any = object()  # the key just read is a list or mapping (the reader refuses those)


def _positions(text: str, lines: dict[JsonPath, tuple[int, int]], offset: int) -> None:
    """The line and column of every key and value of the YAML ``text`` (its first document), by JSON path.

    Read from the parser's events, one at a time: a register of many thousand records
    is never held as a tree of nodes just to say where one value stands. A key stands
    where its key is written (not its value), an item of a list where the item starts.
    """
    # Each open collection: [its path (None: no path reaches it), a mapping?, its pending key or next index].
    frames: list[list[Any]] = []
    for event in yaml.parse(text, Loader=_Loader):  # noqa: S506 - read once already
        cls = event.__class__
        if cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
            frames.pop()
            continue
        if cls is yaml.DocumentEndEvent:
            break
        if cls not in _VALUE_EVENTS:
            continue  # the stream's and the document's start
        mark: Any = event.start_mark
        where = (mark.line + 1 + offset, mark.column + 1)
        path: JsonPath | None = ()
        if frames:
            parent = frames[-1]
            if parent[1] and parent[2] is _KEY:  # a key: it stands for the value that follows it
                key = getattr(event, "value", _NOT_TEXT) if cls is yaml.ScalarEvent else _NOT_TEXT
                parent[2] = key
                if key is not _NOT_TEXT and parent[0] is not None:
                    lines.setdefault((*parent[0], key), where)
                path = None  # what a key holds inside (a list or mapping as a key) no path reaches
            elif parent[1]:  # the value of the key before it
                key, parent[2] = parent[2], _KEY
                path = None if parent[0] is None or key is _NOT_TEXT else (*parent[0], key)
            else:  # an item of a list
                path = None if parent[0] is None else (*parent[0], parent[2])
                parent[2] += 1
        if path is not None:
            lines.setdefault(path, where)
        if cls is yaml.MappingStartEvent:
            frames.append([path, True, _KEY])
        elif cls is yaml.SequenceStartEvent:
            frames.append([path, False, 0])


def _too_large(size: int) -> Problem:
    return Problem(
        1,
        1,
        f"file is {megabytes(size)}; evidence files are limited to "
        f"{MAX_BYTES // 1048576} MB: split a large register into a folder of files",
    )


def decode(raw: bytes) -> str | Problem:
    """UTF-8 text with a BOM dropped and CRLF folded, or why it is not text."""
    if len(raw) > MAX_BYTES:
        return _too_large(len(raw))
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, column = _position(raw, nul)
        return Problem(line, column, "file contains a NUL byte (binary data): save it as UTF-8 text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position(raw, error.start)
        return Problem(
            line,
            column,
            f"not UTF-8 (byte 0x{raw[error.start]:02x} at byte {error.start}): save the file with UTF-8 encoding",
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n")


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


def _text_position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def parse_yaml(text: str, path: str = "", line_offset: int = 0) -> Document | Problem:
    """Strictly parse one YAML document; line numbers are shifted by ``line_offset``."""
    too_deep = _flow_depth_problem(text, line_offset) or _block_depth_problem(text, line_offset)
    if too_deep is not None:
        return too_deep
    try:
        indirect = "&" in text or "*" in text
        if indirect:
            _refuse_anchors(text, line_offset)
        node = yaml.compose(text, Loader=_Loader)  # noqa: S506 - compose builds no objects
        markup = "\\" in text or may_hold_markup(text)  # an escape in a quoted string can spell '<'
        document = Document(path=path, data=None, yaml_text=text, line_offset=line_offset, markup=markup)
        if node is not None:
            document.data = _Walk(line_offset, indirect).value(node)
        return document
    except ReadError as error:
        return error.problem
    except yaml.MarkedYAMLError as error:
        return _syntax_problem(error, text, line_offset)
    except yaml.reader.ReaderError as error:  # a character YAML refuses, found before parsing
        line, column = _text_position(text, error.position)
        return Problem(
            line + line_offset,
            column,
            f"a control character (U+{error.character:04X}) YAML does not allow: "
            "remove it or save the file as UTF-8 text",
        )
    except yaml.YAMLError as error:
        return Problem(1 + line_offset, 1, f"YAML error: {error}")
    except RecursionError:  # a net: the depth scans refuse such text before it is parsed
        return Problem(1 + line_offset, 1, TOO_DEEP)


def _flow_depth_problem(text: str, line_offset: int) -> Problem | None:
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None  # the common case, decided without a scan
    depth = 0
    for match in _BRACKET.finditer(text):
        depth = depth + 1 if match.group() in "[{" else max(depth - 1, 0)
        if depth > MAX_DEPTH:
            line = text.count("\n", 0, match.start()) + 1 + line_offset
            return Problem(line, match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1, TOO_DEEP)
    return None


def _block_depth_problem(text: str, line_offset: int) -> Problem | None:
    """Block nesting, estimated from indentation: each deeper indent and each compact '- ' is a level.

    A line indented deeper than every open line before it counts as a level even where
    it continues a scalar, so only text with more than MAX_DEPTH ever-deeper lines in a
    row is refused (evidence never comes near); a list at its key's indentation counts
    nothing, and the parser's own depth is at most twice this estimate.
    """
    if text.count("\n") + text.count("- ") <= MAX_DEPTH:
        return None  # the common case, decided without a scan
    indents: list[int] = []
    for number, line in enumerate(text.split("\n"), 1):
        content = line.lstrip(" ")
        if not content or content[0] == "#":
            continue
        indent = len(line) - len(content)
        while indents and indents[-1] >= indent:
            indents.pop()
        indents.append(indent)
        compact = 0
        while content[:2] == "- " or content == "-":
            compact += 1
            content = content[2:].lstrip(" ")
        if len(indents) + compact > MAX_DEPTH:
            return Problem(number + line_offset, indent + 1, TOO_DEEP)
    return None


def split_front_matter(text: str) -> tuple[str, str, int] | Problem:
    """(front-matter YAML, Markdown body, first body line) or why there is none."""
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if first.rstrip() != "---":
        return Problem(
            1,
            1,
            "front-matter missing: a Markdown evidence file must start with a line '---', "
            "its YAML fields, and a closing '---'",
        )
    start = len(text) if first_end < 0 else first_end + 1
    fence = _FENCE.search(text, start)
    if fence is None:
        return Problem(
            1,
            1,
            "front-matter is not terminated: add a line '---' after the last field",
        )
    front = text[start : fence.start()]
    body_start = text.find("\n", fence.end())
    body = "" if body_start < 0 else text[body_start + 1 :]
    body_line = front.count("\n") + 3
    return front, body, body_line


def read_markdown(text: str, path: str = "") -> Document | Problem:
    """Markdown with YAML front-matter that must be a mapping."""
    split = split_front_matter(text)
    if isinstance(split, Problem):
        return split
    front, body, body_line = split
    document = parse_yaml(front, path, line_offset=1)
    if isinstance(document, Problem):
        return document
    if not isinstance(document.data, dict):
        kind = "empty" if document.data is None else f"a {_kind(document.data)}"
        return Problem(
            2 if front.strip() else 1,
            1,
            f"front-matter is {kind}, not a mapping of fields: write 'field: value' lines between the '---' lines",
        )
    document.body = body
    document.body_line = body_line
    document.markup = document.markup or may_hold_markup(body)
    return document


def read_file(root: Path, path: str, markdown: bool, real: str | None = None) -> Document | Problem:
    """Read the YAML or Markdown evidence file ``path`` (POSIX, relative to ``root``).

    Only a regular file whose real path is inside ``root`` is opened (``real``, when the
    caller found it with :func:`checks.boundary.scan`), and never more of it than the
    size limit allows: a link out of the repository, a pipe or a device is a problem.
    """
    target = real if real is not None else inspect(root, path)
    if isinstance(target, Refused):
        return Problem(1, 1, target.reason)
    return read_content(read_bytes(target), path, markdown)


def read_content(raw: bytes | Refused | TooLarge, path: str, markdown: bool) -> Document | Problem:
    """What the reader makes of one file's content, as :func:`checks.boundary.read_bytes` gave it.

    The working tree's files and a git commit's (``brm check --base``) are read by this one function.
    """
    if isinstance(raw, Refused):
        return Problem(1, 1, raw.reason)
    if isinstance(raw, TooLarge):
        return _too_large(raw.size)
    text = decode(raw)
    if isinstance(text, Problem):
        return text
    return read_markdown(text, path) if markdown else parse_yaml(text, path)


def yaml_text_of(raw: bytes, markdown: bool) -> str | None:
    """The YAML text :func:`read_content` parsed of these bytes (a Markdown file's front-matter), without parsing it.

    For positions in a file read before; None if the bytes give none (they read as a problem).
    """
    text = decode(raw)
    if isinstance(text, Problem):
        return None
    if not markdown:
        return text
    split = split_front_matter(text)
    return None if isinstance(split, Problem) else split[0]


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return "single value"


def _refuse_anchors(text: str, line_offset: int) -> None:
    """Anchors and aliases hide evidence behind indirection (and make alias bombs)."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            raise ReadError(
                _at(
                    event.start_mark,
                    line_offset,
                    f"YAML alias '*{event.anchor}' is not allowed: write the value out in full",
                )
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise ReadError(
                _at(
                    event.start_mark,
                    line_offset,
                    f"YAML anchor '&{anchor}' is not allowed: write each value out in full",
                )
            )


def _at(mark: Any, line_offset: int, message: str) -> Problem:
    return Problem(mark.line + 1 + line_offset, mark.column + 1, message)


_SYNTAX_FIXES = (
    ("a tab character", "indent YAML with spaces, never tabs"),
    ("expected a single document", "more than one YAML document ('---') in the file: keep one"),
    ("mapping values are not allowed", "a ':' where YAML did not expect one: quote the value"),
    ("could not find expected ':'", "a line without 'key: value': check indentation and quoting"),
    ("did not find expected key", "bad indentation: align the keys of a mapping"),
    ("did not find expected '-' indicator", "bad indentation: align the items of a list"),
    ("unacceptable character", "a control character: remove it or save the file as UTF-8 text"),
    ("found unexpected end of stream", "an unterminated quote or bracket: close it"),
)


def _syntax_problem(error: yaml.MarkedYAMLError, text: str, line_offset: int) -> Problem:
    mark = error.problem_mark or error.context_mark
    problem = " ".join(p for p in (error.context, error.problem) if p) or "YAML syntax error"
    fix = "fix the YAML syntax at this line"
    culprit = text[mark.index : mark.index + 1] if mark is not None else ""
    if culprit == "\t":
        problem = "found a tab character"
    elif "cannot start any token" in problem and culprit:
        fix = f"a value cannot start with {culprit!r}: quote the value"
    for needle, explanation in _SYNTAX_FIXES:
        if needle in problem:
            fix = explanation
            break
    message = f"YAML syntax error ({problem}): {fix}"
    if mark is None:
        return Problem(1 + line_offset, 1, message)
    return _at(mark, line_offset, message)


class _Walk:
    """Turn composed nodes into plain data, refusing surprises."""

    def __init__(self, line_offset: int, indirect: bool) -> None:
        self.offset = line_offset
        # Aliases need '*' in the text, and the event scan refuses them first; this is the net.
        self.seen: set[int] | None = set() if indirect else None

    def value(self, node: yaml.Node) -> Any:
        if self.seen is not None:
            if id(node) in self.seen:
                raise ReadError(_at(node.start_mark, self.offset, "YAML alias is not allowed"))
            self.seen.add(id(node))
        cls = node.__class__
        if cls is yaml.ScalarNode:
            return self.scalar(node)
        if cls is yaml.MappingNode:
            return self.mapping(node)  # type: ignore[arg-type]
        if node.tag != _SEQ:
            raise ReadError(self.tag_problem(node))
        return [self.value(item) for item in node.value]

    def mapping(self, node: yaml.MappingNode) -> dict[str, Any]:
        if node.tag != _MAP:
            raise ReadError(self.tag_problem(node))
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode:
                raise ReadError(
                    _at(key_node.start_mark, self.offset, "a key must be plain text, not a list or mapping")
                )
            if key_node.tag not in _KEY_TAGS:
                if key_node.tag == _MERGE:
                    raise ReadError(
                        _at(
                            key_node.start_mark,
                            self.offset,
                            "YAML merge key '<<' is not allowed: write the fields out in full",
                        )
                    )
                raise ReadError(self.tag_problem(key_node))
            # A key is always its text: FORMAT.md's approvals use `on:`, which YAML 1.1
            # would read as true. Only values are retyped.
            key: str = intern(key_node.value)  # a hundred distinct keys, a million uses: one string each
            if key in result:
                first = next(k for k, _ in node.value if k.value == key)
                raise ReadError(
                    _at(
                        key_node.start_mark,
                        self.offset,
                        f"duplicate key '{key}' (first at line {first.start_mark.line + 1 + self.offset}): "
                        "keep one; YAML would silently drop the other",
                    )
                )
            result[key] = self.value(value_node)
        return result

    def scalar(self, node: yaml.Node) -> Any:
        tag, text = node.tag, node.value
        if tag in (_STR, _VALUE):
            # Ids, dates, states and names repeat across thousands of files: shared, not copied.
            return intern(text) if len(text) <= _SHARED else text
        if tag == _NULL:
            return None
        plain = not getattr(node, "style", None)  # '' (C loader) or None: only plain scalars are retyped
        if tag == _BOOL:
            if text in _SAFE_BOOLS:
                return text.lower() == "true"
            raise ReadError(self.retyped(node, "true or false"))
        if tag == _INT:
            if _PLAIN_INT.match(text):
                if len(text.lstrip("+-")) > MAX_DIGITS:
                    raise ReadError(self.too_long(node))
                return int(text)
            raise ReadError(self.retyped(node, "a number"))
        if tag == _FLOAT:
            if _PLAIN_FLOAT.match(text):
                return float(text)
            raise ReadError(self.retyped(node, "a number"))
        if tag == _TIMESTAMP and plain:
            return self.timestamp(node)
        raise ReadError(self.tag_problem(node))

    def too_long(self, node: yaml.Node) -> Problem:
        shown = node.value if len(node.value) <= 24 else node.value[:20] + "..."
        return _at(
            node.start_mark,
            self.offset,
            f"the number {shown} has more than {MAX_DIGITS} digits, more than any count or score can be "
            f'(or be computed with): write the number it should be, or quote it ("...") if it is text',
        )

    def retyped(self, node: yaml.Node, as_what: str) -> Problem:
        return _at(
            node.start_mark,
            self.offset,
            f"unquoted '{node.value}' is read by YAML 1.1 as {as_what}: "
            f'quote it ("{node.value}") if you mean the text',
        )

    def timestamp(self, node: yaml.Node) -> str:
        text = node.value
        try:
            if _DATE.match(text):
                date.fromisoformat(text)
            else:
                datetime.fromisoformat(text.replace(" ", "T", 1).replace("Z", "+00:00"))
        except ValueError:
            raise ReadError(
                _at(
                    node.start_mark,
                    self.offset,
                    f"'{text}' is not a real date or time: write a date that exists as YYYY-MM-DD "
                    "(or an instant as YYYY-MM-DDTHH:MM:SS+HH:MM)",
                )
            ) from None
        return text

    def tag_problem(self, node: yaml.Node) -> Problem:
        return _at(
            node.start_mark,
            self.offset,
            f"explicit YAML tag '{node.tag}' is not allowed: remove the tag and write plain values",
        )
