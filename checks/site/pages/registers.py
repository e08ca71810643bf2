"""The registers as the checks read them: one page each, and an index of their source files.

The registers are the record types whose files stand under ``registers/`` (their schemas
say so: :data:`checks.load.REGISTERS`). A register with no page written for it below
still gets one: its records as a table of their fields, each shown as text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from ...business_hours import describe_duration
from ...coverage import requirements_due, timeliness
from ...dates import in_words
from ...load import REGISTERS
from ...model import Complaint, Record, Representative, Requirements, Waiver
from ..markup import code, mark, table, target, text
from .registry import Family, Page
from .site import DASH, when

if TYPE_CHECKING:
    from .site import Site

#: Each register's page title (a register without one is titled by its name).
TITLES = {
    "people": "People",
    "services": "Services",
    "customers": "Customer register",
    "requirements": "Agreed requirements",
    "actions": "Action tracker",
    "complaints": "Complaints",
    "waivers": "Waivers",
}


def title(name: str) -> str:
    return TITLES.get(name, name.replace("-", " ").replace("_", " ").capitalize())


def pages(site: Site) -> Iterator[Page]:
    files: dict[str, list[str]] = defaultdict(list)
    for document in site.repository.documents:
        path = document.path
        if path.startswith("registers/"):
            register = path.split("/")[1]
            register = register.rsplit(".", 1)[0] if register.endswith((".yaml", ".yml")) else register
            files[register].append(path)
    yield Page("registers/index.md", "Registers", lambda here: registers_index(site, here), menu="All registers")
    for name in REGISTERS:
        write: Callable[[Site, str], str] = WRITERS.get(name) or partial(register_of_fields, name=name)
        yield Page(
            f"registers/{name}.md",
            title(name),
            partial(write, site),
            menu=title(name),
            shows=tuple(files.get(name, [])),
            wide=True,
        )


FAMILY = Family("Registers", pages)


def register_sources(site: Site, name: str) -> list[str]:
    return sorted(p for p, page in site.page_of_path.items() if page == f"registers/{name}.md")


def row_anchor(site: Site, page: str, subject: str) -> str | None:
    """The anchor of the row a finding's subject has on a register page, if it has one there."""
    rows: dict[str, Callable[[], bool]] = {
        "registers/people.md": lambda: any(p.id == subject for p in site.repository.staff),
        "registers/services.md": lambda: subject in site.services,
        "registers/actions.md": lambda: subject in site.actions,
        "registers/complaints.md": lambda: subject in site.complaints,
        "registers/requirements.md": lambda: any(r.source.path == subject for r in site.repository.requirements),
    }
    found = rows.get(page)
    return site.anchor_of(subject) if found is not None and found() else None


def registers_index(site: Site, here: str) -> str:
    rows = [
        [site.link(here, f"registers/{name}.md", text(title(name))),
         ", ".join(code(p) for p in register_sources(site, name)) or DASH]
        for name in REGISTERS
    ]  # fmt: skip
    return "\n".join(["# Registers", "", "The registers as the checks read them.", "",
                      table(["Register", "Source files"], rows), ""])  # fmt: skip


def _anchored(site: Site, used: set[str], value: str, shown: str) -> str:
    """``shown``, carrying the anchor of ``value`` the first time the page shows it."""
    anchor_id = site.anchor_of(value)
    if anchor_id in used:
        return shown
    used.add(anchor_id)
    return target(anchor_id) + shown


