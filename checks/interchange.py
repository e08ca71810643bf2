"""``business-relationships.json``, the one-file summary format, in and out.

The format (``checks/data/business-relationships.yaml`` names it and its validator's
four checks) carries ``customers[]`` (``service_name``, ``customer_name``,
``user_groups``, ``review_frequency``), ``complaint_procedure`` (``stages``,
``sla_acknowledgement`` as text such as "4 business hours", ``escalation_path`` as
text such as "A → B → C"), ``satisfaction_measurement`` (``method``, ``frequency``,
``target`` as text such as "85% satisfaction", ``metrics``) and ``communication_plan``
(``channels``, ``frequency``, ``escalation_paths``).

:func:`read_summary` turns a summary into the evidence ``brm import`` writes, with a
note for everything it could not parse or had to assume: services, customers (with
their user groups and review cadence), survey instruments, the procedures filled in
from ``brm init``'s templates, and a placeholder person (a role, no name) for each
step of an escalation path. :func:`summary` writes the format from the registers.
The two are inverses on what the format carries: importing an export gives back the
same registers.

The summary is untrusted input: every value is checked for its type, every text only
ever becomes a YAML string, and nothing in it names a file to write.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .dates import WORDS, Interval
from .init import NewFile, PersonEntry, Setup, evidence_file, evidence_files, manifest, slug
from .model import Consumption, Repository
from .policy import COMMUNICATION_PLAN, COMPLAINT_PROCEDURE, Policy

#: A summary larger than this is not one (the evidence files' own limit).
MAX_BYTES = 4 * 1024 * 1024
#: The tier imported customers are put in; a customer whose cadence differs keeps its own.
TIER = "standard"
STAGES = ("receipt", "logging", "investigation", "resolution", "feedback", "closed")
_STAGE_WORDS = {
    "receive": "receipt",
    "received": "receipt",
    "reception": "receipt",
    "intake": "receipt",
    "log": "logging",
    "logged": "logging",
    "record": "logging",
    "recording": "logging",
    "registration": "logging",
    "investigate": "investigation",
    "analysis": "investigation",
    "resolve": "resolution",
    "resolved": "resolution",
    "customer feedback": "feedback",
    "close": "closed",
    "closure": "closed",
}
_FREQUENCY_WORDS = {
    "daily": "P1D",
    "weekly": "P1W",
    "fortnightly": "P2W",
    "biweekly": "P2W",
    "bi-weekly": "P2W",
    "monthly": "monthly",
    "bimonthly": "P2M",
    "bi-monthly": "P2M",
    "quarterly": "quarterly",
    "semiannual": "semiannual",
    "semi-annual": "semiannual",
    "semiannually": "semiannual",
    "semi-annually": "semiannual",
    "half-yearly": "semiannual",
    "twice a year": "semiannual",
    "annual": "annual",
    "annually": "annual",
    "yearly": "annual",
    "once a year": "annual",
}
_UNITS = {"day": "D", "week": "W", "month": "M", "year": "Y"}
_EVERY = re.compile(r"every\s+(\d{1,3})\s+(day|week|month|year)s?\Z")
_BUSINESS_TIME = re.compile(
    r"(?:within\s+)?(\d{1,3}(?:\.\d+)?)\s*(business|working)?\s*(hours?|hrs?|h|minutes?|mins?|days?)\Z"
)
_ARROWS = re.compile(r"\s*(?:→|->|=>|⇒|➔|➜|⟶|>)\s*")
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*%")
_NPS = re.compile(r"\bnps\b[^-+\d]*([-+]?\d{1,3})", re.IGNORECASE)
#: How export writes an instrument in `method`, and how import reads it back.
_INSTRUMENT = re.compile(r"([A-Za-z-]+) survey \(([a-z0-9]+(?:-[a-z0-9]+)*)\)")
_METHOD_NAMES = {"csat": "CSAT", "nps": "NPS", "interview": "interview", "post-incident": "post-incident"}


@cache
def format_data() -> dict[str, Any]:
    """``checks/data/business-relationships.yaml``: the format and its validator's checks."""
    from .reader import Problem, parse_yaml

    text = resources.files("checks").joinpath("data", "business-relationships.yaml").read_text(encoding="utf-8")
    document = parse_yaml(text, "checks/data/business-relationships.yaml")
    if isinstance(document, Problem):  # pragma: no cover - a bug in the package's data
        raise ValueError(f"checks/data/business-relationships.yaml:{document.line}: {document.message}")
    data: dict[str, Any] = document.data
    return data


