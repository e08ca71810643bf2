"""``brm init``: a new evidence repository, from templates, that ``brm check`` accepts.

It writes the three procedures filled in from ``checks/templates/procedures`` (the BRM
procedure with its whole policy, complaint handling with its stages, targets,
business hours and holidays, the communication plan), the people they name, empty
registers, and the tooling of ``checks/templates/repository``: ``mkdocs.yml`` with the
plugin, ``.pre-commit-config.yaml`` with this project's hook, the GitHub workflows,
the pull-request template, the editor settings and schemas, and a README.

Every answer is a flag; on a terminal the essential ones are asked for when their
flag is missing, and nothing is ever asked otherwise. A file that exists is never
written over: it is listed and skipped. What only people can supply (who owns the
procedures, the services and customers, the evidence itself) is left for
``brm status --plan`` to list: a person the procedures need but the flags do not name
is written as a placeholder without a name, which ``brm check`` reports.

``brm import`` (:mod:`checks.interchange`) fills the same templates from a
``business-relationships.json`` summary.
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import __version__
from .dates import Interval
from .schema import choices
from .writing import EXISTS, Outcome, WriteError, write_new

if TYPE_CHECKING:
    from .model import Repository

#: Where the procedures go, by id, and the template each is filled from.
PROCEDURES = {
    "brm-procedure": "procedures/business-relationship-management.md",
    "complaint-handling": "procedures/complaint-handling.md",
    "communication-plan": "procedures/communication-plan.md",
}
SCHEMA_DIR = ".vscode/schemas"
STYLESHEET = "docs/assets/brm.css"
DAYS = choices("procedure", "properties", "business_hours", "properties", "days", "items")
_WHOLE = re.compile(r"\$\{([a-z_]+)\}\Z")
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d\Z")


class InitError(Exception):
    """The repository cannot be set up as asked: one sentence that says why."""


@cache
def manifest() -> dict[str, Any]:
    """``checks/templates/init.yaml``, read by the strict reader."""
    from .reader import Problem, parse_yaml

    document = parse_yaml(_template("init.yaml"), "checks/templates/init.yaml")
    if isinstance(document, Problem):  # pragma: no cover - a bug in the package's data
        raise InitError(f"checks/templates/init.yaml:{document.line}: {document.message}")
    data: dict[str, Any] = document.data
    return data


def _template(relative: str) -> str:
    return resources.files("checks").joinpath("templates", *relative.split("/")).read_text(encoding="utf-8")


def slug(text: str) -> str:
    """A lower-case id from a name: ``José Núñez`` -> ``jose-nunez``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# -- the answers --------------------------------------------------------------------


@dataclass(frozen=True)
class PersonEntry:
    """One of our people the procedures name; ``name`` None is a placeholder to be named."""

    id: str
    role: str
    name: str | None = None


