"""Synthetic evidence repositories for the benchmark.

``generate(root, customers, years, seed)`` writes a repository that follows
/work/shared/FORMAT.md (docs: FORMAT.md in the project) and is valid: strict YAML (no
anchors, quoted versions and clock times, dates as YYYY-MM-DD, instants with an
offset), and every reference resolves. Judged at ``AS_OF`` (2026-11-23) it is mostly
clean: monthly reviews and quarterly surveys run up to November 2026, actions that
are past due are closed, complaints are acknowledged inside business hours.

Per customer and per year: 12 monthly review minutes and 4 quarterly satisfaction
results; per customer and service: one requirements record. The output depends only
on the arguments (same seed, same bytes).

    python -m tests.perf.generate ROOT --customers 30 --years 2
    python -m tests.perf.generate ROOT --files 10000
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

AS_OF = date(2026, 11, 23)
#: The last month with reviews; the last complete quarter is the one before it.
LAST_MONTH = (2026, 11)
CSAT_TARGET = 85
#: Register files stay well under the reader's 4 MB limit.
ACTIONS_PER_FILE = 4000
CUSTOMERS_PER_FILE = 100

MONTHS = (  # noqa: SIM905 - a word list reads better as words
    "January February March April May June July August September October November December"
).split()

# --- vocabulary -------------------------------------------------------------------

SERVICES = (
    ("managed-infrastructure", "Managed Infrastructure"),
    ("cloud-hosting", "Cloud Hosting"),
    ("it-helpdesk", "IT Helpdesk"),
    ("network-services", "Network Services"),
    ("backup-and-recovery", "Backup and Recovery"),
    ("end-user-computing", "End-User Computing"),
    ("security-operations", "Security Operations"),
    ("database-administration", "Database Administration"),
)

LEADERS = (
    ("olivia-reid", "Olivia Reid", "Operations Director"),
    ("alex-morgan", "Alex Morgan", "Service Delivery Manager"),
    ("jordan-lee", "Jordan Lee", "Account Manager"),
    ("sofia-martin", "Sofia Martin", "Customer Experience Analyst"),
    ("daniel-osei", "Daniel Osei", "Quality and Compliance Manager"),
)
OWNERS = (
    ("priya-shah", "Priya Shah"),
    ("ben-carter", "Ben Carter"),
    ("hannah-price", "Hannah Price"),
    ("omar-haddad", "Omar Haddad"),
    ("grace-kim", "Grace Kim"),
    ("liam-foster", "Liam Foster"),
    ("zara-ahmed", "Zara Ahmed"),
    ("noah-fischer", "Noah Fischer"),
)

FIRST = (  # noqa: SIM905 - a word list reads better as words
    "Dana Marcus Sam Lucy Eleanor Tom Amelia Oliver Isla Jack Freya Harry Mia Leo Ava Oscar "
    "Ruby Arthur Evie Henry Ella Theo Chloe Finn Maya Ethan Nora Adam Iris Lewis Anna Rory "
    "Clara Felix Hazel Owen Alice Max Sara Kai"
).split()
LAST = (  # noqa: SIM905 - a word list reads better as words
    "Whitfield Bell Okafor Brennan Vance Hughes Patel Clarke Novak Murphy Lindqvist Rossi "
    "Mensah Walsh Tanaka Dubois Kowalski Byrne Silva Fraser Nakamura Quinn Ward Ellis Moreau "
    "Hale Russo Brooks Sato Lang Keane Doyle Varga Marsh Reyes Holt Price Dunn Pike Shaw"
).split()

PREFIXES = (  # noqa: SIM905 - a word list reads better as words
    "northgate harbour meridian aldridge corven bexley thornfield lakeside kingsway ashby "
    "redwood stratton granite halcyon brightwater oakmont silverline westbrook eastfield "
    "pinnacle crestview falkirk ironbridge summit everleigh marlow coastal highmoor riverside "
    "brookfield"
).split()
SUFFIXES = (  # noqa: SIM905 - a word list reads better as words
    "financial retail logistics health energy insurance foods legal media pharma engineering "
    "transport telecom property education analytics manufacturing travel utilities capital"
).split()

CUSTOMER_ROLES = (
    ("Head of IT Operations", "IT Services Manager"),
    ("Chief Technology Officer", "Platform Engineering Manager"),
    ("IT Director", "Service Desk Lead"),
    ("Head of Infrastructure", "Infrastructure Lead"),
)
USER_GROUPS = (
    "IT Operations",
    "Development Team",
    "All employees",
    "Finance",
    "Platform Engineering",
    "Contact Centre",
)

ACTION_TITLES = (
    "Publish a monthly major-incident summary for {service}",
    "Root-cause analysis of the P1 response breaches on {service}",
    "Add patch compliance to the monthly {service} report",
    "Review the out-of-hours escalation contacts for {service}",
    "Agree a maintenance window calendar for {service} with the customer",
    "Report first-contact resolution by user group for {service}",
    "Refresh the {service} capacity forecast for the next two quarters",
    "Run a restore test for the customer's critical systems on {service}",
    "Publish knowledge articles for the ten most frequent {service} requests",
    "Update the {service} runbook after the last major incident",
    "Share the {service} change calendar two weeks ahead",
    "Confirm the {service} dependencies and exclusions with the customer",
)
KPIS = (
    ("Availability", "99.9%", ("99.95%", "99.97%", "99.92%", "99.99%"), ("99.82%", "99.71%")),
    ("P1 response", "15 min", ("11 min", "12 min", "14 min"), ("19 min", "22 min")),
    ("Calls answered within 60 s", "80%", ("82%", "85%", "88%"), ("76%", "78%")),
    ("First-contact resolution", "70%", ("72%", "74%", "77%"), ("66%", "68%")),
    ("Patch compliance", "95%", ("96%", "97%", "99%"), ("91%", "93%")),
    ("Change success", "95%", ("96%", "98%"), ("92%",)),
    ("Backup success", "99%", ("99.4%", "99.8%"), ("98.1%",)),
)
THEMES = (
    "Praise for the service desk",
    "Slow P3 request fulfilment",
    "Clear maintenance notices",
    "Wants earlier major-incident updates",
    "Good account management",
    "Patch windows clash with month end",
    "Helpful monthly report",
    "Onboarding of new starters is slow",
)
DECISIONS = (
    "The {service} performance pack will show the trend over the last six months.",
    "Maintenance on {service} stays in the agreed Sunday window.",
    "The customer will nominate a second contact for {service} out-of-hours escalation.",
    "Requirements for {service} stay as agreed; no change this month.",
    "Major-incident updates for {service} go to both representatives.",
)

# --- YAML scalars -----------------------------------------------------------------

_PLAIN_BLOCK = re.compile(r"[A-Za-z][A-Za-z0-9 ,;.()/'%+-]*[A-Za-z0-9.)%]\Z")
_PLAIN_FLOW = re.compile(r"[A-Za-z][A-Za-z0-9 ;.()/'%+-]*[A-Za-z0-9.)%]\Z")


def text(value: str) -> str:
    """A string scalar for block context: plain when that is safe, else double-quoted."""
    return value if _PLAIN_BLOCK.match(value) else json.dumps(value)


def flow(value: str) -> str:
    """A string scalar inside [a, b] or {k: v}: no commas when plain."""
    return value if _PLAIN_FLOW.match(value) else json.dumps(value)


def flow_list(values: list[str]) -> str:
    return "[" + ", ".join(flow(v) for v in values) + "]"


# --- dates ------------------------------------------------------------------------


def weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def london_offset(day: date) -> str:
    """+01:00 in British Summer Time, +00:00 otherwise (times here are office hours)."""
    return "+01:00" if last_sunday(day.year, 3) <= day < last_sunday(day.year, 10) else "+00:00"


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def long_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


# --- the plan ---------------------------------------------------------------------


@dataclass
class Person:
    id: str
    name: str


@dataclass
class Customer:
    index: int
    id: str
    name: str
    tier: str
    counterpart: Person
    services: list[str]
    representatives: list[Person]
    rng: random.Random


@dataclass
class Action:
    id: str
    title: str
    source: str
    customers: list[str]
    owner: str
    raised: date
    due: date
    status: str
    closed: date | None
    evidence: str | None
    links: list[str] = field(default_factory=list)


def services_of(index: int, count: int) -> list[int]:
    """Service indexes a customer consumes; a function of its index, so file counts are known up front."""
    taken = 3 if index % 5 == 0 else 2 if index % 5 == 1 else 1
    return [(index + k) % count for k in range(min(taken, count))]


def tier_of(index: int) -> str:
    return "strategic" if index % 5 in (0, 1) else "standard"


def planned_files(customers: int, years: int) -> int:
    """How many files ``generate`` writes (exact except for action files past ACTIONS_PER_FILE)."""
    service_count = min(len(SERVICES), max(customers, 1))
    requirements = sum(len(services_of(i, service_count)) for i in range(customers))
    # One file per calendar year of the window (December, full years, January to November),
    # more where a year holds more than ACTIONS_PER_FILE actions (~2.2 per review).
    per_month = customers * 2.2
    action_files = 1 + (years - 1) * math.ceil(12 * per_month / ACTIONS_PER_FILE)
    action_files += math.ceil(11 * per_month / ACTIONS_PER_FILE)
    customer_files = 1 if customers <= CUSTOMERS_PER_FILE else math.ceil(customers / CUSTOMERS_PER_FILE)
    registers = 4 + customer_files + action_files  # people, services, complaints, waivers
    markdown = 3 + 1 + years + customers * 16 * years  # procedures, instrument, process reviews
    return registers + requirements + markdown


def customers_for(files: int, years: int) -> int:
    """The number of customers whose repository comes closest to ``files`` files."""
    best, best_gap = 1, abs(planned_files(1, years) - files)
    low, high = 1, max(1, files)
    while low <= high:  # planned_files grows with customers
        middle = (low + high) // 2
        count = planned_files(middle, years)
        if abs(count - files) < best_gap:
            best, best_gap = middle, abs(count - files)
        if count < files:
            low = middle + 1
        else:
            high = middle - 1
    return best


class Generator:
    def __init__(self, root: Path, customers: int, years: int, seed: int) -> None:
        if customers < 1 or years < 1:
            raise ValueError("customers and years must be at least 1")
        self.root = root
        self.years = years
        self.seed = seed
        self.rng = random.Random(f"brm-perf:{seed}")
        self.files = 0
        self.folders: set[Path] = set()
        self.actions: list[Action] = []
        self.person_ids: set[str] = set()
        self.service_count = min(len(SERVICES), customers)
        self.services = SERVICES[: self.service_count]
        self.owners = {sid: Person(*OWNERS[i]) for i, (sid, _) in enumerate(self.services)}
        self.staff = [Person(pid, name) for pid, name, _ in LEADERS] + list(self.owners.values())
        account_managers = max(1, customers // 25)
        self.account_managers = [Person("jordan-lee", "Jordan Lee")] + [
            Person(f"account-manager-{n:03d}", f"Account Manager {n:03d}") for n in range(2, account_managers + 1)
        ]
        for person in self.staff + self.account_managers:
            self.person_ids.add(person.id)
        self.customers = [self.make_customer(i) for i in range(customers)]
        # The window: 12 x years months ending with LAST_MONTH; quarters end before it.
        self.months = [add_months(*LAST_MONTH, -k) for k in range(12 * years - 1, -1, -1)]
        last_quarter_end = add_months(*LAST_MONTH, -((LAST_MONTH[1] - 1) % 3) - 1)
        self.quarters = []
        for k in range(4 * years - 1, -1, -1):
            year, month = add_months(*last_quarter_end, -3 * k)
            self.quarters.append((year, (month - 1) // 3 + 1))

    # -- people and customers ------------------------------------------------------

    def unique_person_id(self, first: str, last: str) -> str:
        base = f"{first}-{last}".lower()
        candidate, n = base, 2
        while candidate in self.person_ids:
            candidate, n = f"{base}-{n}", n + 1
        self.person_ids.add(candidate)
        return candidate

    def make_customer(self, index: int) -> Customer:
        rng = random.Random(f"brm-perf:{self.seed}:customer:{index}")
        # Every (prefix, suffix) pair once per round; 11 is coprime with len(SUFFIXES).
        prefix = PREFIXES[index % len(PREFIXES)]
        suffix = SUFFIXES[(11 * (index // len(PREFIXES)) + 7 * (index % len(PREFIXES))) % len(SUFFIXES)]
        round_ = index // (len(PREFIXES) * len(SUFFIXES))
        slug = f"{prefix}-{suffix}" + (f"-{round_ + 1}" if round_ else "")
        name = f"{prefix.capitalize()} {suffix.capitalize()}" + (f" {round_ + 1}" if round_ else "")
        representatives = []
        for _ in range(2):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            representatives.append(Person(self.unique_person_id(first, last), f"{first} {last}"))
        return Customer(
            index=index,
            id=slug,
            name=name,
            tier=tier_of(index),
            counterpart=self.account_managers[index % len(self.account_managers)],
            services=[self.services[i][0] for i in services_of(index, self.service_count)],
            representatives=representatives,
            rng=rng,
        )

    # -- writing -------------------------------------------------------------------

    def write(self, path: str, content: str) -> None:
        target = self.root / path
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(target.parent)
        target.write_text(content, encoding="utf-8")
        self.files += 1

    def next_action_id(self) -> str:
        return f"ACT-{len(self.actions) + 1:05d}"

    def raise_action(
        self, rng: random.Random, title: str, source: str, customers: list[str], owner: str, raised: date
    ) -> Action:
        """An action whose status is consistent at AS_OF: anything past due is closed."""
        due = raised + timedelta(days=rng.randint(21, 75))
        closing = raised + timedelta(days=rng.randint(5, (due - raised).days))
        if closing < AS_OF:
            status, closed = "done", closing
            evidence = f"Closed with the customer on {closing.isoformat()}; reported at the next review."
        elif due >= AS_OF:
            status, closed, evidence = rng.choice(("open", "in-progress")), None, None
        else:
            status, closed = "done", AS_OF - timedelta(days=1)
            evidence = "Confirmed with the customer by email."
        links = [f"SIP-{rng.randint(1, 400)}"] if rng.random() < 0.2 else []
        action = Action(
            self.next_action_id(),
            title,
            source,
            customers,
            owner,
            raised,
            due,
            status,
            closed,
            evidence if status == "done" else None,
            links,
        )
        self.actions.append(action)
        return action

    def run(self) -> int:
        self.write_people()
        self.write_services()
        self.write_customers()
        for customer in self.customers:
            self.write_requirements(customer)
        self.write_procedures()
        self.write_instrument()
        for customer in self.customers:
            self.write_reviews(customer)
            self.write_results(customer)
        self.write_process_reviews()
        self.write_complaints()
        self.write("registers/waivers.yaml", "# Findings accepted on purpose. None are in force.\n[]\n")
        self.write_actions()
        return self.files

    # -- registers -----------------------------------------------------------------

    def write_people(self) -> None:
        lines = ["# Our own staff (synthetic benchmark data).", ""]
        roles = {pid: role for pid, _, role in LEADERS}
        for sid, service_name in self.services:
            roles[self.owners[sid].id] = f"Service Owner, {service_name}"
        for person in self.staff + self.account_managers[1:]:
            role = roles.get(person.id, "Account Manager")
            lines += [
                f"- id: {person.id}",
                f"  name: {text(person.name)}",
                f"  role: {text(role)}",
                f"  email: {person.id.replace('-', '.', 1)}@provider.example",
                "",
            ]
        self.write("registers/people.yaml", "\n".join(lines))

    def write_services(self) -> None:
        lines = ["# The service catalogue in scope (synthetic benchmark data).", ""]
        for sid, name in self.services:
            lines += [
                f"- id: {sid}",
                f"  name: {text(name)}",
                f"  owner: {self.owners[sid].id}",
                "  in_scope: true",
                "",
            ]
        self.write("registers/services.yaml", "\n".join(lines))

    def customer_yaml(self, customer: Customer) -> list[str]:
        rng = customer.rng
        domain = customer.id.replace("-", "") + ".example"
        roles = CUSTOMER_ROLES[customer.index % len(CUSTOMER_ROLES)]
        lines = [
            f"- id: {customer.id}",
            f"  name: {text(customer.name)}",
            f"  tier: {customer.tier}",
            f"  counterpart: {customer.counterpart.id}",
            "  services:",
        ]
        for k, sid in enumerate(customer.services):
            groups = [USER_GROUPS[(customer.index + k) % len(USER_GROUPS)]]
            lines += [f"    - service: {sid}", f"      user_groups: {flow_list(groups)}"]
        lines.append("  representatives:")
        for k, rep in enumerate(customer.representatives):
            authority = "[agree-requirements, review-performance]" if k == 0 else "[review-performance]"
            since = date(2024, 1, 8) + timedelta(days=rng.randint(0, 300))
            confirmed = date(2026, 1, 12) + timedelta(days=rng.randint(0, 280))
            lines += [
                f"    - id: {rep.id}",
                f"      name: {text(rep.name)}",
                f"      role: {text(roles[k])}",
                f"      email: {rep.id.split('-')[0]}.{rep.id.split('-')[1]}@{domain}",
                f'      phone: "+44 20 7946 {rng.randint(0, 9999):04d}"',
                f"      authority: {authority}",
                f"      since: {since.isoformat()}",
                f"      confirmed: {confirmed.isoformat()}",
            ]
        return lines

    def write_customers(self) -> None:
        header = ["# Customers, their user groups and representatives (synthetic benchmark data).", ""]
        if len(self.customers) <= CUSTOMERS_PER_FILE:
            lines = list(header)
            for customer in self.customers:
                lines += self.customer_yaml(customer) + [""]
            self.write("registers/customers.yaml", "\n".join(lines))
            return
        for part, start in enumerate(range(0, len(self.customers), CUSTOMERS_PER_FILE), 1):
            lines = list(header)
            for customer in self.customers[start : start + CUSTOMERS_PER_FILE]:
                lines += self.customer_yaml(customer) + [""]
            self.write(f"registers/customers/part-{part:03d}.yaml", "\n".join(lines))

    def write_requirements(self, customer: Customer) -> None:
        rng = customer.rng
        for sid in customer.services:
            effective = date(2026, rng.randint(1, 9), 1)
            major = rng.randint(1, 4)
            approved_rep = effective - timedelta(days=rng.randint(5, 20))
            approved_owner = approved_rep - timedelta(days=rng.randint(0, 5))
            confirm_by = date(effective.year + 1, effective.month, 1) - timedelta(days=1)
            content = "\n".join(
                [
                    f"# Service Requirements Summary: {customer.name}, {dict(self.services)[sid]}.",
                    f"customer: {customer.id}",
                    f"service: {sid}",
                    f'version: "{major}.0"',
                    f"effective: {effective.isoformat()}",
                    f"document: https://contracts.provider.example/sla/{customer.id}-{sid}-v{major}.pdf",
                    "summary:",
                    f'  service_hours: "{rng.choice(("24x7", "08:00-18:00 Mon-Fri", "07:00-20:00 Mon-Sat"))}"',
                    "  support_channels: [Service portal, Phone]",
                    f'  availability_target: "{rng.choice(("99.5%", "99.9%", "99.95%"))}"',
                    "  dependencies: [Customer WAN, Customer identity provider]",
                    "  exclusions: [Third-party applications]",
                    "approvals:",
                    f"  - by: {customer.representatives[0].id}",
                    f"    on: {approved_rep.isoformat()}",
                    f"  - by: {self.owners[sid].id}",
                    f"    on: {approved_owner.isoformat()}",
                    f"confirm_by: {confirm_by.isoformat()}",
                    "",
                ]
            )
            self.write(f"registers/requirements/{customer.id}--{sid}.yaml", content)

    def write_complaints(self) -> None:
        lines = ["# The complaint register (synthetic benchmark data). Instants carry their UTC offset.", ""]
        complaints = []
        for customer in self.customers:
            rng = customer.rng
            for year_start in range(self.years):
                if rng.random() >= 0.4:
                    continue
                year, month = self.months[12 * year_start + rng.randint(0, 11)]
                day = date(year, month, rng.randint(5, 20))
                while day.weekday() not in (1, 2, 3):  # Tuesday to Thursday: no GB bank holiday
                    day += timedelta(days=1)
                if day > AS_OF - timedelta(days=21):
                    continue
                received = datetime(day.year, day.month, day.day, rng.randint(9, 12), rng.choice((0, 15, 30, 45)))
                complaints.append((received, customer, rng))
        complaints.sort(key=lambda item: (item[0], item[1].index))
        for number, (received, customer, rng) in enumerate(complaints, 1):
            complaint_id = f"CMP-{number:04d}"
            offset = london_offset(received.date())
            acknowledged = received + timedelta(minutes=rng.choice((20, 45, 70, 110, 150)))
            resolved = received.date() + timedelta(days=rng.randint(2, 9))
            service = rng.choice(customer.services)
            action = self.raise_action(
                rng,
                rng.choice(ACTION_TITLES).format(service=dict(self.services)[service]),
                complaint_id,
                [customer.id],
                self.owners[service].id,
                received.date(),
            )
            lines += [
                f"- id: {complaint_id}",
                f"  customer: {customer.id}",
                f"  service: {service}",
                f"  channel: {rng.choice(('service-portal', 'account-manager'))}",
                f"  received: {received.isoformat()}{offset}",
                f"  acknowledged: {acknowledged.isoformat()}{offset}",
                "  stage: closed",
            ]
            if rng.random() < 0.3:
                escalated = received + timedelta(days=1)
                lines += [
                    "  escalations:",
                    f"    - {{to: alex-morgan, at: {escalated.isoformat()}{london_offset(escalated.date())}}}",
                ]
            else:
                lines.append("  escalations: []")
            feedback = (
                f"{customer.representatives[0].name} confirmed on "
                f"{(resolved + timedelta(days=3)).isoformat()} that the resolution is acceptable."
            )
            lines += [
                f"  resolved: {resolved.isoformat()}",
                f"  feedback: {text(feedback)}",
                f"  actions: [{action.id}]",
                "",
            ]
        self.write("registers/complaints.yaml", "\n".join(lines) if complaints else lines[0] + "\n[]\n")

    def write_actions(self) -> None:
        by_year: dict[int, list[Action]] = {}
        for action in sorted(self.actions, key=lambda a: (a.raised, a.id)):
            by_year.setdefault(action.raised.year, []).append(action)
        for year, actions in sorted(by_year.items()):
            for part, start in enumerate(range(0, len(actions), ACTIONS_PER_FILE), 1):
                lines = [f"# The action tracker: actions raised in {year} (synthetic benchmark data).", ""]
                for action in actions[start : start + ACTIONS_PER_FILE]:
                    lines += [
                        f"- id: {action.id}",
                        f"  title: {text(action.title)}",
                        f"  source: {action.source}",
                        f"  customers: {flow_list(action.customers)}",
                        f"  owner: {action.owner}",
                        f"  raised: {action.raised.isoformat()}",
                        f"  due: {action.due.isoformat()}",
                        f"  status: {action.status}",
                        f"  closed: {action.closed.isoformat() if action.closed else 'null'}",
                        f"  evidence: {text(action.evidence) if action.evidence else 'null'}",
                        f"  links: {flow_list(action.links)}",
                        "",
                    ]
                name = f"{year}.yaml" if part == 1 else f"{year}-{part}.yaml"
                self.write(f"registers/actions/{name}", "\n".join(lines))

    # -- procedures and the instrument ----------------------------------------------

    def write_procedures(self) -> None:
        control = [
            'version: "2.1"',
            "owner: alex-morgan",
            "approved_by: olivia-reid",
            "approved: 2026-10-05",
            "next_review: 2027-10-05",
        ]
        escalation = "escalation_path: [jordan-lee, alex-morgan, olivia-reid]"
        brm = [
            "---",
            "id: brm-procedure",
            "title: Business relationship management procedure",
            *control,
            "policy:",
            "  tiers:",
            "    strategic: {review_interval: P1M, survey_interval: P3M}",
            "    standard: {review_interval: P1M, survey_interval: P3M}",
            "  grace: P14D",
            f"  satisfaction_targets: {{csat: {CSAT_TARGET}}}",
            "  representative_confirmation: P1Y",
            "  requirements_confirmation: P1Y",
            "  process_review_interval: P1Y",
            "---",
            "# Business relationship management procedure",
            "",
            "Synthetic benchmark procedure. The policy block above is the controlled part:",
            "review and survey cadences per tier, grace, targets and confirmation intervals.",
            "",
            "## Performance reviews",
            "",
            "Every customer is reviewed monthly; minutes, KPIs, decisions and tracked actions",
            "are recorded in reviews/.",
            "",
            "## Satisfaction",
            "",
            "Quarterly CSAT with instrument csat-quarterly; a result below target gets an action.",
            "",
        ]
        complaints = [
            "---",
            "id: complaint-handling",
            "title: Complaint handling procedure",
            *control,
            "stages: [receipt, logging, investigation, resolution, feedback]",
            "acknowledgement: PT4H",
            "resolution_target: P10D",
            'business_hours: {days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00", '
            "timezone: Europe/London, holidays: GB}",
            escalation,
            "---",
            "# Complaint handling procedure",
            "",
            "Complaints are acknowledged within four business hours, resolved within ten days,",
            "and closed only once the complainant's feedback is recorded.",
            "",
        ]
        communication = [
            "---",
            "id: communication-plan",
            "title: Customer communication plan",
            *control,
            "channels: [Service portal, Email, Monthly review meetings]",
            "communications:",
            "  - {what: Monthly status report, audience: customer representatives, frequency: monthly, "
            "owner: alex-morgan}",
            "  - {what: Service review meeting, audience: customer representatives, frequency: monthly, "
            "owner: jordan-lee}",
            "  - {what: Customer satisfaction survey, audience: customer representatives, frequency: quarterly, "
            "owner: sofia-martin}",
            escalation,
            "---",
            "# Customer communication plan",
            "",
            "What we tell our customers, how often, and who is responsible.",
            "",
        ]
        self.write("procedures/business-relationship-management.md", "\n".join(brm))
        self.write("procedures/complaint-handling.md", "\n".join(complaints))
        self.write("procedures/communication-plan.md", "\n".join(communication))

    def write_instrument(self) -> None:
        content = "\n".join(
            [
                "---",
                "type: survey-instrument",
                "id: csat-quarterly",
                'version: "2"',
                "method: csat",
                "scale: 5",
                "questions:",
                "  - Overall, how satisfied are you with our service this quarter?",
                "  - How satisfied are you with how quickly we resolve your incidents and requests?",
                "  - What one thing should we improve next quarter?",
                "---",
                "# Quarterly customer satisfaction survey (CSAT), version 2",
                "",
                "The headline score is the percentage of respondents answering 4 or 5 of 5.",
                "",
            ]
        )
        self.write("surveys/instruments/csat-quarterly.md", content)

    # -- reviews -------------------------------------------------------------------

    def review_dates(self, customer: Customer) -> list[date]:
        days = []
        for year, month in self.months:
            day = weekday_on_or_after(date(year, month, customer.rng.randint(3, 18)))
            days.append(min(day, AS_OF - timedelta(days=1)))
        return days

    def write_reviews(self, customer: Customer) -> None:
        rng = customer.rng
        days = self.review_dates(customer)
        owners = [self.owners[sid] for sid in customer.services]
        provider = [customer.counterpart] + [o for o in owners if o.id != customer.counterpart.id]
        attendees = customer.representatives + provider
        service_names = [dict(self.services)[sid] for sid in customer.services]
        previous: list[Action] = []
        for k, day in enumerate(days):
            year, month = add_months(day.year, day.month, -1)
            period = f"{year}-{month:02d}"
            path = f"reviews/{day.year}/{day.isoformat()}-{customer.id}.md"
            next_review = days[k + 1] if k + 1 < len(days) else weekday_on_or_after(day + timedelta(days=30))
            kpis = []
            for name, target, good, bad in rng.sample(KPIS, 4):
                met = rng.random() < 0.85
                actual = rng.choice(good if met else bad)
                kpis.append((name, target, actual, met))
            decisions = [
                rng.choice(DECISIONS).format(service=rng.choice(service_names)) for _ in range(rng.randint(1, 2))
            ]
            raised = []
            for _ in range(2):
                sid = rng.choice(customer.services)
                owner = rng.choice((customer.counterpart.id, self.owners[sid].id))
                title = rng.choice(ACTION_TITLES).format(service=dict(self.services)[sid])
                raised.append(self.raise_action(rng, title, path, [customer.id], owner, day))
            month_name = f"{MONTHS[month - 1]} {year}"
            front = [
                "---",
                "type: performance-review",
                f"customers: [{customer.id}]",
                f"services: {flow_list(customer.services)}",
                f"date: {day.isoformat()}",
                f'period: "{period}"',
                f"attendees: {flow_list([p.id for p in attendees])}",
                f"report: https://reports.provider.example/{customer.id}/{period}-service-review.pdf",
                "kpis:",
                *(
                    f'  - {{name: {flow(n)}, target: "{t}", actual: "{a}", met: true}}'
                    if m
                    else f'  - {{name: {flow(n)}, target: "{t}", actual: "{a}", met: false, actions: [{raised[0].id}]}}'
                    for n, t, a, m in kpis
                ),
                "decisions:",
                *(f"  - {text(d)}" for d in decisions),
                f"actions: [{', '.join(a.id for a in raised)}]",
                f"next_review: {next_review.isoformat()}",
                "---",
            ]
            carried = []
            for action in previous:
                if action.closed is not None and action.closed <= day:
                    carried.append(f"- [x] {action.id} {action.title}. Closed {action.closed.isoformat()}.")
                else:
                    carried.append(f"- [ ] {action.id} {action.title} (still open, due {action.due.isoformat()}).")
            met_count = sum(1 for kpi in kpis if kpi[3])
            body = [
                f"# {customer.name}: {month_name} service review",
                "",
                f"**Date:** {long_date(day)}, 10:00-11:00, video call",
                f"**Chair:** {customer.counterpart.name}",
                "",
                "## Attendees",
                "",
                f"- {customer.name}: {', '.join(p.name for p in customer.representatives)}",
                f"- Provider: {', '.join(p.name for p in provider)}",
                "",
                "## Actions from the previous review",
                "",
                *(carried or ["None carried over."]),
                "",
                "## Performance",
                "",
                f"{met_count} of {len(kpis)} KPIs met for {month_name}. "
                + " ".join(f"{n}: {a} against {t}." for n, t, a, _ in kpis),
                "The customer asked for the trend to be shown alongside the monthly figures.",
                "",
                "## Decisions",
                "",
                *(f"- {d}" for d in decisions),
                "",
                "## Actions",
                "",
                *(f"- [ ] {a.id} {a.title} ({a.owner}, due {a.due.isoformat()})" for a in raised),
                "",
                "## Next review",
                "",
                f"{long_date(next_review)}.",
                "",
            ]
            self.write(path, "\n".join(front + body))
            previous = raised

    def write_process_reviews(self) -> None:
        for k in range(self.years):
            day = weekday_on_or_after(date(AS_OF.year - k, 10, 20))
            path = f"reviews/{day.year}/{day.isoformat()}-brm-process-review.md"
            action = self.raise_action(
                self.rng,
                "Report overdue actions per customer in the monthly operations meeting",
                path,
                [c.id for c in self.customers[:3]],
                "daniel-osei",
                day,
            )
            content = "\n".join(
                [
                    "---",
                    "type: process-review",
                    f"date: {day.isoformat()}",
                    f'period: "{day.year}"',
                    "attendees: [daniel-osei, alex-morgan, olivia-reid]",
                    f"report: https://reports.provider.example/brm/{day.year}-process-review.pdf",
                    "decisions:",
                    "  - The review and survey cadences stay as set in the BRM procedure.",
                    f"actions: [{action.id}]",
                    f"next_review: {(day + timedelta(days=364)).isoformat()}",
                    "---",
                    f"# Annual review of the BRM process, {day.year}",
                    "",
                    "Coverage, effectiveness and adherence of the process were reviewed.",
                    "",
                    "## Actions",
                    "",
                    f"- [ ] {action.id} {action.title} (daniel-osei, due {action.due.isoformat()})",
                    "",
                ]
            )
            self.write(path, content)

    # -- satisfaction ----------------------------------------------------------------

    def write_results(self, customer: Customer) -> None:
        rng = customer.rng
        analysts = ("sofia-martin", "olivia-reid")
        for year, quarter in self.quarters:
            period = f"{year}-Q{quarter}"
            end_year, end_month = add_months(year, quarter * 3, 1)
            sent = weekday_on_or_after(date(end_year, end_month, 1) + timedelta(days=rng.randint(0, 3)))
            path = f"surveys/results/{year}/{period}-{customer.id}.md"
            invited = rng.randint(8, 30)
            responses = rng.randint(max(3, invited // 3), invited)
            low = rng.random() < 0.15
            share = rng.uniform(0.55, 0.84) if low else rng.uniform(0.86, 1.0)
            satisfied = max(0, min(responses, round(share * responses)))
            csat = round(100 * satisfied / responses)
            themes = rng.sample(THEMES, 2)
            actions = []
            if csat < CSAT_TARGET:
                actions.append(
                    self.raise_action(
                        rng,
                        f"Agree a recovery plan with {customer.name} after the {period} CSAT of {csat}%",
                        path,
                        [customer.id],
                        customer.counterpart.id,
                        sent + timedelta(days=14),
                    )
                )
            content = "\n".join(
                [
                    "---",
                    "type: satisfaction-result",
                    "instrument: csat-quarterly",
                    'instrument_version: "2"',
                    f"customers: [{customer.id}]",
                    f'period: "{period}"',
                    f"sent: {sent.isoformat()}",
                    "sent_by: sofia-martin",
                    f"analysed_by: {rng.choice(analysts)}",
                    f"invited: {invited}",
                    f"responses: {responses}",
                    f"scores: {{csat: {csat}}}",
                    f"themes: {flow_list(themes)}",
                    f"actions: [{', '.join(a.id for a in actions)}]",
                    "---",
                    f"# {customer.name}: CSAT Q{quarter} {year}",
                    "",
                    f"{responses} of {invited} invited responded; {satisfied} satisfied (CSAT {csat}%).",
                    f"Themes: {themes[0].lower()}; {themes[1].lower()}."
                    + (f" Recovery plan tracked as {actions[0].id}." if actions else ""),
                    "",
                ]
            )
            self.write(path, content)


def generate(root: Path, customers: int, years: int, seed: int = 0) -> int:
    """Write a synthetic evidence repository into ``root``; return how many files were written."""
    return Generator(Path(root), customers, years, seed).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="where to write the repository (created; must be empty or absent)")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--customers", type=int, help="number of customers (default: 30)")
    size.add_argument("--files", type=int, help="choose the number of customers to write about this many files")
    parser.add_argument("--years", type=int, default=2, help="years of history ending November 2026 (default: 2)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    args = parser.parse_args(argv)
    if args.root.exists() and any(args.root.iterdir()):
        parser.error(f"{args.root} is not empty")
    if args.years < 1:
        parser.error("--years must be at least 1")
    customers = customers_for(args.files, args.years) if args.files else (args.customers or 30)
    if customers < 1:
        parser.error("--customers must be at least 1")
    started = time.perf_counter()
    written = generate(args.root, customers, args.years, args.seed)
    elapsed = time.perf_counter() - started
    print(f"{written} files, {customers} customers, {args.years} years in {elapsed:.2f} s: {args.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