# -- free text ------------------------------------------------------------------------


def frequency(text: str) -> str | None:
    """An interval from words: "quarterly" -> ``quarterly``, "every 2 weeks" -> ``P2W``, ``P3M`` as is."""
    words = " ".join(text.strip().lower().replace("_", " ").split())
    if words in _FREQUENCY_WORDS:
        return _FREQUENCY_WORDS[words]
    every = _EVERY.match(words)
    if every and int(every.group(1)) > 0:
        return f"P{int(every.group(1))}{_UNITS[every.group(2)]}"
    if Interval.parse(text.strip()) is not None:
        return text.strip()
    return None


def frequency_in(text: str) -> str | None:
    """The first frequency word in a phrase: "Monthly status reports" -> ``monthly``."""
    lowered = text.lower()
    found = [(lowered.find(w), w) for w in _FREQUENCY_WORDS if re.search(rf"\b{re.escape(w)}\b", lowered)]
    return min(found)[1] if found else None


def business_time(text: str, day_hours: float = 8.0) -> str | None:
    """A length of business time: "4 business hours" -> ``PT4H``, "30 minutes" -> ``PT30M``.

    A business day is ``day_hours`` hours (the business hours of the complaint
    procedure), so "1 business day" is ``PT8H`` with the default 09:00-17:00.
    """
    words = " ".join(text.strip().lower().split())
    if Interval.parse(text.strip(), business_time=True) is not None and words.startswith("pt"):
        return text.strip()
    match = _BUSINESS_TIME.match(words)
    if match is None:
        return None
    amount, unit = float(match.group(1)), match.group(3)
    minutes = amount * (60 * day_hours if unit.startswith("d") else 1 if unit.startswith("m") else 60)
    if minutes <= 0 or minutes != int(minutes):
        return None
    hours, rest = divmod(int(minutes), 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest else "")


def targets(text: str) -> dict[str, int | float]:
    """Satisfaction targets: "85% satisfaction" -> ``{csat: 85}``, "NPS of +30" -> ``{nps: 30}``."""
    found: dict[str, int | float] = {}
    nps = _NPS.search(text)
    if nps and -100 <= int(nps.group(1)) <= 100:
        found["nps"] = int(nps.group(1))
    percent = _PERCENT.search(text)
    if percent and 0 <= float(percent.group(1)) <= 100:
        value = float(percent.group(1))
        found["csat"] = int(value) if value.is_integer() else value
    return found


def steps(text: str) -> list[str]:
    """An escalation path: "A → B → C" (or ->, =>, >; else commas or "then") -> [A, B, C]."""
    parts = _ARROWS.split(text) if _ARROWS.search(text) else re.split(r"\s*(?:,|;|\bthen\b)\s*", text)
    return [p.strip() for p in parts if p.strip()]


def stage(text: str) -> str | None:
    words = " ".join(text.strip().lower().split())
    return words if words in STAGES else _STAGE_WORDS.get(words)


def method_of(text: str) -> str:
    """An instrument's method from its name: NPS, interview, post-incident, else CSAT."""
    lowered = text.lower()
    if "nps" in lowered or "net promoter" in lowered:
        return "nps"
    if "incident" in lowered:
        return "post-incident"
    if "interview" in lowered:
        return "interview"
    return "csat"


# -- import -------------------------------------------------------------------------


@dataclass
class Imported:
    """What a summary becomes: the setup of the procedures, the register records, and the notes."""

    setup: Setup
    services: list[dict[str, Any]] = field(default_factory=list)
    customers: list[dict[str, Any]] = field(default_factory=list)
    instruments: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    #: Everything not parsed, assumed, or left for a person: "where: what".
    notes: list[str] = field(default_factory=list)

    def note(self, where: str, text: str) -> None:
        self.notes.append(f"{where}: {text}")


class SummaryError(Exception):
    """The file is not a summary at all: one sentence that says why."""


