"""What needs management attention, in plain sentences, most pressing first.

Each sentence is built from the report's figures (:mod:`.figures`), never from other
data; the words for numbers (``78%``, ``3 of 4``, ``1 review``) are here once, for
every output format. The sentences are plain text: evidence in them (names, ids) is
escaped by the format that writes them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from ..dates import in_words
from .figures import LATE, MISSED, NOTABLE_DROP, OVERDUE, ManagementReport, Satisfaction


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def was(count: int) -> str:
    return "was" if count == 1 else "were"


def percent(part: int, whole: int) -> str:
    """``90% (9 of 10)``; a dash for nothing to count."""
    if whole == 0:
        return "\u2014"
    return f"{round(100 * part / whole)}% ({part} of {whole})"


def score(value: float, kind: str) -> str:
    """A satisfaction score as people write it: ``78%`` for CSAT, ``+12`` for NPS, else the number."""
    number = f"{value:.1f}".rstrip("0").rstrip(".")
    if kind == "nps":
        return f"{value:+.0f}"
    return f"{number}%" if kind == "csat" else number


def points(change: float) -> str:
    size = f"{abs(change):.1f}".rstrip("0").rstrip(".")
    return f"{size} point{'' if size == '1' else 's'}"


def listing(items: Sequence[str], limit: int = 4) -> str:
    """``a, b and c``; past ``limit``, ``a, b, c, d and 3 more``."""
    shown = list(items[:limit])
    rest = len(items) - len(shown)
    if rest > 0:
        shown.append(f"{rest} more")
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def sentences(report: ManagementReport, name: Callable[[str], str] = str) -> list[str]:
    """The sentences, most pressing first; one that says all is well when nothing needs attention.

    ``name`` writes a piece of evidence text (a customer's name, an id) for the format
    the sentences go into (escaped Markdown, escaped HTML, or as it is).
    """
    said: list[str] = []
    label = report.period.label
    before = report.previous.label
    end = _end(report)
    # 1. Compliance at the end of the period.
    if report.compliance:
        last = report.compliance[-1]
        if last.errors:
            first = report.compliance[0]
            trend = f" ({first.errors} at {first.day})" if len(report.compliance) > 1 else ""
            said.append(
                f"The evidence had {plural(last.errors, 'error')} at {last.day}{trend}: {_rules(last.rules)}. Run "
                "brm check and fix them, or each is a nonconformity an auditor can raise."
            )
    # 2. Satisfaction below target, or falling.
    below = [s for s in report.satisfaction if s.met is False]
    for entry in below:
        said.append(_below(entry, before, name))
    for entry in report.satisfaction:
        if entry.met is False or entry.change is None or entry.score is None:
            continue
        if entry.change <= -NOTABLE_DROP:
            said.append(
                f"{name(entry.customer.label)}'s {name(entry.kind.upper())} fell {points(entry.change)} on {before}, "
                f"to {score(entry.score.value, entry.kind)}."
            )
    if report.customers_without_results:
        who = listing([name(c.label) for c in report.customers_without_results])
        said.append(f"No satisfaction result was recorded for {label} for {who}.")
    # 3. Reviews.
    missed = [(a, d) for a in report.adherence for d in a.due if d.state in (MISSED, OVERDUE)]
    if missed:
        parts = [
            f"{name(a.customer.label)} ({'no review on record' if d.due is None else f'due {d.due}'}, {d.state})"
            for a, d in missed
        ]
        said.append(f"{plural(len(missed), 'performance review')} {was(len(missed))} not held: {listing(parts)}.")
    late = [(a, d) for a in report.adherence for d in a.due if d.state == LATE]
    if late:
        parts = [f"{name(a.customer.label)} (due {d.due}, held {d.held})" for a, d in late]
        said.append(f"{plural(len(late), 'performance review')} {was(len(late))} held late: {listing(parts)}.")
    # 4. Actions.
    actions = report.actions
    if actions.overdue_at_end:
        oldest = min(actions.overdue_at_end, key=lambda a: (a.due or date.max, a.id or ""))
        said.append(
            f"{plural(len(actions.overdue_at_end), 'action')} {was(len(actions.overdue_at_end))} "
            f"past due at {end}; the longest overdue is {name(oldest.id or '?')} ({name(oldest.title or '')}), "
            f"due {oldest.due}."
        )
    # 5. Complaints.
    complaints = report.complaints
    met, judged = complaints.acknowledged_in_time
    if judged and met < judged:
        late_ids = [name(t.complaint.id or "?") for t in complaints.received if t.acknowledgement_met is False]
        said.append(
            f"{plural(judged - met, 'complaint')} {was(judged - met)} not acknowledged within "
            f"the target ({listing(late_ids)})."
        )
    met, judged = complaints.resolved_in_time
    if judged and met < judged:
        late_ids = [name(t.complaint.id or "?") for t in complaints.received if t.resolution_met is False]
        said.append(
            f"{plural(judged - met, 'complaint')} {was(judged - met)} not resolved within the target"
            + (f" of {in_words(complaints.resolution_target)}" if complaints.resolution_target else "")
            + f" ({listing(late_ids)})."
        )
    if complaints.open_at_end:
        ids = [name(c.id or "?") for c in complaints.open_at_end]
        said.append(f"{plural(len(ids), 'complaint')} {was(len(ids))} open at {end} ({listing(ids)}).")
    # 6. What falls due next.
    overdue = [c for c in report.confirmations if c.due <= report.period.end]
    upcoming = [c for c in report.confirmations if c.due > report.period.end]
    if overdue:
        said.append(
            f"{plural(len(overdue), 'entry', 'entries')} {was(len(overdue))} past "
            f"{'its' if len(overdue) == 1 else 'their'} re-confirmation date at the end of {label}: "
            f"{listing([_confirmation(c, name) for c in overdue])}."
        )
    if upcoming:
        representatives = sum(1 for c in upcoming if c.what == "representative")
        requirements = len(upcoming) - representatives
        what = [
            plural(representatives, "representative entry", "representative entries") if representatives else "",
            plural(requirements, "requirements record") if requirements else "",
        ]
        said.append(
            f"{' and '.join(w for w in what if w)} fall due for re-confirmation in {report.following.label}: "
            "plan them into the next reviews."
        )
    if not said:
        said.append(_all_well(report))
    return said


def highlights(report: ManagementReport, name: Callable[[str], str] = str) -> list[str]:
    """What went well or changed in the period and is worth a line, though it needs no decision."""
    said: list[str] = []
    before = report.previous.label
    for entry in report.satisfaction:
        if entry.score is None or entry.change is None or entry.change < NOTABLE_DROP:
            continue
        text = (
            f"{name(entry.customer.label)}'s {name(entry.kind.upper())} rose {points(entry.change)} on {before}, "
            f"to {score(entry.score.value, entry.kind)}"
        )
        previous = entry.previous
        if entry.met and previous is not None and entry.target is not None and previous.value < entry.target:
            text += f": back above the {score(entry.target, entry.kind)} target"
        said.append(text + ".")
    if report.compliance:
        worst = max(report.compliance, key=lambda p: (p.errors, p.day))
        last = report.compliance[-1]
        if worst.errors and not last.errors:
            said.append(
                f"The evidence had {plural(worst.errors, 'error')} at {worst.day} and none at {last.day}: "
                f"{_rules(worst.rules)}."
            )
    escalated = [t for t in report.complaints.received if t.complaint.escalations]
    if escalated:
        levels = [level or 0 for level, _person, _count in report.complaints.escalations]
        highest = max(levels, default=0)
        total = len(report.complaints.received)
        ids = listing([name(t.complaint.id or "?") for t in escalated])
        if total == 1:
            text = f"The one complaint received, {ids}, was escalated" + (f" to level {highest}" if highest else "")
        else:
            text = f"{len(escalated)} of the {total} complaints received {was(len(escalated))} escalated ({ids})"
            text += f", the furthest to level {highest}" if highest else ""
        said.append(text + (" of the escalation path." if highest else "."))
    closed = report.actions.closed
    if closed:
        done = len(closed) - len(report.actions.cancelled)
        on_time = len(report.actions.closed_on_time)
        cancelled = f" ({len(report.actions.cancelled)} cancelled)" if report.actions.cancelled else ""
        if not done:
            timing = ""
        elif on_time == done:
            timing = (", the others" if cancelled else ",") + (
                " all by their due date" if done > 1 else " by its due date"
            )
        else:
            timing = f"; {on_time} of the {done} done were done by their due date"
        said.append(f"{plural(len(closed), 'action')} {was(len(closed))} closed{cancelled}{timing}.")
    return said


def _rules(codes: Sequence[str]) -> str:
    """``REV004, no process review ...``: the rules behind the errors, by their titles."""
    from ..rules import load_rules

    rules = load_rules()
    shown = [f"{code}, {_lower(rules[code].title.rstrip('.'))}" if code in rules else code for code in codes]
    return "; ".join(shown[:3]) + (f"; and {len(shown) - 3} more rules" if len(shown) > 3 else "")


def _lower(title: str) -> str:
    """A title inside a sentence: its first word in lower case, unless it is a name or a code (REV001, BRM)."""
    first = title.split(" ", 1)[0]
    return title if first.isupper() or not first[:1].isupper() else first.lower() + title[len(first) :]


def _end(report: ManagementReport) -> str:
    return str(min(report.period.end, report.prepared))


def _below(entry: Satisfaction, before: str, name: Callable[[str], str]) -> str:
    assert entry.score is not None and entry.target is not None
    text = (
        f"{name(entry.customer.label)}'s {name(entry.kind.upper())} was {score(entry.score.value, entry.kind)}, "
        f"below the {score(entry.target, entry.kind)} target"
    )
    if entry.change is not None:
        direction = "up" if entry.change > 0 else "down" if entry.change < 0 else "unchanged"
        text += f" ({direction} {points(entry.change)} on {before})" if entry.change else f" (unchanged on {before})"
    actions = [a for r in entry.score.results for a in r.actions]
    if actions:
        text += f"; actions raised: {listing([name(a) for a in actions])}"
    else:
        text += "; no action was raised from the survey"
    return text + "."


def _confirmation(entry: object, name: Callable[[str], str]) -> str:
    from .figures import Confirmation

    assert isinstance(entry, Confirmation)
    who = name(entry.customer.label) if entry.customer is not None else "?"
    return f"{name(entry.subject)} ({who}, {entry.what}, due {entry.due})"


def _all_well(report: ManagementReport) -> str:
    met = sum(1 for s in report.satisfaction if s.met)
    judged = sum(1 for s in report.satisfaction if s.met is not None)
    due = report.reviews_due
    parts = [f"all {due} performance reviews due were held on time" if due > 1 else "the review due was held on time"]
    parts = parts if due else []
    if judged:
        parts.append(f"{met} of {judged} satisfaction scores met their target")
    parts.append("no action was past due")
    return f"Nothing needs management attention in {report.period.label}: {listing(parts, 6)}."