def register_people(site: Site, here: str) -> str:
    counterpart_of: dict[str, list[str]] = defaultdict(list)
    for customer in site.repository.customers:
        if customer.counterpart:
            counterpart_of[customer.counterpart].append(customer.id or "")
    owner_of: dict[str, list[str]] = defaultdict(list)
    for service in site.repository.services:
        if service.owner:
            owner_of[service.owner].append(service.id or "")
    used: set[str] = set()
    staff_headers = ["Name", "Role", "Counterpart for", "Owns services"]
    if site.evidence.publish_contacts:
        staff_headers += ["E-mail", "Phone"]
    staff_rows = []
    for person in site.repository.staff:
        staff_rows.append(
            [
                _anchored(site, used, person.id or "", site.say(person.name or person.id)),
                site.say(person.role or DASH),
                ", ".join(site.customer_link(here, c) for c in counterpart_of.get(person.id or "", [])) or DASH,
                ", ".join(site.service_link(here, s) for s in owner_of.get(person.id or "", [])) or DASH,
                *site.contacts(person),
            ]
        )
    representative_headers = ["Name", "Customer", "Role", "Authority", "Services", "Confirmed"]
    if site.evidence.publish_contacts:
        representative_headers += ["E-mail", "Phone"]
    representative_rows = [
        [
            site.person(here, r.id, with_role=False) if r.id else site.say(r.name),
            site.customer_link(here, r.customer),
            site.say(r.role or DASH),
            ", ".join(code(a) for a in r.authority) or DASH,
            ", ".join(site.service_link(here, s) for s in r.services) or "all the customer's",
            when(r.confirmed),
            *site.contacts(r),
        ]
        for r in site.repository.representatives
    ]
    note = "" if site.evidence.publish_contacts else (
        "Contact details (e-mail addresses and phone numbers) are not published on this site; "
        "they are kept in the registers. Set the plugin option `publish_contacts: true` to publish them."
    )  # fmt: skip
    return "\n".join(
        [
            "# People",
            "",
            note,
            "",
            "## Our staff",
            "",
            table(staff_headers, staff_rows, empty="No staff in the register."),
            "",
            "## Customer representatives",
            "",
            table(representative_headers, representative_rows, empty="No representatives."),
            "",
            site.provenance([*register_sources(site, "people"), *register_sources(site, "customers")]),
        ]
    )


def register_services(site: Site, here: str) -> str:
    consumers: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    for customer in site.repository.customers:
        for consumption in customer.services:
            consumers[consumption.service].append((customer.id or "", consumption.user_groups))
    used: set[str] = set()
    rows = []
    for service in site.repository.services:
        rows.append(
            [
                _anchored(site, used, service.id or "", site.say(service.name or service.id)),
                code(service.id or DASH),
                site.person(here, service.owner),
                "yes" if service.in_scope else "no",
                "; ".join(
                    f"{site.customer_link(here, c)}: {', '.join(site.say(g) for g in groups) or DASH}"
                    for c, groups in consumers.get(service.id or "", [])
                )
                or mark("none", "no customer"),
            ]
        )
    return "\n".join(
        ["# Services", "", table(["Service", "Id", "Owner", "In scope", "Customers: user groups"], rows,
                                 empty="No services in the catalogue."), "",
         site.provenance(register_sources(site, "services"))]
    )  # fmt: skip


def register_customers(site: Site, here: str) -> str:
    rows = []
    for customer in site.repository.customers:
        interval = site.policy.review_interval(customer.review_interval, customer.tier)
        rows.append(
            [
                site.customer_link(here, customer.id),
                site.say(customer.tier or DASH),
                site.person(here, customer.counterpart, with_role=False),
                site.every(interval) if interval else DASH,
                ", ".join(site.service_link(here, s) for s in customer.service_ids) or DASH,
                str(len(customer.representatives)),
                "yes" if customer.interim else DASH,
            ]
        )
    return "\n".join(
        ["# Customer register", "",
         table(["Customer", "Tier", "Counterpart", "Performance reviews", "Services", "Representatives",
                "Interim contact"], rows, empty="No customers in the register."), "",
         site.provenance(register_sources(site, "customers"))]
    )  # fmt: skip


def approvals(site: Site, requirements: Requirements, here: str) -> str:
    """Who approved, as whom and when, and whether both sides did."""
    service = site.services.get(requirements.service or "")
    found = []
    customer_approval = owner_approval = False
    for approval in requirements.approvals:
        person = site.people.get(approval.by or "")
        if isinstance(person, Representative):
            who, customer_approval = "customer", customer_approval or person.customer == requirements.customer
        elif service is not None and approval.by == service.owner:
            who, owner_approval = "service owner", True
        else:
            who = "provider"
        found.append(f"{site.person(here, approval.by, with_role=False)}, {who}, on {when(approval.on)}")
    state = [
        mark("ok", "customer approval") if customer_approval else mark("missed", "no customer approval"),
        mark("ok", "service owner approval") if owner_approval else mark("missed", "no service owner approval"),
    ]  # fmt: skip
    return "; ".join(found or [DASH]) + "<br>" + " ".join(state)


