"""Procedures and the process itself: the documented procedures exist, are controlled and say enough."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Location
from ..model import Procedure
from ..policy import BRM_PROCEDURE, COMMUNICATION_PLAN, COMPLAINT_PROCEDURE, REQUIRED_PROCEDURES
from . import Breach, Context, rule
from .reading import subject_of
from .representatives import absent

#: Where a missing required procedure should be written.
PROCEDURE_FILES = {
    BRM_PROCEDURE: "procedures/business-relationship-management.md",
    COMPLAINT_PROCEDURE: "procedures/complaint-handling.md",
    COMMUNICATION_PLAN: "procedures/communication-plan.md",
}

#: The policy fields the complaint procedure must give (the checks of complaints read them).
COMPLAINT_POLICY = ("stages", "acknowledgement", "business_hours", "escalation_path")

#: Document control: the front-matter every procedure carries.
DOCUMENT_CONTROL = ("id", "title", "version", "owner", "approved_by", "approved", "next_review")


def _fields(names: list[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)


@rule("PRO001", "error", clause="8.3.2, 7.5.3", subject="procedure")
def procedure_missing(context: Context) -> Iterator[Breach]:
    """One of the three required procedures is missing, or lacks its policy section.

    `procedures/` holds three procedures, found by the `id` in their front-matter:
    `brm-procedure` (its `policy` block defines at least the `tiers`),
    `complaint-handling` (its `stages`, `acknowledgement` target, `business_hours`
    and `escalation_path`) and `communication-plan` (whose content COM001 checks).
    Their front-matter is the policy the other checks enforce; where it is missing
    the checks fall back to defaults that nobody approved.

    Why an auditor cares:
    Clause 8.3.2 expects a documented way of managing customer relationships,
    handling complaints and communicating with customers (7.5.3: controlled
    documented information). A procedure that does not exist cannot be followed,
    and targets that live only in the checker's defaults were never agreed.

    How to fix:
    Add the missing procedure under `procedures/` with its document control and
    its policy fields, or add the policy fields the finding names to the
    procedure's front-matter.

    Example:
    Fails: no file in `procedures/` has `id: complaint-handling`.
    Passes: `procedures/complaint-handling.md` with `id: complaint-handling`,
    `stages`, `acknowledgement: PT4H`, `business_hours` and `escalation_path`.
    """
    for procedure_id in REQUIRED_PROCEDURES:
        procedure = context.repository.procedure(procedure_id)
        if procedure is None:
            yield Breach(
                Location("procedures", 1, 1),
                procedure_id,
                f"required procedure '{procedure_id}' is missing: add {PROCEDURE_FILES[procedure_id]} with "
                f"front-matter `id: {procedure_id}`, its document control and its policy",
            )
        elif procedure_id == BRM_PROCEDURE:
            yield from _brm_policy(procedure)
        elif procedure_id == COMPLAINT_PROCEDURE:
            missing = [name for name in COMPLAINT_POLICY if absent(procedure.raw, name)]
            if missing:
                yield Breach(
                    procedure.at(),
                    procedure_id,
                    f"the complaint handling procedure ({procedure.source.path}) lacks {_fields(missing)}: "
                    "add them to its front-matter (the complaint checks read them from there)",
                )


def _brm_policy(procedure: Procedure) -> Iterator[Breach]:
    policy = procedure.raw.get("policy")
    if absent(procedure.raw, "policy"):
        where = "an empty `policy`" if "policy" in procedure.raw else "no `policy`"
        yield Breach(
            procedure.at("policy"),
            BRM_PROCEDURE,
            f"the BRM procedure ({procedure.source.path}) has {where} section: add `policy:` with the "
            "`tiers` and their review and survey intervals, `grace`, `satisfaction_targets`, "
            "`representative_confirmation`, `requirements_confirmation` and `process_review_interval`",
        )
    elif isinstance(policy, dict) and absent(policy, "tiers"):
        yield Breach(
            procedure.at("policy", "tiers"),
            BRM_PROCEDURE,
            f"the BRM procedure's policy ({procedure.source.path}) defines no `tiers`: add `tiers:` with each "
            "tier's `review_interval` and `survey_interval`",
        )


@rule("PRO002", "cadence", clause="8.3.2, 7.5.3", subject="procedure")
def procedure_uncontrolled(context: Context) -> Iterator[Breach]:
    """A procedure lacks document control, or is past `next_review`.

    Every procedure's front-matter carries `id`, `title`, `version`, `owner`,
    `approved_by`, `approved` and `next_review`. A procedure lacking any of them is
    an error; one whose `next_review` has passed is a warning, and an error once
    the policy's `grace` has passed too.

    Why an auditor cares:
    Documented information is controlled (clause 7.5.3): identified, versioned,
    approved and kept up to date. An unapproved or overdue procedure is not
    evidence that the process is the one management intends.

    How to fix:
    Add the missing document-control fields. For an overdue review: review the
    procedure, record the outcome, raise `version`, and set `approved` and the
    next `next_review`.

    Example:
    Fails: a procedure with no `approved_by`; `next_review: 2026-10-01` judged on
    2026-11-23.
    Passes: all seven fields, with `next_review: 2027-01-15`.
    """
    for procedure in context.repository.procedures:
        name = procedure.id or procedure.source.path
        missing = [field for field in DOCUMENT_CONTROL if absent(procedure.raw, field)]
        if missing:
            yield Breach(
                procedure.at(),
                subject_of(procedure),
                f"procedure {name} ({procedure.source.path}) lacks document control {_fields(missing)}: add "
                "them to its front-matter",
            )
        if procedure.next_review is not None and context.as_of > procedure.next_review:
            yield Breach(
                procedure.at("next_review"),
                subject_of(procedure),
                f"procedure {name} was due for review by {procedure.next_review} (+{context.policy.grace} "
                "grace): review it, raise `version`, and set `approved` and the next `next_review`",
                due=procedure.next_review,
            )


@rule("COM001", "error", clause="8.3.2", subject="procedure")
def communication_plan_gaps(context: Context) -> Iterator[Breach]:
    """The communication plan names no channel, no communication with audience and frequency, or no escalation path.

    The `communication-plan` procedure's front-matter lists its `channels`, its
    `communications` (each with `what`, `audience`, `frequency` and `owner`; at
    least one gives an audience and a frequency) and an `escalation_path` of
    person ids. Each gap is one finding. A missing plan is PRO001's finding.

    Why an auditor cares:
    Clause 8.3.2 expects the provider to plan how it communicates with its
    customers. A plan without channels, without who hears what and how often, or
    without a way to escalate, is not a plan anyone can follow or audit.

    How to fix:
    Add the missing part to the plan's front-matter: `channels: [Service portal,
    Email]`, a communication such as `{what: Monthly status report, audience:
    customer representatives, frequency: monthly, owner: alex-morgan}`, or
    `escalation_path: [jordan-lee, alex-morgan]`.

    Example:
    Fails: `communications: [{what: Newsletter}]` (no audience, no frequency).
    Passes: `communications: [{what: Newsletter, audience: all users, frequency: monthly}]`.
    """
    plan = context.repository.procedure(COMMUNICATION_PLAN)
    if plan is None:
        return  # PRO001
    raw = plan.raw
    where = plan.source.path

    def located(key: str) -> Location:
        return plan.at(key) if key in raw else plan.at()

    if absent(raw, "channels"):
        yield Breach(
            located("channels"),
            COMMUNICATION_PLAN,
            f"the communication plan ({where}) names no channel: list them under `channels:` "
            "(e.g. [Service portal, Email, Review meetings])",
        )
    communications = raw.get("communications")
    if absent(raw, "communications") or (
        isinstance(communications, list)
        and not any(isinstance(c, dict) and "audience" in c and "frequency" in c for c in communications)
    ):
        yield Breach(
            located("communications"),
            COMMUNICATION_PLAN,
            f"the communication plan ({where}) has no communication with an audience and a frequency: add one "
            "under `communications:` with `what`, `audience`, `frequency` and `owner`",
        )
    if absent(raw, "escalation_path"):
        yield Breach(
            located("escalation_path"),
            COMMUNICATION_PLAN,
            f"the communication plan ({where}) has no escalation path: list person ids, first to last, "
            "under `escalation_path:`",
        )