def load_summary(path: Path) -> dict[str, Any]:
    """The summary's JSON object, from a regular file no larger than :data:`MAX_BYTES`."""
    try:
        if not path.is_file():
            raise SummaryError(f"{path}: not a file")
        with path.open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except OSError as error:
        raise SummaryError(f"{path}: cannot be read ({error.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise SummaryError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MiB: not a summary")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SummaryError(f"{path}: not UTF-8 text: save it as UTF-8") from None
    except json.JSONDecodeError as error:
        raise SummaryError(f"{path}:{error.lineno}:{error.colno}: not valid JSON ({error.msg})") from None
    except RecursionError:
        raise SummaryError(f"{path}: nested too deeply to be a summary") from None
    if not isinstance(data, dict):
        raise SummaryError(f"{path}: the summary is a JSON object with `customers`, `complaint_procedure`, ...")
    try:
        cleaned: dict[str, Any] = _cleaned(data)
    except RecursionError:
        raise SummaryError(f"{path}: nested too deeply to be a summary") from None
    return cleaned


def _cleaned(value: Any) -> Any:
    """Every text of the summary, with lone surrogates (which no file can hold) replaced."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    if isinstance(value, dict):
        return {_cleaned(k): _cleaned(v) for k, v in value.items()}
    return value


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _clean(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text).strip()


def _text(value: Any) -> str | None:
    return _clean(value) if isinstance(value, str) and _clean(value) else None


def _texts(imported: Imported, where: str, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        imported.note(where, "not a list: left out")
        return []
    found = [_clean(v) for v in value if isinstance(v, str) and _clean(v)]
    if len(found) != len(value):
        imported.note(where, "items that are not text were left out")
    return list(dict.fromkeys(found))


def _part(imported: Imported, data: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = data.get(name)
    if value is None:
        imported.note(name, "not in the summary")
        return None
    if not isinstance(value, dict):
        imported.note(name, "not a JSON object: left out")
        return None
    return value


class _People:
    """Placeholder people for the steps of escalation paths, one per role."""

    def __init__(self, setup: Setup) -> None:
        self.known = {p.id: p for p in setup.staff}
        self.created: dict[str, PersonEntry] = {}

    def path(self, roles: list[str]) -> list[str]:
        ids = []
        for role in roles:
            person_id = slug(role)[:60].strip("-")
            if not person_id:
                continue
            if person_id not in self.known and person_id not in self.created:
                self.created[person_id] = PersonEntry(person_id, role)
            ids.append(person_id)
        return list(dict.fromkeys(ids))


def read_summary(data: dict[str, Any], base: Setup) -> Imported:
    """The evidence a summary describes, over ``base`` (the flags: provider, people, time zone)."""
    defaults = manifest()["defaults"]
    setup = Setup(
        provider=base.provider,
        as_of=base.as_of,
        owner=base.owner,
        approver=base.approver,
        timezone=base.timezone,
        country=base.country,
        subdivision=base.subdivision,
        grace=defaults["grace"],
        representative_confirmation=defaults["representative_confirmation"],
        requirements_confirmation=defaults["requirements_confirmation"],
        process_review_interval=defaults["process_review_interval"],
        procedure_review_interval=base.procedure_review_interval,
        business_days=base.business_days,
        business_start=base.business_start,
        business_end=base.business_end,
        approved=base.approved,
        resolution_target=base.resolution_target,
        hook_repo=base.hook_repo,
        hook_rev=base.hook_rev,
        repo_url=base.repo_url,
        procedures=("brm-procedure",),
    )
    imported = Imported(setup)
    known = set(data) - {p["part"] for p in format_data()["checks"]}
    if known:
        imported.note("summary", f"fields this format does not have were left out: {', '.join(sorted(known))}")
    people = _People(setup)
    review_cadence = _customers(imported, data)
    survey = _satisfaction(imported, data)
    tier: dict[str, str] = {}
    if review_cadence:
        tier["review_interval"] = review_cadence
    else:
        imported.note("customers", "no review_frequency: the tier has no review interval (PRO003)")
    if survey:
        tier["survey_interval"] = survey
    setup.tiers = {TIER: tier}
    _complaints(imported, data, people)
    _communication(imported, data, people)
    setup.people = list(people.created.values())
    if people.created:
        roles = ", ".join(f"{p.id} ({p.role})" for p in people.created.values())
        imported.note("escalation paths", f"people to be named, created as placeholders: {roles}")
    if setup.resolution_target is None and COMPLAINT_PROCEDURE in setup.procedures:
        imported.note("complaint_procedure", "no resolution target in the summary: set `resolution_target` (PRO003)")
    return imported


def _customers(imported: Imported, data: dict[str, Any]) -> str | None:
    """Services and customers; returns the tier's review cadence (the most common one)."""
    entries = data.get("customers")
    if entries is None:
        imported.note("customers", "not in the summary")
        return None
    if not isinstance(entries, list):
        imported.note("customers", "not a list: left out")
        return None
    services: dict[str, dict[str, Any]] = {}
    customers: dict[str, dict[str, Any]] = {}
    names: dict[str, str] = {}  # id -> the name it was made from
    cadences: dict[str, list[str]] = {}
    for index, entry in enumerate(entries):
        where = f"customers[{index}]"
        if not isinstance(entry, dict):
            imported.note(where, "not a JSON object: left out")
            continue
        service_name, customer_name = _text(entry.get("service_name")), _text(entry.get("customer_name"))
        service_id = _unique_id(service_name, names, "service") if service_name else None
        if service_name and service_id is None:
            imported.note(where, f"service_name '{service_name[:80]}' gives no id: left out")
        if service_id and service_id not in services:
            services[service_id] = {"id": service_id, "name": service_name, "in_scope": True}
        if not customer_name:
            imported.note(where, "no customer_name: the service has no customer here (SVC001)")
            continue
        customer_id = _unique_id(customer_name, names, "customer")
        if customer_id is None:
            imported.note(where, f"customer_name '{customer_name[:80]}' gives no id: left out")
            continue
        customer = customers.setdefault(
            customer_id, {"id": customer_id, "name": customer_name, "tier": TIER, "services": []}
        )
        groups = _texts(imported, f"{where}.user_groups", entry.get("user_groups"))
        if service_id:
            customer["services"].append({"service": service_id, "user_groups": groups or None})
        else:
            imported.note(where, "no service_name: the customer consumes no service here")
        cadence_text = entry.get("review_frequency")
        if cadence_text is not None:
            cadence = frequency(cadence_text) if isinstance(cadence_text, str) else None
            if cadence is None:
                imported.note(f"{where}.review_frequency", f"'{str(cadence_text)[:80]}' is not a frequency: left out")
            else:
                cadences.setdefault(customer_id, []).append(cadence)
    tier_cadence = None
    own: dict[str, str] = {}
    for customer_id, found in cadences.items():
        shortest = min(found, key=_length)
        if len(set(found)) > 1:
            imported.note(customer_id, f"several review frequencies ({', '.join(found)}): the shortest, {shortest}")
        own[customer_id] = shortest
    if own:
        counts = Counter(own.values())
        tier_cadence = min(counts, key=lambda c: (-counts[c], _length(c)))
    for customer_id, customer in customers.items():
        if own.get(customer_id, tier_cadence) != tier_cadence:
            customer["review_interval"] = own[customer_id]
        customer["services"] = customer["services"] or None
    imported.services = list(services.values())
    imported.customers = list(customers.values())
    for customer in imported.customers:
        imported.note(
            customer["id"],
            "no representative, counterpart or agreed requirements in the summary: see `brm status --plan`",
        )
    return tier_cadence