@dataclass
class Setup:
    """Every answer the new repository is made from."""

    provider: str
    as_of: date
    owner: PersonEntry
    approver: PersonEntry
    timezone: str = "UTC"
    country: str | None = None
    subdivision: str | None = None
    tiers: dict[str, dict[str, str]] | None = None
    grace: str | None = None
    satisfaction_targets: dict[str, int | float] | None = None
    representative_confirmation: str | None = None
    requirements_confirmation: str | None = None
    process_review_interval: str | None = None
    procedure_review_interval: str = "P1Y"
    stages: list[str] | None = None
    acknowledgement: str | None = None
    resolution_target: str | None = None
    business_days: list[str] = field(default_factory=lambda: list(DAYS[:5]))
    business_start: str = "09:00"
    business_end: str = "17:00"
    channels: list[str] | None = None
    communications: list[dict[str, str]] | None = None
    #: Person ids, first to last; None: the owner, then the approver.
    complaint_escalation: list[str] | None = None
    communication_escalation: list[str] | None = None
    #: More people to write (``brm import``'s escalation placeholders).
    people: list[PersonEntry] = field(default_factory=list)
    approved: date | None = None
    hook_repo: str = ""
    hook_rev: str = ""
    repo_url: str | None = None
    #: The procedures to write, by id (``brm import`` leaves out what the summary lacks).
    procedures: tuple[str, ...] = tuple(PROCEDURES)

    @classmethod
    def defaults(cls, provider: str, as_of: date) -> Setup:
        """The answers of ``checks/templates/init.yaml``, for ``provider``."""
        data = manifest()
        d = data["defaults"]
        placeholders = data["placeholders"]
        return cls(
            provider=provider,
            as_of=as_of,
            owner=PersonEntry(placeholders["owner"]["id"], placeholders["owner"]["role"]),
            approver=PersonEntry(placeholders["approver"]["id"], placeholders["approver"]["role"]),
            timezone=d["timezone"],
            tiers={name: dict(spec) for name, spec in d["tiers"].items()},
            grace=d["grace"],
            satisfaction_targets=dict(d["satisfaction_targets"]),
            representative_confirmation=d["representative_confirmation"],
            requirements_confirmation=d["requirements_confirmation"],
            process_review_interval=d["process_review_interval"],
            procedure_review_interval=d["procedure_review_interval"],
            stages=list(d["stages"]),
            acknowledgement=d["acknowledgement"],
            resolution_target=d["resolution_target"],
            business_days=list(d["business_days"]),
            business_start=d["business_start"],
            business_end=d["business_end"],
            channels=list(d["channels"]),
            communications=[dict(c) for c in d["communications"]],
            hook_repo=d["hook_repo"],
            hook_rev=d["hook_rev"].format(version=__version__),
        )

    @property
    def staff(self) -> list[PersonEntry]:
        """Everyone to write into registers/people, each id once."""
        found: dict[str, PersonEntry] = {}
        for person in (self.owner, self.approver, *self.people):
            found.setdefault(person.id, person)
        return list(found.values())

    @property
    def placeholders(self) -> list[PersonEntry]:
        return [p for p in self.staff if p.name is None]

    def escalation(self, path: list[str] | None) -> list[str]:
        return path if path is not None else list(dict.fromkeys([self.owner.id, self.approver.id]))


# -- what is written ----------------------------------------------------------------


@dataclass
class NewFile:
    """One file of the new repository: its path, its text, and how to check it before writing."""

    path: str
    text: str
    #: Evidence: the schema type it must read back as, the record(s) it holds and the
    #: fields a placeholder leaves out on purpose.
    type_name: str | None = None
    records: Any = None
    markdown: bool = False
    left_out: tuple[str, ...] = ()


def _prune(value: Any) -> Any:
    """A record as the reader gives it back: no empty fields, dates as ISO text."""
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def evidence_file(
    path: str, type_name: str, record: dict[str, Any], body: str | None = None, left_out: tuple[str, ...] = ()
) -> NewFile:
    """A record (or a Markdown front-matter and body) as ``brm new`` writes it: one schema line, then the fields."""
    from .scaffold import Draft, render

    text = render(Draft(path, type_name, record, body), Path("."))
    return NewFile(path, text, type_name, _prune(record), body is not None, left_out)


def _fill(value: Any, values: dict[str, Any]) -> Any:
    """Replace ``"${name}"`` placeholders in front-matter data: a whole value by the typed answer."""
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    if isinstance(value, str):
        whole = _WHOLE.match(value)
        if whole:
            return values[whole.group(1)]
        return Template(value).substitute(values) if "$" in value else value
    return value


def _every(interval: str | None, noun: str) -> str:
    from .coverage import every

    parsed = Interval.parse(interval) if interval else None
    return every(parsed, noun) if parsed is not None else f"no {noun} planned"


def procedure_files(setup: Setup) -> list[NewFile]:
    """The procedures, filled in from their templates."""
    return [evidence_file(path, "procedure", record, body) for path, record, body in procedure_drafts(setup)]


