"""Actions: evidence that feedback drives action (ISO/IEC 20000-1 8.3.2, 10.2)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from ..coverage import grace_words
from ..findings import Location
from ..markdown import Line, action_items
from ..model import Action, Complaint, Record, Result, Review
from . import Breach, Context, rule
from .reading import subject_of

TRACKER = "registers/actions.yaml"

_ACTION_ID = re.compile(r"\bACT-[0-9]{4,}\b")


def _next_free_id(context: Context) -> str:
    numbers = [int(m.group(0)[4:]) for a in context.actions for m in [_ACTION_ID.fullmatch(a)] if m]
    return f"ACT-{max(numbers, default=0) + 1:04d}"


def _excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text_items(complaint: Complaint, key: str, text: str | None) -> tuple[Line, ...]:
    """The action items of a complaint's free-text field, numbered from the line its text starts on."""
    if text is None:
        return ()
    line = complaint.at(key).line
    # The line map knows the key's line. A multi-line value is a block scalar (`|`),
    # whose text starts on the next line; a one-line value sits beside its key.
    return action_items(text, line + 1 if "\n" in text.rstrip("\n") else line)


def _documents(context: Context) -> Iterator[tuple[Record, tuple[Line, ...]]]:
    """Every text ACT001 reads, as its action items: minutes, satisfaction results, complaint notes."""
    repo = context.repository
    minutes: list[Review | Result] = [*repo.reviews, *repo.results]
    for record in minutes:
        if record.items:
            yield record, record.items
    for complaint in repo.complaints:
        for key, text in (("feedback", complaint.feedback), ("notes", complaint.notes)):
            items = _text_items(complaint, key, text)
            if items:
                yield complaint, items


@rule("ACT001", "error", clause="8.3.2", subject="file or complaint", needs=("actions",))
def untracked_action(context: Context) -> Iterator[Breach]:
    """Untracked action: an action item in minutes, a result or a complaint with no tracker id, or an id the tracker does not hold.

    Reads the Markdown body of every review (minutes) and satisfaction result, and
    a complaint's `feedback` and `notes`. Every action item there — a task-list
    line (`- [ ]`, `- [x]`, `* [ ]`, `1. [ ]`) or a line that starts `Action:`
    (any case, optionally bold: `**Action:**`, optionally after a list bullet) —
    must carry a tracker id (`ACT-0042`), and every id on such a line must be one
    the tracker (registers/actions.yaml) holds. Lines inside fenced code blocks
    are not read.

    An unknown id in a record's `actions` list is a reference, reported once as
    BRM003; ACT001 reports the ids written in the text.

    Why an auditor cares:
    Clause 8.3.2 expects complaints, review outcomes and satisfaction results to be
    acted on. An action that lives only in the minutes has no owner, no due date
    and no closure: nobody can show it was ever done.

    How to fix:
    Add the action to the tracker with `brm new action --source FILE --title TEXT
    --due DATE`, which takes the next free id, the owner and the raised date and
    writes `registers/actions/ACT-NNNN.yaml` (a file in the tracker's folder); then
    write that id on the line in the minutes. Or correct a mistyped id.

    Example:
    Fails: `- [ ] Send the revised SLA to Dana`, `Action: ACT-0999 ...` (not in the tracker).
    Passes: `- [ ] ACT-0042 Send the revised SLA to Dana (alex-morgan, due 2026-11-30)`.
    """  # noqa: E501 - the title is the catalogue's sentence, on one line
    next_id: str | None = None
    for record, items in _documents(context):
        subject = subject_of(record)
        for number, text in items:
            ids = list(_ACTION_ID.finditer(text))
            if not ids:
                next_id = next_id or _next_free_id(context)
                column = len(text) - len(text.lstrip()) + 1
                yield Breach(
                    Location(record.source.path, number, column),
                    subject,
                    f"action item '{_excerpt(text)}' has no tracker id: add it to the tracker with "
                    f"'brm new action --source {shlex.quote(subject)} ...' "
                    f"(it writes registers/actions/{next_id}.yaml) and write the id on this line",
                )
                continue
            for match in ids:
                if match.group(0) not in context.actions:
                    yield Breach(
                        Location(record.source.path, number, match.start() + 1),
                        subject,
                        f"action {match.group(0)} is not in the tracker ({TRACKER}): "
                        "add the action there, or correct the id",
                    )