def _unique_id(name: str, names: dict[str, str], kind: str) -> str | None:
    """The id a name gives; a second name with the same id gets a number (``retailco-2``)."""
    base = slug(name)[:60].strip("-")
    if not base:
        return None
    candidate, number = base, 1
    while names.get(f"{kind}:{candidate}", name) != name:
        number += 1
        candidate = f"{base}-{number}"
    names[f"{kind}:{candidate}"] = name
    return candidate


def _length(cadence: str) -> date:
    interval = Interval.parse(cadence)
    return interval.after(date(2000, 1, 1)) if interval is not None else date.max


def _satisfaction(imported: Imported, data: dict[str, Any]) -> str | None:
    part = _part(imported, data, "satisfaction_measurement")
    if part is None:
        return None
    setup = imported.setup
    target_text = part.get("target")
    if isinstance(target_text, str) and target_text.strip():
        found = targets(target_text)
        if found:
            setup.satisfaction_targets = found
        else:
            imported.note("satisfaction_measurement.target", f"'{target_text[:80]}' is not a target such as 85%")
    else:
        imported.note("satisfaction_measurement.target", "no target (PRO003)")
    method_text = _text(part.get("method")) or ""
    if not method_text:
        imported.note("satisfaction_measurement.method", "no method")
    declared = {instrument_id: method.lower() for method, instrument_id in _INSTRUMENT.findall(method_text)}
    metrics = _texts(imported, "satisfaction_measurement.metrics", part.get("metrics"))
    if not metrics:
        imported.note("satisfaction_measurement.metrics", "no metrics: no survey instrument is created")
    seen: set[str] = set()
    for metric in metrics:
        instrument_id = slug(metric)[:60].strip("-")
        if not instrument_id or instrument_id in seen:
            imported.note("satisfaction_measurement.metrics", f"'{metric[:80]}' gives no new instrument id: left out")
            continue
        seen.add(instrument_id)
        method = declared.get(instrument_id)
        if method not in _METHOD_NAMES:
            method = method_of(metric)
        record = {
            "type": "survey-instrument",
            "id": instrument_id,
            "title": metric,
            "version": "1",
            "method": method,
        }
        body = f"# {metric}\n\nImported from business-relationships.json; its method: {method_text or 'not given'}\n"
        imported.instruments.append((record, body))
    if metrics:
        imported.note("surveys/instruments", "the instruments have no questions yet: write them before the survey")
    cadence_text = part.get("frequency")
    cadence = frequency(cadence_text) if isinstance(cadence_text, str) else None
    if cadence is None:
        shown = f"'{str(cadence_text)[:80]}' is not a frequency" if cadence_text is not None else "no frequency"
        imported.note("satisfaction_measurement.frequency", f"{shown}: the tier has no survey interval (PRO003)")
    return cadence