def register_requirements(site: Site, here: str) -> str:
    rows = []
    used: set[str] = set()
    for requirements in site.repository.requirements:
        due = requirements_due(requirements, site.policy)
        rows.append(
            [
                _anchored(site, used, requirements.source.path, site.customer_link(here, requirements.customer)),
                site.service_link(here, requirements.service),
                site.say(requirements.version or DASH),
                when(requirements.effective),
                approvals(site, requirements, here),
                f"{when(due)} {site.due_mark(due)}",
                site.reference(here, requirements.document),
                code(requirements.source.path),
            ]
        )
    every = in_words(site.policy.requirements_confirmation, every=True)
    return "\n".join(
        ["# Agreed requirements", "",
         f"Requirements are re-confirmed by their `confirm_by` date, or {every} from their effective date "
         "(the BRM policy's `requirements_confirmation`).", "",
         table(["Customer", "Service", "Version", "Effective", "Approvals", "Re-confirm by", "Document",
                "Record"], rows, empty="No requirements on record."), "",
         site.provenance(register_sources(site, "requirements"))]
    )  # fmt: skip


def register_actions(site: Site, here: str) -> str:
    used: set[str] = set()
    rows = []
    for action in site.repository.actions:
        rows.append(
            [
                _anchored(site, used, action.id or action.source.path, code(action.id or DASH)),
                site.say(action.title),
                site.reference(here, action.source_ref),
                ", ".join(site.customer_link(here, c) for c in action.customers) or DASH,
                site.person(here, action.owner, with_role=False),
                when(action.raised),
                f"{when(action.due)} {site.due_mark(action.due, action.is_open)}",
                site.say(action.status or DASH),
                when(action.closed),
                site.say(action.evidence) if action.evidence else DASH,
                ", ".join(site.say(x) for x in action.links) or DASH,
            ]
        )
    return "\n".join(
        ["# Action tracker", "",
         table(["Id", "Title", "Source", "Customers", "Owner", "Raised", "Due", "Status", "Closed",
                "Closure evidence", "Links"], rows, empty="No actions in the tracker."), "",
         site.provenance(register_sources(site, "actions"))]
    )  # fmt: skip


def complaints_table(site: Site, complaints: list[Complaint], here: str, with_customer: bool = True) -> str:
    """Each complaint against the procedure's targets: acknowledged in time, resolved by its date, escalated when."""
    used: set[str] = set()
    rows = []
    target = site.policy.acknowledgement
    for complaint in complaints:
        if here == "registers/complaints.md":
            first = _anchored(site, used, complaint.id or complaint.source.path, code(complaint.id or DASH))
        else:
            first = site.complaint_link(here, complaint.id) if complaint.id else code(DASH)
        summary = complaint.raw.get("summary")
        rows.append(
            [
                first,
                *([site.customer_link(here, complaint.customer)] if with_customer else []),
                (site.say(summary) + "<br>" if isinstance(summary, str) and summary.strip() else "")
                + f"{site.service_link(here, complaint.service)}, via {site.say(complaint.channel or DASH)}, "
                + (f"received {site.moment(complaint.received)}" if complaint.received else "no receipt time"),
                acknowledgement(site, complaint, target is not None),
                f"{resolution(site, complaint)}<br>stage: {site.say(complaint.stage or DASH)}",
                "; ".join(
                    f"{site.person(here, e.to, with_role=False)} on {site.moment(e.at)}" for e in complaint.escalations
                )
                or "none",
                site.say(complaint.feedback) if complaint.feedback else DASH,
                ", ".join(site.action_link(here, a) for a in complaint.actions) or DASH,
            ]
        )
    headers = ["Id", *(["Customer"] if with_customer else []), "Complaint", "Acknowledged", "Resolution",
               "Escalations", "Feedback", "Actions"]  # fmt: skip
    ack = f"within {in_words(target, business=True)}" if target is not None else "no target set"
    resolve = site.policy.resolution_target
    by = f"within {in_words(resolve)} of receipt" if resolve is not None else "no target set"
    note = (f"\n\n*Acknowledgement is due {ack} (business time: the complaint procedure's working hours), "
            f"resolution {by}.*")  # fmt: skip
    return table(headers, rows, empty="No complaints.") + (note if rows else "")


