"""Procedures and the process itself: the documented procedures exist, are controlled and say enough."""

from __future__ import annotations

from collections.abc import Iterator

from ..coverage import grace_words
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

#: The policy fields the complaint procedure must give (the checks of complaints read them;
#: its targets, without which a check is silent, are PRO003's).
COMPLAINT_POLICY = ("stages", "business_hours", "escalation_path")

#: The settings without which a check cannot judge: setting -> (the check that goes
#: silent, what it can no longer judge). PRO003 reports each one missing.
UNJUDGEABLE: dict[str, tuple[str, str]] = {
    "review_interval": ("REV001", "whether {who} are reviewed at planned intervals"),
    "survey_interval": ("SAT001", "whether {who} are surveyed at planned intervals"),
    "satisfaction_targets": ("SAT002", "whether a low score was acted on"),
    "acknowledgement": ("CMP001", "whether complaints were acknowledged in time"),
    "resolution_target": ("CMP002", "when an unresolved complaint is due to be escalated"),
}

#: Document control: the front-matter every procedure carries.
DOCUMENT_CONTROL = ("id", "title", "version", "owner", "approved_by", "approved", "next_review")


def _fields(names: list[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)


@rule("PRO001", "error", clause="8.3.2, 7.5.3", subject="procedure", needs=("procedure",))
def procedure_missing(context: Context) -> Iterator[Breach]:
    """One of the three required procedures is missing, or lacks its policy section.

    `procedures/` holds three procedures, found by the `id` in their front-matter:
    `brm-procedure` (its `policy` block defines at least the `tiers`),
    `complaint-handling` (its `stages`, `business_hours` and `escalation_path`)
    and `communication-plan` (whose content COM001 checks). Their front-matter is
    the policy the other checks enforce; where it is missing the checks fall back
    to defaults that nobody approved, or cannot judge at all. The settings a check
    cannot do without (cadences, targets) are PRO003's.

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
    `stages`, `business_hours` and `escalation_path`.
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


@rule("PRO003", "error", clause="8.3.2", subject="procedure", needs=("procedure",))
def policy_unjudgeable(context: Context) -> Iterator[Breach]:
    """The BRM policy leaves something unjudgeable: a tier without review or survey interval, no satisfaction target, a complaint procedure without acknowledgement or resolution target.

    Some checks judge only against a setting of the procedures, and without it
    they are silent: a clean result would then mean "not checked". Each missing
    setting is one finding naming the check it disables:

    - a tier in the BRM policy without `review_interval` (REV001; a customer's
      own `review_interval` still counts for that customer) or without
      `survey_interval` (SAT001);
    - no `satisfaction_targets`, or a score that results declare (`csat`,
      `nps`) with no target of its own (SAT002);
    - a complaint procedure without `acknowledgement` (CMP001) or
      `resolution_target` (CMP002).

    A procedure, policy block or `tiers` that is missing altogether is PRO001's
    finding; a setting given in the wrong form is BRM002's.

    Why an auditor cares:
    Clause 8.3.2 asks for reviews and satisfaction measurement at planned
    intervals, and complaints handled to a documented procedure. A plan without
    an interval or a target cannot be followed or missed, and evidence checked
    against nothing is no evidence that the plan works.

    How to fix:
    Add the setting the finding names to the procedure's front-matter: the
    tier's `review_interval` and `survey_interval`, a `satisfaction_targets`
    entry for each score you measure, the complaint procedure's
    `acknowledgement` and `resolution_target`. If a check truly does not apply,
    say so in a waiver with the reason.

    Example:
    Fails: `tiers: {standard: {review_interval: P1M}}` (no survey interval);
    `satisfaction_targets: {}`.
    Passes: `tiers: {standard: {review_interval: P1M, survey_interval: P3M}}`
    and `satisfaction_targets: {csat: 85}`.
    """  # noqa: E501 - the title is the catalogue's sentence, on one line
    brm = context.repository.procedure(BRM_PROCEDURE)
    policy = brm.raw.get("policy") if brm is not None else None
    if brm is not None and isinstance(policy, dict):
        yield from _tier_gaps(context, brm, policy)
        yield from _target_gaps(context, brm, policy)
    complaints = context.repository.procedure(COMPLAINT_PROCEDURE)
    if complaints is not None:
        for setting in ("acknowledgement", "resolution_target"):
            if absent(complaints.raw, setting):
                code, what = UNJUDGEABLE[setting]
                yield Breach(
                    complaints.at(),
                    COMPLAINT_PROCEDURE,
                    f"the complaint handling procedure ({complaints.source.path}) sets no `{setting}`: {code} "
                    f"cannot judge {what}: add `{setting}:` to its front-matter "
                    f"({'PT4H, in business hours' if setting == 'acknowledgement' else 'P10D'}, say)",
                )


def _tier_gaps(context: Context, brm: Procedure, policy: dict[str, object]) -> Iterator[Breach]:
    tiers = policy.get("tiers")
    if not isinstance(tiers, dict):
        return  # none: PRO001; not a mapping: BRM002
    for name, spec in tiers.items():
        if not isinstance(spec, dict):
            continue  # BRM002
        members = [c for c in context.repository.customers if c.tier == name]
        for setting in ("review_interval", "survey_interval"):
            if not absent(spec, setting):
                continue
            code, what = UNJUDGEABLE[setting]
            if setting == "review_interval":
                unjudged = [c.label for c in members if absent(c.raw, "review_interval")]
                who = "a customer of the tier without its own `review_interval`"
            else:
                unjudged = [c.label for c in members]
                who = "its customers"
            affected = f" (today: {', '.join(unjudged)})" if unjudged else " (no customer today)"
            yield Breach(
                brm.at("policy", "tiers", name),
                BRM_PROCEDURE,
                f"tier {name} in the BRM policy ({brm.source.path}) has no `{setting}`: {code} cannot judge "
                f"{what.format(who=who + affected)}: add `{setting}:` to the tier (P3M, say)",
            )


def _target_gaps(context: Context, brm: Procedure, policy: dict[str, object]) -> Iterator[Breach]:
    code, what = UNJUDGEABLE["satisfaction_targets"]
    targets = policy.get("satisfaction_targets")
    if absent(policy, "satisfaction_targets"):
        where = brm.at("policy", "satisfaction_targets") if "satisfaction_targets" in policy else brm.at("policy")
        yield Breach(
            where,
            BRM_PROCEDURE,
            f"the BRM policy ({brm.source.path}) sets no `satisfaction_targets`: {code} cannot judge {what}, "
            "since no score is below any target: add `satisfaction_targets:` with a target for each score "
            "you measure ({csat: 85}, say)",
        )
        return
    if not isinstance(targets, dict):
        return  # BRM002
    declared: dict[str, list[str]] = {}
    for result in context.repository.results:
        for score in result.scores:
            declared.setdefault(score, []).append(result.source.path)
    for score, paths in sorted(declared.items()):
        if score in targets:
            continue
        count = f"{len(paths)} results declare" if len(paths) > 1 else "a result declares"
        yield Breach(
            brm.at("policy", "satisfaction_targets"),
            BRM_PROCEDURE,
            f"{count} `{score}` ({paths[0]}{', ...' if len(paths) > 1 else ''}) but the BRM policy "
            f"({brm.source.path}) sets no `{score}` target: {code} cannot judge {what} for it: add `{score}:` "
            "to `satisfaction_targets`",
        )


@rule("PRO002", "cadence", clause="8.3.2, 7.5.3", subject="procedure", needs=("procedure",))
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
                f"procedure {name} was due for review by {procedure.next_review} "
                f"(+{grace_words(context.policy.grace)}): review it, raise `version`, and set `approved` "
                "and the next `next_review`",
                due=procedure.next_review,
            )


@rule("COM001", "error", clause="8.3.2", subject="procedure", needs=("procedure",))
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