def _complaints(imported: Imported, data: dict[str, Any], people: _People) -> None:
    part = _part(imported, data, "complaint_procedure")
    if part is None:
        return
    setup = imported.setup
    setup.procedures += (COMPLAINT_PROCEDURE,)
    stages = []
    for text in _texts(imported, "complaint_procedure.stages", part.get("stages")):
        found = stage(text)
        if found is None:
            imported.note("complaint_procedure.stages", f"'{text[:80]}' is not one of {', '.join(STAGES)}: left out")
        elif found not in stages:
            stages.append(found)
    setup.stages = stages or None
    if not stages:
        imported.note("complaint_procedure.stages", "no stages (PRO001)")
    acknowledgement = part.get("sla_acknowledgement")
    if isinstance(acknowledgement, str) and acknowledgement.strip():
        start, end = (int(t[:2]) * 60 + int(t[3:]) for t in (setup.business_start, setup.business_end))
        parsed = business_time(acknowledgement, (end - start) / 60)
        if parsed is None:
            imported.note("complaint_procedure.sla_acknowledgement", f"'{acknowledgement[:80]}' is not a duration")
        setup.acknowledgement = parsed
    else:
        imported.note("complaint_procedure.sla_acknowledgement", "no acknowledgement target (PRO001)")
    imported.note(
        "complaint_procedure",
        f"business hours are assumed: {', '.join(setup.business_days)} {setup.business_start}-{setup.business_end} "
        f"{setup.timezone}" + (f", {setup.country} holidays" if setup.country else ", no public holidays"),
    )
    path = part.get("escalation_path")
    roles = steps(path) if isinstance(path, str) else _texts(imported, "complaint_procedure.escalation_path", path)
    setup.complaint_escalation = people.path(roles) or []
    if not setup.complaint_escalation:
        imported.note("complaint_procedure.escalation_path", "no escalation path (PRO001)")


