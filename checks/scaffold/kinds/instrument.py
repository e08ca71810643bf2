"""``brm new instrument``: a survey instrument, or a new version of one."""

from __future__ import annotations

import argparse
import re
from typing import Any

from ..core import Draft, Scaffold, ScaffoldError, enum, latest, line, name, slug, version

TYPE = "survey-instrument"
HELP = "a survey instrument, versioned: surveys/instruments/ID.md (ID-vVERSION.md for a later version)"
DESCRIPTION = (
    "A new instrument is version 1. For an id that exists, it is the next version, and the method, title, scale "
    "and questions are those of the latest version unless given."
)


def flags(instrument: argparse.ArgumentParser) -> None:
    methods = enum(TYPE, "method")
    instrument.add_argument("--id", type=slug, help="such as csat-quarterly")
    instrument.add_argument("--version", type=version, help="default: 1, or the next after the latest version")
    instrument.add_argument("--method", choices=methods, help="how satisfaction is measured")
    instrument.add_argument("--title", type=line, metavar="TEXT")
    instrument.add_argument("--scale", type=_scale, metavar="N", help="the top of the answer scale, such as 5")
    instrument.add_argument("--question", action="append", type=line, metavar="TEXT", help="a question (repeat)")


def _scale(text: str) -> int:
    if not text.isdigit() or int(text) < 2:
        raise argparse.ArgumentTypeError(f"'{text}' is not the top of a scale: a whole number from 2")
    return int(text)


def _next(version_text: str | None) -> str:
    """The version after ``version_text``: its last number plus one ("2" -> "3", "1.4" -> "1.5")."""
    numbers = list(re.finditer(r"[0-9]+", version_text or ""))
    if not numbers or version_text is None:
        return "1"
    last = numbers[-1]
    return version_text[: last.start()] + str(int(last.group()) + 1) + version_text[last.end() :]


def build(s: Scaffold) -> Draft:
    a = s.answers
    instrument_id = a.get("id", "Instrument id (lower-case, such as csat-quarterly)", slug)
    a.done()
    previous = latest(s.repository.instruments).get(instrument_id)
    methods = enum(TYPE, "method")
    method = a.get("method", f"Method ({', '.join(methods)})", _method, default=previous.method if previous else None)
    questions = a.get("question", "Questions", line, many=True, default=previous.questions if previous else None)
    a.done()
    number = a.flag("version") or _next(previous.version if previous else None)
    taken = {i.version for i in s.repository.instruments if i.id == instrument_id}
    if number in taken:
        raise ScaffoldError(f"instrument {instrument_id} version {number} already exists: give another --version")
    title = a.flag("title") or (previous.raw.get("title") if previous else None)
    record: dict[str, Any] = {
        "type": TYPE,
        "id": instrument_id,
        "title": title,
        "version": number,
        "method": method,
        "scale": a.flag("scale") or (previous.scale if previous else None),
        "questions": questions,
    }
    body = [f"# {title or instrument_id}, version {number}", ""]
    body += ["<!-- Who receives it, when, and how the headline score is worked out from the answers. -->"]
    file_name = instrument_id if previous is None else name(instrument_id, "v" + number)
    return Draft(f"surveys/instruments/{file_name}.md", TYPE, record, "\n".join(body) + "\n")


def _method(text: str) -> str:
    methods = enum(TYPE, "method")
    if text not in methods:
        raise argparse.ArgumentTypeError(f"'{text}' is not one of {', '.join(methods)}")
    return text