def procedure_drafts(setup: Setup) -> list[tuple[str, dict[str, Any], str]]:
    """Each procedure of ``setup.procedures`` from its template: its path, front-matter and body (``brm new`` too)."""
    from .reader import Problem, read_markdown

    people = {p.id: p for p in setup.staff}
    next_review = Interval.parse(setup.procedure_review_interval) or Interval.parse("P1Y")
    assert next_review is not None
    stage_texts = manifest()["stages"]
    business_hours: dict[str, Any] = {
        "days": setup.business_days,
        "start": setup.business_start,
        "end": setup.business_end,
        "timezone": setup.timezone,
        "holidays": setup.country,
        "subdivision": setup.subdivision,
    }
    communications = [{**c, "owner": c.get("owner") or setup.owner.id} for c in setup.communications or []] or None
    values: dict[str, Any] = {
        "provider": setup.provider,
        "owner": setup.owner.id,
        "approver": setup.approver.id,
        "approved": setup.approved,
        "next_review": next_review.after(setup.approved or setup.as_of),
        "tiers": setup.tiers or None,
        "grace": setup.grace,
        "satisfaction_targets": setup.satisfaction_targets or None,
        "representative_confirmation": setup.representative_confirmation,
        "requirements_confirmation": setup.requirements_confirmation,
        "process_review_interval": setup.process_review_interval,
        "stages": setup.stages or None,
        "acknowledgement": setup.acknowledgement,
        "resolution_target": setup.resolution_target,
        "business_hours": business_hours,
        "escalation_path": None,  # per procedure, below
        "channels": setup.channels or None,
        "communications": communications,
        "tiers_text": "\n".join(
            f"- **{name}**: {_every(spec.get('review_interval'), 'performance reviews')}, "
            f"{_every(spec.get('survey_interval'), 'satisfaction surveys')}."
            for name, spec in (setup.tiers or {}).items()
        )
        or "No tier is defined yet: add them to `policy.tiers` above.",
        "stages_text": "\n".join(
            f"{i}. **{stage.capitalize()}.** {stage_texts.get(stage, '')}".rstrip()
            for i, stage in enumerate(setup.stages or [], 1)
        )
        or "No stage is defined yet: list them under `stages` above.",
        "channels_text": "\n".join(f"- {channel}" for channel in setup.channels or [])
        or "No channel is named yet: list them under `channels` above.",
        "communications_text": "\n".join(
            f"- **{c.get('what', 'A communication')}**"
            + (f" to {c['audience']}" if c.get("audience") else "")
            + (f", {c['frequency']}" if c.get("frequency") else "")
            + (f", sent by {_who(people, c['owner'])}" if c.get("owner") else "")
            + "."
            for c in communications or []
        )
        or "No communication is planned yet: list them under `communications` above.",
    }
    drafts = []
    for procedure_id in setup.procedures:
        path = PROCEDURES[procedure_id]
        document = read_markdown(_template(path), f"checks/templates/{path}")
        if isinstance(document, Problem):  # pragma: no cover - a bug in the package's data
            raise InitError(f"checks/templates/{path}:{document.line}: {document.message}")
        own = dict(values)
        if procedure_id == "complaint-handling":
            own["escalation_path"] = setup.escalation(setup.complaint_escalation) or None
        elif procedure_id == "communication-plan":
            own["escalation_path"] = setup.escalation(setup.communication_escalation) or None
        record = _fill(document.data, own)
        body = Template(document.body or "").substitute({k: _text(v) for k, v in own.items()})
        drafts.append((path, record, body.lstrip("\n")))
    return drafts


def _who(people: dict[str, PersonEntry], person_id: str) -> str:
    person = people.get(person_id)
    return f"{person.name or person.role} (`{person_id}`)" if person else f"`{person_id}`"


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def people_files(setup: Setup) -> list[NewFile]:
    """Each person the procedures name, one file each; a placeholder has no `name`."""
    files = []
    for person in setup.staff:
        record = {"id": person.id, "name": person.name, "role": person.role}
        files.append(
            evidence_file(
                f"registers/people/{person.id}.yaml", "person", record, left_out=() if person.name else ("name",)
            )
        )
    return files


def register_files() -> list[NewFile]:
    """The empty registers, and the folders evidence goes into."""
    data = manifest()
    files = []
    for name, about in data["registers"].items():
        text = f"# {about}\n# One record each; `brm new` adds records as files under registers/{name}/.\n[]\n"
        files.append(NewFile(f"registers/{name}.yaml", text))
    files += [NewFile(f"{folder}/.gitkeep", "") for folder in data["folders"]]
    return files