def _communication(imported: Imported, data: dict[str, Any], people: _People) -> None:
    part = _part(imported, data, "communication_plan")
    if part is None:
        return
    setup = imported.setup
    setup.procedures += (COMMUNICATION_PLAN,)
    setup.channels = _texts(imported, "communication_plan.channels", part.get("channels")) or None
    if not setup.channels:
        imported.note("communication_plan.channels", "no channels (COM001)")
    text = part.get("frequency")
    communications: list[dict[str, str]] = []
    if isinstance(text, str) and text.strip():
        for item in re.split(r"\s*;\s*", text) if ";" in text else re.split(r"\s*,\s*|\s+and\s+", text):
            what, separator, how_often = item.partition(": ")
            if not what.strip():
                continue
            if separator:
                communications.append({"what": what.strip(), "frequency": how_often.strip()})
                continue
            word = frequency_in(item)
            communications.append({"what": item.strip(), **({"frequency": word} if word else {})})
            if word is None:
                imported.note("communication_plan.frequency", f"no frequency in '{item[:80]}'")
        imported.note("communication_plan", "no audience in the summary: add each communication's `audience` (COM001)")
    else:
        imported.note("communication_plan.frequency", "no frequency (COM001)")
    setup.communications = [{**c, "owner": setup.owner.id} for c in communications] or None
    paths = part.get("escalation_paths")
    roles = steps(paths) if isinstance(paths, str) else _texts(imported, "communication_plan.escalation_paths", paths)
    setup.communication_escalation = people.path(roles) or []
    if not setup.communication_escalation:
        imported.note("communication_plan.escalation_paths", "no escalation path (COM001)")


def import_files(imported: Imported, repository: Repository, stem: str) -> list[NewFile]:
    """The files an import writes; records whose id the repository already holds are left out, with a note."""
    files, kept = evidence_files(imported.setup, repository)
    imported.notes += kept
    name = slug(stem) or "summary"
    for register, records, held in (
        ("services", imported.services, {s.id for s in repository.services}),
        ("customers", imported.customers, {c.id for c in repository.customers}),
    ):
        new = [r for r in records if r["id"] not in held]
        for record in records:
            if record["id"] in held:
                imported.note(f"registers/{register}: {record['id']}", "already in the registers: kept as it is")
        if new:
            files.append(_register_file(f"registers/{register}/{name}.yaml", register, new, stem))
    instruments = {i.id for i in repository.instruments}
    for record, body in imported.instruments:
        if record["id"] in instruments:
            imported.note(f"surveys/instruments: {record['id']}", "already in the registers: kept as it is")
            continue
        files.append(evidence_file(f"surveys/instruments/{record['id']}.md", "survey-instrument", record, body))
    return files


def _register_file(path: str, register: str, records: list[dict[str, Any]], source: str) -> NewFile:
    """A register file holding a list of records, in the summary's order."""
    from .init import _prune

    type_name = {"services": "service", "customers": "customer"}[register]
    parts = [evidence_file(path, type_name, record).text for record in records]
    modeline, *_ = parts[0].split("\n", 1)
    items = []
    for text in parts:
        fields = text.split("\n", 1)[1].rstrip("\n").split("\n")
        items.append("\n".join([f"- {fields[0]}", *(f"  {line}" for line in fields[1:])]))
    text = "\n".join([modeline, f"# Imported from a business-relationships.json summary ({source}).", *items]) + "\n"
    return NewFile(path, text, type_name, [_prune(r) for r in records])


# -- export -------------------------------------------------------------------------


def _word(interval: Interval | None) -> str | None:
    if interval is None:
        return None
    words = {iso: word for word, iso in WORDS.items()}
    return interval.text if interval.text in WORDS else words.get(interval.text, interval.text)


def _hours_text(interval: Interval | None) -> str | None:
    if interval is None:
        return None
    minutes = round(interval.hours() * 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} business hour{'s' if hours != 1 else ''}"
    return f"{minutes} business minutes"


def _label(repository: Repository, person_id: str) -> str:
    person = repository.people.get(person_id)
    if person is None:
        return person_id
    return person.role or person.name or person_id


