"""``brm new result``: a satisfaction survey result, for customers or a tier."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from ...boundary import resolve
from ...coverage import PERIODIC_METHODS, is_periodic
from ...model import Result
from ..core import (
    Draft,
    Scaffold,
    ScaffoldError,
    count,
    day,
    keys,
    latest,
    name,
    numbered,
    pattern,
    period,
    period_text,
    slug,
    year_folder,
)

TYPE = "satisfaction-result"
HELP = "a satisfaction survey result: surveys/results/YEAR/PERIOD-CUSTOMER.md"
DESCRIPTION = (
    "The instrument (the customers' last, or the only one) and its latest version, the period the date sent "
    "covers in the survey cadence, and the sender (the counterpart) are prefilled from the registers. "
    "A post-incident instrument's result names its --incident."
)


def flags(result: argparse.ArgumentParser) -> None:
    surveyed = result.add_mutually_exclusive_group()
    surveyed.add_argument("--customer", action="append", type=slug, metavar="ID", help="a customer surveyed (repeat)")
    surveyed.add_argument("--tier", type=slug, help="a segment survey of this tier")
    result.add_argument("--instrument", type=slug, metavar="ID", help="the survey instrument's id")
    result.add_argument("--instrument-version", metavar="VERSION", help="default: the instrument's latest version")
    result.add_argument(
        "--incident",
        type=_incident,
        metavar="ID_OR_URL",
        help="for a post-incident instrument: the incident the survey follows (its id, or an https:// link)",
    )
    result.add_argument(
        "--period",
        type=period_text,
        help="the period covered (default: as for a review, in the survey cadence; the month sent after an incident)",
    )
    result.add_argument("--sent", type=day, metavar="DATE", help="default: today")
    result.add_argument("--sent-by", type=slug, metavar="ID", help="default: the customer's counterpart")
    result.add_argument("--analysed-by", type=slug, metavar="ID")
    result.add_argument("--invited", type=count, metavar="N")
    result.add_argument("--responses", type=count, metavar="N")
    result.add_argument("--responses-file", metavar="FILE", help="a responses CSV beside the result")
    scores = "|".join(keys(TYPE, "scores"))
    result.add_argument(
        "--score", action="append", type=_score, metavar=f"{{{scores}}}=N", help="a score, such as csat=82 (repeat)"
    )
    result.add_argument("--theme", action="append", metavar="TEXT", help="a theme of the responses (repeat)")
    result.add_argument("--action", action="append", type=numbered("ACT"), metavar="ID", help="a tracker id (repeat)")


def _incident(text: str) -> str:
    if not pattern(TYPE, "incident").match(text) or len(text) > 2048:
        raise argparse.ArgumentTypeError(
            f"'{text[:60]}' is not an incident id such as MI-2026-014 or an https:// link to the incident record"
        )
    return text


def _score(text: str) -> tuple[str | None, float]:
    key, _, value = text.rpartition("=")
    known = keys(TYPE, "scores")
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a score such as {known[0]}=82") from None
    if key not in ("", *known):
        raise argparse.ArgumentTypeError(f"'{key}' is not a score: give one of {', '.join(f'{k}=N' for k in known)}")
    return (key or None), number


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def _previous(s: Scaffold, customer_ids: set[str], tier: str | None, sent: date) -> Result | None:
    """The last planned survey's result for these customers (or this tier): its instrument and period."""
    earlier = [
        r
        for r in s.repository.results
        if r.instrument
        and r.sent is not None
        and r.sent <= sent
        and (set(r.customers) & customer_ids or (tier is not None and r.tier == tier))
        and is_periodic(s.repository, r)
    ]
    return max(earlier, key=lambda r: (r.sent or date.min, r.source.path), default=None)


def build(s: Scaffold) -> Draft:
    from ...policy import Policy

    a = s.answers
    customers, subject, tier = s.customers_asked()
    instruments = latest(s.repository.instruments)
    sent: date = a.flag("sent") or s.today
    previous = _previous(s, {c.id for c in customers if c.id}, tier, sent)
    only = next(iter(instruments)) if len(instruments) == 1 else None
    listed = ", ".join(instruments) or "none yet"
    instrument_id = a.get(
        "instrument", f"Instrument ({listed})", slug, default=(previous.instrument if previous else None) or only
    )
    a.done()
    instrument = instruments.get(instrument_id)
    if instrument is None:
        raise ScaffoldError(
            f"no survey instrument '{instrument_id}' in surveys/instruments/ (known: {listed}): "
            f"add it with 'brm new instrument --id {instrument_id} --method METHOD --question TEXT'"
        )
    event = instrument.method is not None and instrument.method not in PERIODIC_METHODS
    incident = a.flag("incident")
    if event:
        incident = a.get("incident", "The incident the survey follows (its id, or an https:// link)", _incident)
    elif incident is not None:
        raise ScaffoldError(
            f"--incident is for a post-incident survey; instrument '{instrument_id}' is a {instrument.method} survey"
        )
    sent_by = a.flag("sent_by") or customers[0].counterpart
    analysed_by = a.get("analysed_by", "Analysed by (a person id)", slug)
    invited = a.get("invited", "How many were invited", count)
    responses = a.get("responses", "How many responded", count)
    scores = a.get("score", "Score (csat=N or nps=N)", _score, many=True)
    a.done()
    if event:
        covered = a.flag("period") or f"{sent.year}-{sent.month:02d}"
    else:
        cadence = Policy.from_repository(s.repository).survey_interval(tier or customers[0].tier)
        prior = previous if previous is not None and previous.instrument == instrument_id else None
        covered = a.flag("period") or period(sent, cadence, prior.period if prior else None)
    score_keys = keys(TYPE, "scores")
    method = instrument.method if instrument.method in score_keys else score_keys[0]
    record: dict[str, Any] = {
        "type": TYPE,
        "instrument": instrument_id,
        "instrument_version": a.flag("instrument_version") or instrument.version,
        "incident": incident,
        "customers": None if tier else [c.id for c in customers],
        "tier": tier,
        "period": covered,
        "sent": sent,
        "sent_by": s.person(sent_by, "sent by") if sent_by else None,
        "analysed_by": s.person(analysed_by, "analysed by"),
        "invited": invited,
        "responses": responses,
        "responses_file": a.flag("responses_file"),
        "scores": {key or method: _number(value) for key, value in scores},
        "themes": a.flag("theme"),
        "actions": [s.action(x) for x in a.flag("action") or []] or None,
    }
    names = ", ".join(c.label for c in customers) if not tier else f"{tier} tier"
    heading = f"{names}: {covered} satisfaction results" + (f", incident {incident}" if incident else "")
    body = [f"# {heading}", "", "<!-- What the results say, and what we will do. -->"]
    if record["actions"]:
        body += ["", "## Actions", "", *(s.action_line(i) for i in record["actions"])]
    parts = (covered, subject, incident) if incident else (covered, subject)
    path = f"surveys/results/{year_folder(covered, sent)}/{name(*parts)}.md"
    if record["responses_file"] is not None:
        beside = resolve(record["responses_file"], beside=path)
        if beside.problem is not None:
            raise ScaffoldError(f"--responses-file: {beside.problem}")
    return Draft(path, TYPE, record, "\n".join(body) + "\n")
