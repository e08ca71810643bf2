"""The policy the checks enforce, read from the procedures' front-matter.

The BRM procedure's ``policy`` block, the complaint procedure's business hours and
targets: the document and the automation can never disagree, because the document
is the configuration. A setting some check cannot judge without (a tier's review or
survey interval, the satisfaction targets, the complaint targets) has no default:
it is ``None``, the check that needs it is silent, and PRO003 reports the gap. Other
settings fall back to a default stated here once, and PRO001 reports that the
procedure (or its policy section) is missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, time, tzinfo
from typing import Any

from .dates import Interval, time_zone
from .model import Procedure, Repository
from .schema import choices

BRM_PROCEDURE = "brm-procedure"
COMPLAINT_PROCEDURE = "complaint-handling"
COMMUNICATION_PLAN = "communication-plan"
REQUIRED_PROCEDURES = (BRM_PROCEDURE, COMPLAINT_PROCEDURE, COMMUNICATION_PLAN)

_DEFAULTS = {
    "grace": "P14D",
    "representative_confirmation": "P1Y",
    "requirements_confirmation": "P1Y",
    "process_review_interval": "P1Y",
}

SEVERITY_CHOICES = choices("procedure", "properties", "policy", "properties", "severity", "additionalProperties")


def _interval(value: object, default: str, zero: bool = False) -> Interval:
    parsed = Interval.parse(value, zero=zero)
    if parsed is not None:
        return parsed
    fallback = Interval.parse(default, zero=zero)
    assert fallback is not None
    return fallback


@dataclass(frozen=True)
class Tier:
    name: str
    review_interval: Interval | None
    survey_interval: Interval | None


@dataclass(frozen=True)
class BusinessHours:
    days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0
    start: time = time(9, 0)
    end: time = time(17, 0)
    timezone: str = "UTC"
    holidays: str | None = None  # country code for the holidays library
    subdivision: str | None = None


_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def _time(value: object, default: time) -> time:
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            return default
    return default


def _business_hours(raw: object) -> BusinessHours:
    if not isinstance(raw, dict):
        return BusinessHours()
    listed = raw.get("days")
    days = tuple(_DAYS[d] for d in listed if isinstance(d, str) and d in _DAYS) if isinstance(listed, list) else ()
    holidays = raw.get("holidays")
    subdivision = raw.get("subdivision")
    timezone = raw.get("timezone")
    return BusinessHours(
        days=days or BusinessHours.days,
        start=_time(raw.get("start"), BusinessHours.start),
        end=_time(raw.get("end"), BusinessHours.end),
        timezone=timezone if isinstance(timezone, str) else "UTC",
        holidays=holidays if isinstance(holidays, str) else None,
        subdivision=subdivision if isinstance(subdivision, str) else None,
    )


@dataclass(frozen=True)
class Policy:
    tiers: dict[str, Tier] = field(default_factory=dict)
    grace: Interval = field(default_factory=lambda: _interval(None, _DEFAULTS["grace"]))
    satisfaction_targets: dict[str, float] = field(default_factory=dict)
    representative_confirmation: Interval = field(
        default_factory=lambda: _interval(None, _DEFAULTS["representative_confirmation"])
    )
    requirements_confirmation: Interval = field(
        default_factory=lambda: _interval(None, _DEFAULTS["requirements_confirmation"])
    )
    process_review_interval: Interval = field(
        default_factory=lambda: _interval(None, _DEFAULTS["process_review_interval"])
    )
    severity: dict[str, str] = field(default_factory=dict)
    acknowledgement: Interval | None = None  # None: CMP001 cannot judge (PRO003)
    resolution_target: Interval | None = None  # None: CMP002 cannot judge (PRO003)
    business_hours: BusinessHours = field(default_factory=BusinessHours)
    escalation_path: tuple[str, ...] = ()
    #: Where the policy came from, for messages (the BRM procedure's path).
    source: str = "procedures/business-relationship-management.md"

    @classmethod
    def from_repository(cls, repository: Repository) -> Policy:
        brm = repository.procedure(BRM_PROCEDURE)
        complaints = repository.procedure(COMPLAINT_PROCEDURE)
        raw = _policy_block(brm)
        tiers = {
            name: Tier(
                name,
                Interval.parse(spec.get("review_interval")),
                Interval.parse(spec.get("survey_interval")),
            )
            for name, spec in _mapping(raw, "tiers").items()
            if isinstance(name, str) and isinstance(spec, dict)
        }
        targets = {
            k: float(v)
            for k, v in _mapping(raw, "satisfaction_targets").items()
            if isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
        }
        severity = {k: v for k, v in _mapping(raw, "severity").items() if isinstance(k, str) and v in SEVERITY_CHOICES}
        handling: dict[str, Any] = complaints.raw if complaints is not None else {}
        path = handling.get("escalation_path")
        return cls(
            tiers=tiers,
            grace=_interval(raw.get("grace"), _DEFAULTS["grace"], zero=True),
            satisfaction_targets=targets,
            representative_confirmation=_interval(
                raw.get("representative_confirmation"), _DEFAULTS["representative_confirmation"]
            ),
            requirements_confirmation=_interval(
                raw.get("requirements_confirmation"), _DEFAULTS["requirements_confirmation"]
            ),
            process_review_interval=_interval(raw.get("process_review_interval"), _DEFAULTS["process_review_interval"]),
            severity=severity,
            acknowledgement=Interval.parse(handling.get("acknowledgement"), business_time=True),
            resolution_target=Interval.parse(handling.get("resolution_target")),
            business_hours=_business_hours(handling.get("business_hours")),
            escalation_path=tuple(p for p in path if isinstance(p, str)) if isinstance(path, list) else (),
            source=brm.source.path if brm is not None else cls.source,
        )

    def review_interval(self, customer_interval: Interval | None, tier: str | None) -> Interval | None:
        """A customer's own interval overrides its tier's."""
        if customer_interval is not None:
            return customer_interval
        spec = self.tiers.get(tier or "")
        return spec.review_interval if spec else None

    def survey_interval(self, tier: str | None) -> Interval | None:
        spec = self.tiers.get(tier or "")
        return spec.survey_interval if spec else None

    @property
    def zone(self) -> tzinfo | None:
        """The procedure's time zone, in which an instant falls on a day; None if no such zone exists."""
        return time_zone(self.business_hours.timezone)

    def is_late(self, due: date, as_of: date) -> bool:
        """Past due and past grace: a cadence finding becomes an error."""
        return as_of > self.grace.after(due)


def _mapping(raw: dict[str, Any], key: str) -> dict[Any, Any]:
    """A block of the policy, or empty where it is not a mapping (BRM002 reports that)."""
    value = raw.get(key)
    return value if isinstance(value, dict) else {}


def _policy_block(procedure: Procedure | None) -> dict[str, Any]:
    if procedure is None:
        return {}
    block = procedure.raw.get("policy")
    return block if isinstance(block, dict) else {}
