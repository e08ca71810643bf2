"""``brm new action``: an action in the tracker, in a file of its own."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from ...boundary import resolve
from ...model import CLOSED_STATES
from ..core import Draft, Scaffold, ScaffoldError, day, enum, link, numbered, register_file, slug, unique

TYPE = "action"
HELP = "an action in the tracker: registers/actions/ACT-NNNN.yaml"
DESCRIPTION = (
    "The id is the next free one; raised is the source's date (the review held, the result sent, the complaint "
    "received), else today; the owner defaults to the customer's counterpart."
)


def flags(action: argparse.ArgumentParser) -> None:
    statuses = enum(TYPE, "status")
    action.add_argument("--id", type=numbered("ACT"), help="default: the next free id")
    action.add_argument("--title", metavar="TEXT")
    action.add_argument(
        "--source", type=link, metavar="PATH_OR_ID", help="the review or result path, or a complaint id"
    )
    action.add_argument("--customer", action="append", type=slug, metavar="ID", help="a customer concerned (repeat)")
    action.add_argument("--owner", type=slug, metavar="ID")
    action.add_argument("--raised", type=day, metavar="DATE", help="default: the source's date, else today")
    action.add_argument("--due", type=day, metavar="DATE", help="on or after the raised date")
    action.add_argument("--status", choices=statuses, default=statuses[0], help=f"default: {statuses[0]}")
    action.add_argument("--closed", type=day, metavar="DATE", help="done or cancelled: when (default: today)")
    action.add_argument("--evidence", metavar="TEXT", help="done: what shows it was done (a link or a sentence)")
    action.add_argument("--link", action="append", metavar="REF", help="an improvement, problem or change record")


def _source(s: Scaffold, source: str) -> tuple[str, date | None]:
    """The source as the tracker records it, and the date it was raised from (None for a link)."""
    complaint = s.repository.by_id(s.repository.complaints).get(source)
    if complaint is not None:
        return source, complaint.received.date() if complaint.received is not None else None
    named = resolve(source)
    if named.problem is not None:
        raise ScaffoldError(f"source: {named.problem}")
    if named.url is not None:
        return source, None
    if named.path not in s.repository.paths:
        raise ScaffoldError(f"source '{source}' is neither a file in the repository nor a complaint id")
    for review in s.repository.reviews:
        if review.source.path == named.path:
            return named.path, review.date
    for result in s.repository.results:
        if result.source.path == named.path:
            return named.path, result.sent
    return named.path, None


def build(s: Scaffold) -> Draft:
    a = s.answers
    action_id = a.flag("id") or s.next_id("ACT")
    if action_id in {x.id for x in s.repository.actions}:
        raise ScaffoldError(f"action {action_id} is already in the tracker: leave out --id to take the next free one")
    customers = [s.customer(c) for c in unique(a.flag("customer") or [])]
    title = a.get("title", "What is to be done")
    source = a.get("source", "Source (the review or result path, or a complaint id)", link)
    owner = a.get("owner", "Owner (a person id)", slug, default=customers[0].counterpart if customers else None)
    due = a.get("due", "Due date (YYYY-MM-DD)", day)
    finished = a.args.status in CLOSED_STATES
    evidence = a.flag("evidence")
    if a.args.status == "done":
        evidence = a.get("evidence", "What shows it was done (a link or a sentence)")
    a.done()
    if not finished and (a.flag("closed") or evidence):
        raise ScaffoldError(f"--closed and --evidence are for a done or cancelled action, not a {a.args.status} one")
    source, source_date = _source(s, source)
    raised: date = a.flag("raised") or source_date or s.today
    if due < raised:
        raise ScaffoldError(f"the action is due ({due}) before it is raised ({raised}): give a due date on or after it")
    record: dict[str, Any] = {
        "id": action_id,
        "title": title,
        "source": source,
        "customers": [c.id for c in customers] or None,
        "owner": s.person(owner, "owner"),
        "raised": raised,
        "due": due,
        "status": a.args.status,
        "closed": (a.flag("closed") or s.today) if finished else None,
        "evidence": evidence,
        "links": a.flag("link"),
    }
    return Draft(register_file(TYPE, action_id), TYPE, record)
