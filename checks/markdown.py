"""What the checks read in Markdown text: its action items (ACT001 says what one is).

Minutes and survey results are read once, when their records are built, so a check
keeps a few lines of each file instead of its whole text; a complaint's free-text
fields are read the same way when ACT001 asks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# `- [ ]`, `* [x]`, `+ [X]`, `1. [ ]`, `1) [ ]`: a Markdown task-list item.
_TASK = re.compile(r"^[ \t]*(?:[-*+]|[0-9]{1,9}[.)])[ \t]+\[[ xX]\](?:[ \t]|$)")
# `Action:`, `**Action:**`, `**Action**:`, `__Action:__`, also after a list bullet.
_ACTION_LINE = re.compile(
    r"^[ \t]*(?:(?:[-*+]|[0-9]{1,9}[.)])[ \t]+)?(?:\*\*|__)?action(?:\*\*|__)?[ \t]*:",
    re.IGNORECASE,
)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
# Every line that could open or close a fence or be an action item (a superset, found in
# one pass over the text; the exact patterns above then judge each of these lines).
_CANDIDATE = re.compile(
    r"^(?: {0,3}(?:`{3,}|~{3,})|[ \t]*(?:(?:[-*+]|[0-9]{1,9}[.)])[ \t]+)?(?:\[[ xX]\]|(?:\*\*|__)?action))",
    re.MULTILINE | re.IGNORECASE,
)

#: (line number, text) of one line.
Line = tuple[int, str]


def action_items(text: str, first_line: int) -> tuple[Line, ...]:
    """(line number, text) of every action item outside fenced code blocks, ``text`` starting on ``first_line``."""
    return tuple(_action_lines(text, first_line))


def _action_lines(text: str, first_line: int) -> Iterator[Line]:
    fence: str | None = None
    for number, line in _candidate_lines(text, first_line):
        opening = _FENCE.match(line)
        if fence is not None:
            closing = opening is not None and not opening.group(2).strip()
            if closing and opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            fence = opening.group(1)
            continue
        if _TASK.match(line) or _ACTION_LINE.match(line):
            yield number, line


def _candidate_lines(text: str, first_line: int) -> Iterator[Line]:
    number, counted = first_line, 0
    for match in _CANDIDATE.finditer(text):
        start = match.start()
        number += text.count("\n", counted, start)
        counted = start
        end = text.find("\n", start)
        yield number, text[start:] if end < 0 else text[start:end]