@rule("ACT002", "error", clause="8.3.2", subject="action", needs=("review", "satisfaction-result", "complaints"))
def incomplete_action(context: Context) -> Iterator[Breach]:
    """A tracker action lacks an owner, a due date or a source that exists.

    Every action in the tracker names its `owner` (a person id), the `due` date and
    its `source`: the review or satisfaction result it came from (a repository
    path) or the complaint id. ACT002 reports a field that is missing, null or
    blank. A field that is there but names nothing (an unknown owner, a source file
    or complaint that does not exist) is a dangling reference, reported once as
    BRM003; a value of the wrong type is BRM002's.

    Why an auditor cares:
    An action with no owner is nobody's job, one with no due date is never late,
    and one with no source cannot show which feedback it answers.

    How to fix:
    Fill in the missing field: `owner: alex-morgan`, `due: 2026-12-15`,
    `source: reviews/2026/2026-11-10-retailco.md` (or `source: CMP-0007`).

    Example:
    Fails: an action with `owner: null`, or with no `due` line.
    Passes: an action with `owner`, `due` and `source` filled in.
    """
    missing = (
        ("owner", "no owner", "name the person who will do it (a person id)"),
        ("due", "no due date", "agree the date it is due and record it"),
        ("source", "no source", "name the review or result path, or the complaint id, it came from"),
    )
    for action in context.repository.actions:
        for key, what, fix in missing:
            if action.absent(key):
                yield Breach(action.at(key), subject_of(action), f"{_label(action)} has {what}: {fix}")


def _label(action: Action) -> str:
    return action.id or f"the action at {action.source.path}:{action.at().line}"


@rule("ACT003", "cadence", clause="8.3.2", subject="action")
def overdue_action(context: Context) -> Iterator[Breach]:
    """An open action is past its due date.

    An action whose status is `open` or `in-progress` and whose `due` date is
    before the as-of date. It is a warning within the policy's grace after the due
    date, an error after it.

    Why an auditor cares:
    Overdue actions show feedback being recorded but not acted on: the chain from
    complaint or review to improvement is broken where it matters most.

    How to fix:
    Finish the action and record `status: done`, `closed` and `evidence`; or, if
    the customer agreed a new date, record it under `due` (and say why in the
    minutes); or cancel it with a closed date and the reason under `evidence`.

    Example:
    Fails (as of 2026-11-23): `status: open` with `due: 2026-11-01`.
    Passes: `status: open` with `due: 2026-12-15`, or `status: done` with its closure.
    """
    for action in context.repository.actions:
        if not action.is_open or action.due is None or action.due >= context.as_of:
            continue
        state = "in progress" if action.status == "in-progress" else "open"
        owner = f" (owner {action.owner})" if action.owner else ""
        yield Breach(
            action.at("due"),
            subject_of(action),
            f"{_label(action)}{owner} is still {state}; it was due on {action.due} "
            f"(+{grace_words(context.policy.grace)}): finish it and record status: done with closed and "
            "evidence, or record the new due date the customer agreed",
            due=action.due,
        )


@rule("ACT004", "error", clause="8.3.2", subject="action")
def unevidenced_closure(context: Context) -> Iterator[Breach]:
    """A done or cancelled action lacks its closed date, or a done one its evidence.

    An action with `status: done` or `status: cancelled` records the date it was
    closed; a done one also records its `evidence`: what shows it was done (a
    link, a record id, or a sentence).

    Why an auditor cares:
    "Done" without evidence is a claim, not a record. The closed date shows the
    action was completed in time and lets trends in closure be measured.

    How to fix:
    Add `closed: YYYY-MM-DD` and, for a done action, `evidence:` with a link or a
    sentence that shows it was done (for a cancelled one, the reason is welcome).

    Example:
    Fails: `status: done` with `closed: null` or `evidence: null`.
    Passes: `status: done`, `closed: 2026-11-20`, `evidence: Report sent to Dana (CHG-2458)`.
    """
    for action in context.repository.actions:
        if action.status not in ("done", "cancelled"):
            continue
        if action.absent("closed"):
            yield Breach(
                action.at("closed"),
                subject_of(action),
                f"{_label(action)} is {action.status} but has no closed date: record the date it was "
                f"{action.status} under closed",
            )
        if action.status == "done" and action.absent("evidence"):
            yield Breach(
                action.at("evidence"),
                subject_of(action),
                f"{_label(action)} is done but has no evidence: record what shows it was done "
                "(a link, a record id or a sentence) under evidence",
            )