def acknowledgement(site: Site, complaint: Complaint, judged: bool) -> str:
    """When it was acknowledged, the business time it took, and the target met or missed."""
    seen = timeliness(complaint, site.policy)
    if complaint.acknowledged is None:
        if seen.acknowledgement_due is None:
            return "not yet"
        state = "overdue" if seen.acknowledgement_due.date() < site.as_of else "due"
        return f"not yet: due by {site.moment(seen.acknowledgement_due)} {mark(state)}"
    at = site.moment(complaint.acknowledged)
    if seen.acknowledged_after is None:
        return at + ("" if not judged else f" {mark('none', 'not judged: no business calendar')}")
    taken = f"after {describe_duration(seen.acknowledged_after)} of business time"
    met = mark("met", "target met") if seen.acknowledged_in_time else mark("missed", "target missed")
    return f"{at}, {taken} {met}"


def resolution(site: Site, complaint: Complaint) -> str:
    """The date it was to be resolved by, and when it was, or whether it is overdue."""
    seen = timeliness(complaint, site.policy)
    due = f"due {seen.resolution_due}" if seen.resolution_due is not None else "no due date"
    if complaint.resolved is not None:
        met = (
            "" if seen.resolved_in_time is None
            else mark("met", "in time") if seen.resolved_in_time else mark("missed", "late")
        )  # fmt: skip
        return f"{due}; resolved {complaint.resolved} {met}"
    if complaint.stage == "closed":
        return f"{due}; closed"
    return f"{due} {site.due_mark(seen.resolution_due)}"


def register_complaints(site: Site, here: str) -> str:
    return "\n".join(
        ["# Complaints", "", complaints_table(site, site.repository.complaints, here), "",
         site.provenance(register_sources(site, "complaints"))]
    )  # fmt: skip


def waivers_table(site: Site, waivers: list[Waiver], here: str) -> str:
    rows = []
    for waiver in waivers:
        expired = waiver.expires is not None and waiver.expires < site.as_of
        rule_link = (site.link(here, f"rules/{waiver.rule}.md", text(waiver.rule))
                     if waiver.rule in site.rules else code(waiver.rule or DASH))  # fmt: skip
        rows.append(
            [
                rule_link,
                code(waiver.subject or DASH),
                site.say(waiver.reason or DASH),
                site.person(here, waiver.approved_by, with_role=False),
                when(waiver.approved),
                f"{when(waiver.expires)} " + (mark("overdue", "expired") if expired else mark("ok", "in force")),
            ]
        )
    return table(["Rule", "Subject", "Reason", "Approved by", "Approved", "Expires"], rows, empty="No waivers.")


def register_waivers(site: Site, here: str) -> str:
    return "\n".join(
        ["# Waivers", "",
         "A waiver accepts a finding on purpose, with a reason and an expiry. A waived finding is still "
         f"reported (see {site.link(here, 'findings.md', 'findings')}), never hidden.", "",
         waivers_table(site, site.repository.waivers, here), "",
         site.provenance(register_sources(site, "waivers"))]
    )  # fmt: skip


def register_of_fields(site: Site, here: str, name: str) -> str:
    """A register with no page of its own: each record's fields as text, in a table."""
    kind, _build, attribute = REGISTERS[name]
    records: list[Record] = getattr(site.repository, attribute, [])
    fields = list(dict.fromkeys(key for record in records for key in record.raw))
    rows = [[_field(site, record.raw.get(key)) for key in fields] for record in records]
    return "\n".join(
        [f"# {text(title(name))}", "", table([text(f) for f in fields], rows, empty=f"No {text(kind)} records."), "",
         site.provenance(register_sources(site, name))]
    )  # fmt: skip


def _field(site: Site, value: Any) -> str:
    if value is None:
        return DASH
    if isinstance(value, list):
        return ", ".join(_field(site, v) for v in value) or DASH
    if isinstance(value, dict):
        return "; ".join(f"{site.say(k)}: {_field(site, v)}" for k, v in value.items()) or DASH
    return site.say(value)


WRITERS: dict[str, Callable[[Site, str], str]] = {
    "people": register_people,
    "services": register_services,
    "customers": register_customers,
    "requirements": register_requirements,
    "actions": register_actions,
    "complaints": register_complaints,
    "waivers": register_waivers,
}