def summary(repository: Repository) -> dict[str, Any]:
    """The registers as ``business-relationships.json``."""
    policy = Policy.from_repository(repository)
    services = repository.by_id(repository.services)
    out: dict[str, Any] = {"customers": []}
    for customer in repository.customers:
        cadence = _word(policy.review_interval(customer.review_interval, customer.tier))
        consumptions: list[Consumption | None] = list(customer.services) or [None]
        for consumption in consumptions:
            entry: dict[str, Any] = {}
            if consumption is not None:
                service = services.get(consumption.service)
                entry["service_name"] = (service.name if service else None) or consumption.service
            entry["customer_name"] = customer.label
            entry["user_groups"] = consumption.user_groups if consumption is not None else []
            if cadence:
                entry["review_frequency"] = cadence
            out["customers"].append(entry)
    complaints = repository.procedure(COMPLAINT_PROCEDURE)
    if complaints is not None:
        raw = complaints.raw
        part: dict[str, Any] = {"stages": [s for s in raw.get("stages") or [] if isinstance(s, str)]}
        acknowledgement = _hours_text(Interval.parse(raw.get("acknowledgement"), business_time=True))
        if acknowledgement:
            part["sla_acknowledgement"] = acknowledgement
        path = [p for p in raw.get("escalation_path") or [] if isinstance(p, str)]
        if path:
            part["escalation_path"] = " → ".join(_label(repository, p) for p in path)
        out["complaint_procedure"] = part
    measurement: dict[str, Any] = {}
    instruments = [i for i in repository.instruments if i.id]
    if instruments:
        measurement["method"] = " + ".join(
            f"{_METHOD_NAMES.get(i.method or '', i.method or 'a')} survey ({i.id})" for i in instruments
        )
    survey_cadences = list(dict.fromkeys(_word(t.survey_interval) for t in policy.tiers.values() if t.survey_interval))
    if len(survey_cadences) == 1:
        measurement["frequency"] = survey_cadences[0]
    elif survey_cadences:
        measurement["frequency"] = "; ".join(
            f"{name}: {_word(t.survey_interval)}" for name, t in policy.tiers.items() if t.survey_interval
        )
    shown = []
    if "csat" in policy.satisfaction_targets:
        shown.append(f"{_number(policy.satisfaction_targets['csat'])}% satisfaction")
    if "nps" in policy.satisfaction_targets:
        shown.append(f"NPS {_number(policy.satisfaction_targets['nps'])}")
    if shown:
        measurement["target"] = ", ".join(shown)
    if instruments:
        measurement["metrics"] = [str(i.raw.get("title") or i.id) for i in instruments]
    if measurement:
        out["satisfaction_measurement"] = measurement
    plan = repository.procedure(COMMUNICATION_PLAN)
    if plan is not None:
        raw = plan.raw
        communications = [c for c in raw.get("communications") or [] if isinstance(c, dict) and c.get("what")]
        out["communication_plan"] = {
            "channels": [c for c in raw.get("channels") or [] if isinstance(c, str)],
            "frequency": "; ".join(
                f"{c['what']}: {c['frequency']}" if c.get("frequency") else str(c["what"]) for c in communications
            ),
            "escalation_paths": [_label(repository, p) for p in raw.get("escalation_path") or [] if isinstance(p, str)],
        }
    return out


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def render_summary(repository: Repository) -> str:
    return json.dumps(summary(repository), indent=2, ensure_ascii=False) + "\n"


# -- the commands -------------------------------------------------------------------


def configure_import(parser: argparse.ArgumentParser) -> None:
    from .init import add_setup_flags

    parser.add_argument("summary", metavar="FILE", help="the business-relationships.json summary to import")
    from .roots import add_root

    add_root(parser)
    add_setup_flags(parser)


def run_import(args: argparse.Namespace, today: date, interactive: bool, ask: Callable[[str], str] = input) -> str:
    """``brm import``: write what the summary describes, and say what was left for a person."""
    from .init import ask_missing, existing, outcome_lines, setup_from, write

    data = load_summary(Path(args.summary))
    if interactive:
        ask_missing(args, ask, ("provider", "timezone", "country", "owner", "approver"))
    base = setup_from(args, today)
    # The resolution target is the summary's to give (it has none): only a flag sets it.
    imported = read_summary(data, replace(base, resolution_target=args.resolution_target))
    root = Path(args.root)
    files = import_files(imported, existing(root), Path(args.summary).stem)
    outcome = write(root, files)
    lines = [f"Imported {args.summary} into {root}:", *outcome_lines(outcome)]
    if imported.notes:
        lines += ["", "Not in the summary, not parsed, or assumed (left for a person):"]
        lines += [f"  - {note}" for note in imported.notes]
    lines += ["", f"Next: brm status --plan {root}   (what the summary did not contain, step by step)"]
    return "\n".join(lines) + "\n"
