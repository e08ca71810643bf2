"""The registers as the checks read them: one page each, and an index of their source files."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from ...model import Complaint, Representative, Requirements, Waiver
from ..markup import anchor, code, mark, table, target, text
from .registry import Family, Page
from .site import DASH, when

if TYPE_CHECKING:
    from .site import Site

REGISTERS = ("people", "services", "customers", "requirements", "actions", "complaints", "waivers")
REGISTER_TITLES = {
    "people": "People",
    "services": "Services",
    "customers": "Customers",
    "requirements": "Agreed requirements",
    "actions": "Action tracker",
    "complaints": "Complaints",
    "waivers": "Waivers",
}


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
        write: Callable[[Site, str], str] = WRITERS[name]
        yield Page(
            f"registers/{name}.md",
            REGISTER_TITLES[name],
            partial(write, site),
            menu=REGISTER_TITLES[name],
            shows=tuple(files.get(name, [])),
        )


FAMILY = Family("Registers", pages)


def register_sources(site: Site, name: str) -> list[str]:
    return sorted(p for p, page in site.page_of_path.items() if page == f"registers/{name}.md")


def registers_index(site: Site, here: str) -> str:
    rows = [
        [site.link(here, f"registers/{name}.md", REGISTER_TITLES[name]),
         ", ".join(code(p) for p in register_sources(site, name)) or DASH]
        for name in REGISTERS
    ]  # fmt: skip
    return "\n".join(["# Registers", "", "The registers as the checks read them.", "",
                      table(["Register", "Source files"], rows), ""])  # fmt: skip


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
        anchor_id = anchor(person.id or "")
        name = site.say(person.name or person.id)
        if anchor_id not in used:
            used.add(anchor_id)
            name = target(anchor_id) + name
        staff_rows.append(
            [
                name,
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
            site.say(r.name or r.id),
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
        anchor_id = anchor(service.id or "")
        name = site.say(service.name or service.id)
        if anchor_id not in used:
            used.add(anchor_id)
            name = target(anchor_id) + name
        rows.append(
            [
                name,
                code(service.id or DASH),
                site.person(here, service.owner),
                "yes" if service.in_scope else "no",
                "; ".join(
                    f"{site.customer_link(here, c)} ({', '.join(site.say(g) for g in groups) or DASH})"
                    for c, groups in consumers.get(service.id or "", [])
                )
                or mark("none", "no customer"),
            ]
        )
    return "\n".join(
        ["# Services", "", table(["Service", "Id", "Owner", "In scope", "Customers (user groups)"], rows,
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
                code(interval) if interval else DASH,
                ", ".join(site.service_link(here, s) for s in customer.service_ids) or DASH,
                str(len(customer.representatives)),
                "yes" if customer.interim else DASH,
            ]
        )
    return "\n".join(
        ["# Customers register", "",
         table(["Customer", "Tier", "Counterpart", "Review interval", "Services", "Representatives",
                "Interim contact"], rows, empty="No customers in the register."), "",
         site.provenance(register_sources(site, "customers"))]
    )  # fmt: skip


def register_requirements(site: Site, here: str) -> str:
    rows = []
    used: set[str] = set()
    for requirements in site.repository.requirements:
        if requirements.confirm_by is not None:
            due = requirements.confirm_by
        elif requirements.effective is not None:
            due = site.policy.requirements_confirmation.after(requirements.effective)
        else:
            due = None
        anchor_id = anchor(requirements.source.path)
        first = site.customer_link(here, requirements.customer)
        if anchor_id not in used:
            used.add(anchor_id)
            first = target(anchor_id) + first
        rows.append(
            [
                first,
                site.service_link(here, requirements.service),
                site.say(requirements.version or DASH),
                when(requirements.effective),
                approvals(site, requirements, here),
                f"{when(due)} {site.due_mark(due)}",
                site.reference(here, requirements.document),
                code(requirements.source.path),
            ]
        )
    return "\n".join(
        ["# Agreed requirements", "",
         table(["Customer", "Service", "Version", "Effective", "Approvals", "Re-confirm by", "Document",
                "Record"], rows, empty="No requirements on record."), "",
         site.provenance(register_sources(site, "requirements"))]
    )  # fmt: skip


def approvals(site: Site, requirements: Requirements, here: str) -> str:
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
        found.append(f"{site.person(here, approval.by, with_role=False)} ({who}) on {when(approval.on)}")
    state = [
        mark("ok", "customer approval") if customer_approval else mark("missed", "no customer approval"),
        mark("ok", "service owner approval") if owner_approval else mark("missed", "no service owner approval"),
    ]  # fmt: skip
    return "; ".join(found or [DASH]) + " " + " ".join(state)


def register_actions(site: Site, here: str) -> str:
    used: set[str] = set()
    rows = []
    for action in site.repository.actions:
        anchor_id = anchor(action.id or action.source.path)
        first = code(action.id or DASH)
        if anchor_id not in used:
            used.add(anchor_id)
            first = target(anchor_id) + first
        status = site.say(action.status or DASH)
        rows.append(
            [
                first,
                site.say(action.title),
                site.reference(here, action.source_ref),
                ", ".join(site.customer_link(here, c) for c in action.customers) or DASH,
                site.person(here, action.owner, with_role=False),
                when(action.raised),
                f"{when(action.due)} {site.due_mark(action.due, action.is_open)}",
                status,
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
    used: set[str] = set()
    rows = []
    for complaint in complaints:
        first = code(complaint.id or DASH)
        if here == "registers/complaints.md":
            anchor_id = anchor(complaint.id or complaint.source.path)
            if anchor_id not in used:
                used.add(anchor_id)
                first = target(anchor_id) + first
        else:
            first = site.complaint_link(here, complaint.id) if complaint.id else first
        rows.append(
            [
                first,
                *([site.customer_link(here, complaint.customer)] if with_customer else []),
                site.service_link(here, complaint.service),
                site.say(complaint.channel or DASH),
                site.say(complaint.received.isoformat(timespec="minutes")) if complaint.received else DASH,
                site.say(complaint.acknowledged.isoformat(timespec="minutes")) if complaint.acknowledged else DASH,
                site.say(complaint.stage or DASH),
                "; ".join(
                    f"{site.person(here, e.to, with_role=False)} at "
                    f"{site.say(e.at.isoformat(timespec='minutes')) if e.at else DASH}"
                    for e in complaint.escalations
                )
                or DASH,
                when(complaint.resolved),
                site.say(complaint.feedback) if complaint.feedback else DASH,
                ", ".join(site.action_link(here, a) for a in complaint.actions) or DASH,
            ]
        )
    headers = ["Id", *(["Customer"] if with_customer else []), "Service", "Channel", "Received", "Acknowledged",
               "Stage", "Escalations", "Resolved", "Feedback", "Actions"]  # fmt: skip
    return table(headers, rows, empty="No complaints.")


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


WRITERS: dict[str, Callable[[Site, str], str]] = {
    "people": register_people,
    "services": register_services,
    "customers": register_customers,
    "requirements": register_requirements,
    "actions": register_actions,
    "complaints": register_complaints,
    "waivers": register_waivers,
}
