"""Satisfaction: measured at planned intervals, recorded in full, and acted on."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date

from ..coverage import every, grace_words, is_periodic, results_covering
from ..dates import in_words
from ..findings import Location
from ..load import responses_path
from ..model import Customer, Result
from . import Breach, Context, rule
from .reading import subject_of

#: On a five-point scale, answers 4 and 5 count as satisfied: the top two of any scale.
DEFAULT_CSAT_SCALE = 5
#: Declared scores are usually rounded to a whole number.
TOLERANCE = 0.5

_AT_LINE = re.compile(r"line (\d+): ")
_RUN_SURVEY = "run the survey and add its result under surveys/results/"


def csat(scores: Sequence[float], scale: int = DEFAULT_CSAT_SCALE) -> float:
    """Percent satisfied: the share of scores in the top two values of the scale (4 and 5 of 5)."""
    return 100 * sum(1 for s in scores if s >= scale - 1) / len(scores)


def nps(scores: Sequence[float]) -> float:
    """Net promoter score on 0-10: percent promoters (9-10) minus percent detractors (0-6)."""
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return 100 * (promoters - detractors) / len(scores)


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def _label(result: Result) -> str:
    who = ", ".join(result.customers) or (f"tier {result.tier}" if result.tier else "")
    return " ".join(p for p in (result.instrument or "survey", "result", result.period or "", who and f"({who})") if p)


@rule(
    "SAT001",
    "cadence",
    clause="8.3.2",
    subject="customer",
    needs=("customers", "satisfaction-result", "survey-instrument"),
)
def survey_overdue(context: Context) -> Iterator[Breach]:
    """A customer has no satisfaction result (its own or its tier's) within its survey interval.

    A customer's survey interval is its tier's `survey_interval` in the BRM
    procedure's policy (a tier that defines none is PRO003's finding). The last
    result of a planned survey covering the customer (one that names it under
    `customers`, or a segment result with `tier:` its tier), dated by `sent` and
    sent on or before the as-of date, plus that interval is the date the next
    result is due. Only periodic methods (`csat`, `nps`, `interview`) are planned
    surveys: a `post-incident` survey follows an event and does not count. After
    that date the finding is a warning; after the policy's `grace` as well, an
    error. A customer with no result on record yet counts from its `onboarded`
    date (when the relationship began; `brm new customer` records it): its first
    result is due one interval after it. A customer with neither a result nor
    `onboarded` is an error at once.

    Why an auditor cares:
    Clause 8.3.2 asks the provider to measure customer satisfaction at planned
    intervals. The tier's survey interval is the plan; a customer nobody has
    asked shows a plan that is not followed.

    How to fix:
    Run the survey (for the customer, or for its whole tier) and add the result
    under `surveys/results/` (`brm new result`), with `sent`, the counts, the
    scores and the actions it led to. For a customer that is new, record the date
    the relationship began as `onboarded`.

    Example:
    Fails: a quarterly-surveyed customer whose last result was sent on
    2026-07-01, judged on 2026-11-23, even with a post-incident survey sent on
    2026-10-20.
    Passes: a CSAT result with `tier: standard` sent on 2026-10-01.
    """
    grace = context.policy.grace
    for row in context.coverage.customers:
        survey, customer = row.survey, row.customer
        if customer.id is None or survey.interval is None or not survey.is_late(context.as_of):
            continue  # no id: BRM002; no interval: the tier plans no survey (PRO003) or is unknown (BRM003)
        tier = f" or tier {customer.tier}'s" if customer.tier else ""
        events = _event_driven(context, customer, survey.last)
        if survey.never and survey.due is None:
            yield Breach(
                customer.at("id"),
                customer.id,
                f"{customer.label}: no satisfaction result on record (its own{tier}){events}; surveys are due "
                f"{in_words(survey.interval, every=True)}: {_RUN_SURVEY} (for a new customer, record `onboarded`)",
            )
            continue
        if survey.never:
            yield Breach(
                customer.at("onboarded"),
                customer.id,
                f"{customer.label}: no satisfaction result (its own{tier}) since it was onboarded on "
                f"{survey.start}{events}; the first was due by {survey.due} (+{grace_words(grace)}): {_RUN_SURVEY}",
                due=survey.due,
            )
            continue
        yield Breach(
            customer.at("id"),
            customer.id,
            f"{customer.label}: no satisfaction result since {survey.last} ({survey.evidence}){events}; "
            f"{every(survey.interval, 'surveys')} were due by {survey.due} (+{grace_words(grace)}): {_RUN_SURVEY}",
            due=survey.due,
        )


def _event_driven(context: Context, customer: Customer, since: date | None) -> str:
    """Why results the customer may think count do not: post-incident surveys sent since the last planned one."""
    later = [
        r
        for r in results_covering(context.repository, customer, context.as_of)
        if not is_periodic(context.repository, r) and (since is None or (r.sent is not None and r.sent > since))
    ]
    if not later:
        return ""
    return f" (the post-incident survey of {later[-1].sent} follows an event, not the plan, and does not count)"


@rule("SAT002", "error", clause="8.3.2", subject="file", needs=("actions", "procedure"))
def below_target_without_action(context: Context) -> Iterator[Breach]:
    """A result below a satisfaction target has no linked action.

    When any score of a result (`csat`, `nps`) is below the BRM procedure's
    `satisfaction_targets` for it (a score with no target is PRO003's finding),
    the result is linked to at least one action:
    it lists the action's tracker id under `actions`, or a tracker action names
    the result's file as its `source`.

    Why an auditor cares:
    Measuring satisfaction is only half of clause 8.3.2: the results are analysed
    and acted on. A score below target with nothing done about it is the gap an
    auditor looks for first.

    How to fix:
    Decide what to do about the low score, raise it as an action in
    `registers/actions.yaml` (with the result as its `source`) and list the
    action's id under the result's `actions`.

    Example:
    Fails: `scores: {csat: 78}` with `satisfaction_targets: {csat: 85}` and
    `actions: []`.
    Passes: the same result with `actions: [ACT-0050]`.
    """
    targets = context.policy.satisfaction_targets  # none at all: PRO003
    sources = {a.source_path for a in context.repository.actions if a.source_path}
    for result in context.repository.results:
        below = [
            (name, result.scores[name], target)
            for name, target in targets.items()
            if name in result.scores and result.scores[name] < target
        ]
        if not below or result.actions or result.source.path in sources:
            continue
        if result.has("actions") and not isinstance(result.raw["actions"], list):
            continue  # a wrong type: BRM002
        name = below[0][0]
        scores = "; ".join(f"{n.upper()} {_number(s)} is below the target of {_number(t)}" for n, s, t in below)
        yield Breach(
            result.at("scores", name),
            subject_of(result),
            f"{_label(result)}: {scores}, and no action is linked: raise an action in registers/actions.yaml "
            "with this result as its `source`, and list its id under `actions`",
        )


_REQUIRED = (
    ("instrument_version", "the version of the instrument used"),
    ("invited", "how many people were invited"),
    ("responses", "how many responded"),
    ("analysed_by", "the person id of who analysed the results"),
)


@rule("SAT003", "error", clause="8.3.2", subject="file")
def result_incomplete(context: Context) -> Iterator[Breach]:
    """A result lacks its instrument version, invitations, responses or analyst.

    Every satisfaction result records the `instrument_version` it used, how many
    people were `invited`, how many `responses` came back (no more than were
    invited) and who analysed them (`analysed_by`). Each missing field is a
    finding of its own; a field present with the wrong type is BRM002's finding.

    Why an auditor cares:
    A score means little without its base: 90% of 3 responses out of 200 invited
    is not 90% of 180. The instrument version shows the questions were the same
    from one period to the next, and the analyst that someone owns the reading of
    the results (clause 8.3.2).

    How to fix:
    Add the missing field from the survey tool's export: `instrument_version`
    (the instrument's `version`), `invited`, `responses`, and `analysed_by` (a
    person id). If `responses` exceeds `invited`, correct the counts.

    Example:
    Fails: a result with `invited: 12` and `responses: 14`, and no `analysed_by`.
    Passes: `invited: 12`, `responses: 10`, `analysed_by: olivia-reid`.
    """
    for result in context.repository.results:
        for name, what in _REQUIRED:
            if result.has(name):
                continue  # present: a null or a wrong type is BRM002's finding
            yield Breach(
                result.at(name),
                subject_of(result),
                f"{_label(result)} does not record `{name}` ({what}): add it from the survey's records",
            )
        if result.invited is not None and result.responses is not None and result.responses > result.invited:
            yield Breach(
                result.at("responses"),
                subject_of(result),
                f"{_label(result)}: `responses: {result.responses}` is more than `invited: {result.invited}`: "
                "correct the counts from the survey's records",
            )


@rule("SAT004", "error", clause="8.3.2", subject="file")
def scores_differ(context: Context) -> Iterator[Breach]:
    """Declared scores differ from what the responses file yields.

    Where a result gives a `responses_file` (a CSV beside it, one row a response,
    a `score` column), its declared `scores` are recomputed from the file: CSAT is
    the percentage of scores in the top two values of the instrument's `scale`
    (4 and 5 of 5); NPS is the percentage of promoters (9-10) minus that of
    detractors (0-6). A declared score more than 0.5 away from the recomputed one
    is a finding, and so is a `responses` count that is not the number of rows,
    and a file that cannot be read (no `score` column, a score that is not a
    number), reported at its line. A missing file is BRM003's finding.

    Why an auditor cares:
    The declared score is what reaches the reports and the targets (SAT002). If
    it cannot be reproduced from the responses, neither the score nor the
    decision not to act on it can be trusted.

    How to fix:
    Recompute the score from the file and correct `scores` (or `responses`), or
    correct the file if it is the file that is wrong.

    Example:
    Fails: `scores: {csat: 90}` with a file of 10 responses of which 8 are 4 or 5
    (CSAT 80).
    Passes: `scores: {csat: 80}` with the same file.
    """
    for result in context.repository.results:
        path = responses_path(result)
        if path is None:
            continue
        subject = subject_of(result)
        if result.responses_problem is not None:
            if path not in context.repository.paths:
                continue  # BRM003: the file does not exist
            at_line = _AT_LINE.match(result.responses_problem)
            line, problem = (
                (int(at_line.group(1)), result.responses_problem[at_line.end() :])
                if at_line
                else (1, result.responses_problem)
            )
            yield Breach(
                Location(path, line),
                subject,
                f"the responses file of {result.source.path} cannot be read: {problem}; the declared scores "
                "cannot be verified until the file is corrected",
            )
            continue
        scores = result.response_scores
        if scores is None:
            continue
        if result.responses is not None and result.responses != len(scores):
            yield Breach(
                result.at("responses"),
                subject,
                f"{_label(result)}: `responses: {result.responses}` but {path} holds {len(scores)} responses: "
                "correct the count, or the file",
            )
        if not scores:
            continue
        instrument = context.repository.instrument_of(result)
        scale = instrument.scale if instrument is not None and instrument.scale else DEFAULT_CSAT_SCALE
        for name, declared in result.scores.items():
            if name == "csat":
                computed = csat(scores, scale)
                satisfied = sum(1 for s in scores if s >= scale - 1)
                basis = f"{satisfied} of {len(scores)} responses scored {scale - 1} or {scale} of {scale}"
            elif name == "nps":
                computed = nps(scores)
                promoters = sum(1 for s in scores if s >= 9)
                detractors = sum(1 for s in scores if s <= 6)
                basis = f"{promoters} promoters and {detractors} detractors in {len(scores)} responses"
            else:
                continue
            if abs(declared - computed) <= TOLERANCE:
                continue
            yield Breach(
                result.at("scores", name),
                subject,
                f"{_label(result)}: declares {name.upper()} {_number(declared)} but {path} yields "
                f"{_number(round(computed, 1))} ({basis}): correct the score, or the file",
            )


@rule("SAT005", "error", clause="8.3.2", subject="file", needs=("survey-instrument",))
def incident_unnamed(context: Context) -> Iterator[Breach]:
    """A result of a post-incident survey does not name the incident it follows.

    A result whose instrument's `method` is `post-incident` records, under
    `incident`, the incident the survey followed: its id in the incident tool
    (`MI-2026-014`) or an `https://` link to its record. A value of another form
    is BRM002's finding. Post-incident results are event-driven: they never count
    as the planned survey that SAT001 looks for.

    Why an auditor cares:
    A post-incident survey is evidence about one incident. Without the incident
    named, nobody can tie the scores and themes to what happened, check that
    every major incident was followed up, or tell the survey from a planned one
    sent at a convenient moment.

    How to fix:
    Add `incident:` with the incident's id (or a link to its record) to the
    result's front-matter.

    Example:
    Fails: a result with `instrument: post-incident` and no `incident`.
    Passes: the same result with `incident: MI-2026-014`.
    """
    for result in context.repository.results:
        instrument = context.repository.instrument_of(result)
        if instrument is None or instrument.method != "post-incident" or result.has("incident"):
            continue  # not a post-incident survey, or one that names its incident (its form is BRM002's)
        yield Breach(
            result.at("instrument"),
            subject_of(result),
            f"{_label(result)} is a post-incident survey (instrument {instrument.id}) but does not name the "
            "incident it follows: add `incident:` with the incident's id (MI-2026-014) or an https:// link to "
            "its record",
        )