def tooling_files(setup: Setup) -> list[NewFile]:
    """The repository's tooling from ``checks/templates/repository``, the editor schemas and the stylesheet."""
    from .schema import TYPES, file_schema

    requirement = f"brm-evidence @ git+{setup.hook_repo}@{setup.hook_rev}"
    values = {
        "provider": setup.provider,
        "site_name": f"{setup.provider}: business relationship management evidence",
        "site_description": f"Evidence for ISO/IEC 20000-1:2018 clause 8.3.2 at {setup.provider}",
        "hook_repo": setup.hook_repo,
        "hook_rev": setup.hook_rev,
        "requirement": requirement,
        "repo_url_line": (
            f"      repo_url: {json.dumps(setup.repo_url)}   # link each evidence file at its commit\n"
            if setup.repo_url
            else "      # repo_url: https://github.com/OWNER/REPO   # link each evidence file at its commit\n"
        ),
    }
    raw = {"repo_url_line"}  # already YAML
    files = []
    for entry in manifest()["files"]:
        text = _template(f"repository/{entry['template']}")
        fill = entry.get("fill")
        if fill == "yaml":
            text = Template(text).substitute({k: v if k in raw else json.dumps(v) for k, v in values.items()})
        elif fill == "text":
            text = Template(text).substitute(values)
        files.append(NewFile(entry["path"], text))
    files += [
        NewFile(f"{SCHEMA_DIR}/{type_name}.schema.json", json.dumps(file_schema(type_name), indent=2) + "\n")
        for type_name in TYPES
    ]
    stylesheet = resources.files("checks").joinpath("site", "docs", "assets", "brm.css").read_text(encoding="utf-8")
    files.append(NewFile(STYLESHEET, stylesheet))
    return files


def evidence_files(setup: Setup, repository: Repository | None = None) -> tuple[list[NewFile], list[str]]:
    """The procedures and people, except those whose id the repository already holds (with a note each)."""
    notes = []
    if repository is not None:
        held = [p for p in setup.procedures if repository.procedure(p) is not None]
        for procedure_id in held:
            found = repository.procedure(procedure_id)
            assert found is not None
            notes.append(f"procedure {procedure_id} is already in {found.source.path}: kept as it is")
        setup = replace(setup, procedures=tuple(p for p in setup.procedures if p not in held))
        people = set(repository.people)
        for person in setup.staff:
            if person.id in people:
                notes.append(f"person {person.id} is already in the registers: kept as it is")
        setup = replace(setup, people=[p for p in setup.people if p.id not in people])
        files = procedure_files(setup) + [f for f in people_files(setup) if f.records["id"] not in people]
        return files, notes
    return [*procedure_files(setup), *people_files(setup)], notes


def verify(new: NewFile) -> None:
    """Read an evidence file back as ``brm check`` will, and validate it against its schema."""
    from .reader import Problem, parse_yaml, read_markdown
    from .schema import validator

    if new.type_name is None:
        return
    document = read_markdown(new.text, new.path) if new.markdown else parse_yaml(new.text, new.path)
    if isinstance(document, Problem):
        raise InitError(f"{new.path} would not be readable (line {document.line}: {document.message})")
    if document.data != new.records:
        raise InitError(f"{new.path} would not read back as written: {document.data!r} != {new.records!r}")
    for record in document.data if isinstance(document.data, list) else [document.data]:
        filled = {**record, **{name: "to be named" for name in new.left_out}}
        for violation in validator(new.type_name).violations(filled):
            raise InitError(f"{new.path}: the new {new.type_name} would not match its schema: {violation.message}")


def write(root: Path, files: Iterable[NewFile]) -> Outcome:
    """Write every file that does not exist yet; list the ones that do."""
    files = list(files)
    for new in files:
        verify(new)
    outcome = Outcome()
    for new in files:
        try:
            outcome.add(new.path, write_new(root, new.path, new.text))
        except WriteError as error:
            raise InitError(str(error)) from None
    return outcome


def existing(root: Path) -> Repository:
    """The evidence already at ``root`` (created if need be), so nothing in it is written again."""
    from .load import load

    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InitError(f"cannot create {root}: {error.strerror}") from None
    if not root.is_dir():
        raise InitError(f"{root} is not a folder")
    return load(root).repository


def init(root: Path, setup: Setup) -> tuple[Outcome, list[str]]:
    """Set up the evidence repository at ``root``: what was written or skipped, and notes."""
    evidence, notes = evidence_files(setup, existing(root))
    return write(root, [*evidence, *register_files(), *tooling_files(setup)]), notes


# -- flags and questions --------------------------------------------------------------


def _zone(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(f"'{text}' is not an IANA time zone such as Europe/London") from None
    return text


def _country(text: str) -> str:
    import holidays

    code = text.upper()
    if code not in holidays.list_supported_countries():
        raise argparse.ArgumentTypeError(f"'{text}' is not a country whose public holidays are known, such as GB")
    return code


def _interval(text: str) -> str:
    if Interval.parse(text) is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not an interval such as P3M, P14D or quarterly")
    return text


def _hours(text: str) -> str:
    if Interval.parse(text, business_time=True) is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not a length of business time such as PT4H")
    return text


def _tier(text: str) -> tuple[str, dict[str, str]]:
    parts = text.split(":")
    if len(parts) != 3 or slug(parts[0]) != parts[0] or not parts[0]:
        raise argparse.ArgumentTypeError(f"'{text}' is not a tier such as strategic:P3M:P3M (name:review:survey)")
    name, review, survey = parts
    return name, {"review_interval": _interval(review), "survey_interval": _interval(survey)}


def _percent(text: str) -> int | float:
    try:
        number = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 <= number <= 100:
        raise argparse.ArgumentTypeError(f"'{text}' is not a percentage from 0 to 100")
    return int(number) if number.is_integer() else number


def _nps(text: str) -> int:
    if not re.fullmatch(r"[-+]?\d{1,3}", text) or not -100 <= int(text) <= 100:
        raise argparse.ArgumentTypeError(f"'{text}' is not a net promoter score from -100 to 100")
    return int(text)


def _days(text: str) -> list[str]:
    days = [d.strip().lower()[:3] for d in text.split(",") if d.strip()]
    if not days or any(d not in DAYS for d in days):
        raise argparse.ArgumentTypeError(f"'{text}' is not a list of days such as mon,tue,wed,thu,fri")
    return list(dict.fromkeys(days))


def _business_hours(text: str) -> tuple[str, str]:
    start, _, end = text.partition("-")
    if not (_TIME.match(start) and _TIME.match(end)) or start >= end:
        raise argparse.ArgumentTypeError(f"'{text}' is not business hours such as 09:00-17:00")
    return start, end


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: give YYYY-MM-DD") from None


def _name(text: str) -> str:
    if not slug(text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a person's name")
    return text.strip()


def add_setup_flags(parser: argparse.ArgumentParser) -> None:
    """The answers ``brm init`` and ``brm import`` share: the provider, its people and its policy."""
    d = manifest()["defaults"]
    parser.add_argument("--provider", metavar="NAME", help="the service provider's name (asked on a terminal)")
    parser.add_argument(
        "--timezone", type=_zone, metavar="ZONE", help=f"IANA time zone of business hours (default: {d['timezone']})"
    )
    parser.add_argument(
        "--country", type=_country, metavar="CC", help="country whose public holidays are not business days"
    )
    parser.add_argument("--subdivision", metavar="CODE", help="the country subdivision whose holidays apply, e.g. ENG")
    parser.add_argument("--owner", type=_name, metavar="NAME", help="the BRM process owner (default: a placeholder)")
    parser.add_argument("--owner-role", metavar="ROLE", help="the owner's role")
    parser.add_argument(
        "--approver", type=_name, metavar="NAME", help="who approves the procedures (default: a placeholder)"
    )
    parser.add_argument("--approver-role", metavar="ROLE", help="the approver's role")
    parser.add_argument("--approved", type=_date, metavar="DATE", help="the date the approver approved the procedures")
    parser.add_argument(
        "--grace", type=_interval, metavar="INTERVAL", help=f"lateness tolerated before an error ({d['grace']})"
    )
    parser.add_argument("--business-days", type=_days, metavar="DAYS", help=f"default: {','.join(d['business_days'])}")
    parser.add_argument(
        "--business-hours",
        type=_business_hours,
        metavar="HH:MM-HH:MM",
        help=f"default: {d['business_start']}-{d['business_end']}",
    )
    parser.add_argument(
        "--resolution-target",
        type=_interval,
        metavar="INTERVAL",
        help=f"complaints (default: {d['resolution_target']})",
    )
    parser.add_argument(
        "--hook-repo", metavar="URL", help="the git URL of brm-evidence, for the hook and requirements.txt"
    )
    parser.add_argument("--hook-rev", metavar="REV", help="a tag or commit of it")
    parser.add_argument("--repo-url", metavar="URL", help="this evidence repository's URL, for links on the site")
    parser.add_argument(
        "--as-of", metavar="DATE", help="today, for the procedures' dates (default: $BRM_AS_OF, else today)"
    )


def configure(parser: argparse.ArgumentParser) -> None:
    """The flags of ``brm init``: every answer."""
    d = manifest()["defaults"]
    tiers = " ".join(f"{name}:{s['review_interval']}:{s['survey_interval']}" for name, s in d["tiers"].items())
    from .roots import add_root

    add_root(parser, about="the folder of the new evidence repository (default: the current folder)")
    add_setup_flags(parser)
    parser.add_argument(
        "--tier",
        action="append",
        type=_tier,
        metavar="NAME:REVIEW:SURVEY",
        help=f"a tier, its review and survey intervals (repeat; default: {tiers})",
    )
    parser.add_argument(
        "--csat-target",
        type=_percent,
        metavar="PERCENT",
        help=f"percent satisfied (default: {d['satisfaction_targets'].get('csat', 'none')})",
    )
    parser.add_argument("--nps-target", type=_nps, metavar="NPS", help="a net promoter score target")
    parser.add_argument(
        "--acknowledgement",
        type=_hours,
        metavar="DURATION",
        help=f"complaints, in business hours ({d['acknowledgement']})",
    )


#: What is asked on a terminal when its flag is missing: flag dest -> (question, parse).
QUESTIONS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "provider": ("The service provider's name", str),
    "timezone": ("Time zone of your business hours (IANA, such as Europe/London)", _zone),
    "country": ("Country whose public holidays are not business days (such as GB; empty: none)", _country),
    "owner": ("Name of the BRM process owner (empty: a placeholder to fill in later)", _name),
    "approver": ("Name of who approves the procedures (empty: a placeholder)", _name),
    "hook_repo": ("Git URL of brm-evidence, for the hook and the workflows (empty: a placeholder)", str),
    "hook_rev": ("A tag or commit of it (empty: a placeholder)", str),
}


def ask_missing(args: argparse.Namespace, ask: Callable[[str], str], dests: Iterable[str] = tuple(QUESTIONS)) -> None:
    """On a terminal: ask for each essential answer whose flag is missing (empty keeps the default)."""
    for dest in dests:
        question, parse = QUESTIONS[dest]
        if getattr(args, dest, None) not in (None, ""):
            continue
        while True:
            try:
                text = ask(f"{question}: ").strip()
            except EOFError:
                raise InitError("no answer given: nothing written") from None
            if not text:
                if dest == "provider":
                    print("  an answer is needed")
                    continue
                break
            try:
                setattr(args, dest, parse(text))
                break
            except (argparse.ArgumentTypeError, ValueError) as error:
                print(f"  {error}")


def setup_from(args: argparse.Namespace, today: date, base: Setup | None = None) -> Setup:
    """The answers: the flags over ``base`` (default: the templates' defaults)."""
    provider = getattr(args, "provider", None)
    if base is None:
        if not provider:
            raise InitError("missing --provider: give it as a flag, or run on a terminal to be asked")
        base = Setup.defaults(provider, today)
    setup = replace(base, provider=provider or base.provider, as_of=today)
    roles = manifest()["placeholders"]
    owner = _person(args.owner, args.owner_role, setup.owner, roles["owner"]["role"])
    approver = _person(args.approver, args.approver_role, setup.approver, roles["approver"]["role"])
    if owner.id == approver.id and owner.name != approver.name:
        raise InitError(f"the owner and the approver would share the id '{owner.id}': give different names")
    setup = replace(setup, owner=owner, approver=approver)
    simple = (
        "timezone",
        "country",
        "subdivision",
        "approved",
        "grace",
        "resolution_target",
        "hook_repo",
        "hook_rev",
        "repo_url",
    )
    for name in simple:
        value = getattr(args, name, None)
        if value not in (None, ""):
            setup = replace(setup, **{name: value})
    if args.subdivision and not setup.country:
        raise InitError("--subdivision needs --country")
    if args.business_days:
        setup = replace(setup, business_days=args.business_days)
    if args.business_hours:
        setup = replace(setup, business_start=args.business_hours[0], business_end=args.business_hours[1])
    if getattr(args, "tier", None):
        setup = replace(setup, tiers=dict(args.tier))
    targets = dict(setup.satisfaction_targets or {})
    if getattr(args, "csat_target", None) is not None:
        targets["csat"] = args.csat_target
    if getattr(args, "nps_target", None) is not None:
        targets["nps"] = args.nps_target
    setup = replace(setup, satisfaction_targets=targets or None)
    if getattr(args, "acknowledgement", None):
        setup = replace(setup, acknowledgement=args.acknowledgement)
    if setup.approved is not None and setup.approved > today:
        raise InitError(f"--approved {setup.approved} is after today ({today})")
    return setup


def _person(name: str | None, role: str | None, current: PersonEntry, default_role: str) -> PersonEntry:
    """The person a --owner/--approver flag names, else the current one (a placeholder, or from a summary)."""
    if name:
        return PersonEntry(slug(name), role or default_role, name)
    return replace(current, role=role) if role else current


def left_for_people(setup: Setup) -> list[str]:
    """What the new repository still needs from a person, beyond what ``brm status --plan`` lists."""
    defaults = manifest()["defaults"]
    todo = []
    if setup.hook_repo == defaults["hook_repo"]:
        todo.append(
            "name where brm comes from: replace the placeholder repository and revision in "
            ".pre-commit-config.yaml and requirements.txt (or run init again with --hook-repo and --hook-rev)"
        )
    if setup.country is None:
        todo.append(
            "public holidays count as business hours until procedures/complaint-handling.md names a country "
            "(business_hours.holidays; --country)"
        )
    return todo


def run(args: argparse.Namespace, today: date, interactive: bool, ask: Callable[[str], str] = input) -> str:
    """``brm init``: set up the repository and say what was written, skipped and left to do."""
    if interactive:
        ask_missing(args, ask)
    setup = setup_from(args, today)
    root = Path(args.root)
    outcome, notes = init(root, setup)
    return report(root, outcome, setup, notes)


def outcome_lines(outcome: Outcome, notes: Iterable[str] = ()) -> list[str]:
    lines = [f"  wrote   {path}" for path in outcome.written]
    lines += [f"  skipped {path} (it exists: not changed)" for path in outcome.skipped]
    lines += [f"  kept    {note}" for note in notes]
    return lines


def report(root: Path, outcome: Outcome, setup: Setup, notes: Iterable[str] = ()) -> str:
    lines = [f"Set up an evidence repository for {setup.provider} in {root}:", *outcome_lines(outcome, notes)]
    todo = [
        f"name the {p.role.lower()}: add `name:` to registers/people/{p.id}.yaml (or init again with "
        f"--{'owner' if p == setup.owner else 'approver'} NAME in an empty folder)"
        for p in setup.placeholders
        if p in (setup.owner, setup.approver)
    ]
    if setup.approved is None:
        todo.append("have the procedures approved, then set `approved:` in each (or init with --approved DATE)")
    todo += left_for_people(setup)
    if todo:
        lines += ["", "Left for a person:"] + [f"  - {item}" for item in todo]
    lines += ["", f"Next: brm status --plan {root}   (the onboarding plan, step by step)"]
    return "\n".join(lines) + "\n"


__all__ = ["EXISTS", "InitError", "NewFile", "PersonEntry", "Setup", "configure", "init", "run", "slug"]
