"""Representatives: who speaks for the customer, with what authority, and since when."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..coverage import grace_words, representative_due
from ..dates import in_words
from ..model import Representative
from . import Breach, Context, rule
from .reading import subject_of

AGREE = "agree-requirements"
REVIEW = "review-performance"

#: Local parts of role mailboxes (compared without `.`, `-` and `_`, and without a `+tag`).
ROLE_MAILBOXES = frozenset(
    {
        "admin",
        "billing",
        "contact",
        "enquiries",
        "hello",
        "help",
        "helpdesk",
        "info",
        "it",
        "itsupport",
        "itservicedesk",
        "itservices",
        "itteam",
        "mail",
        "noreply",
        "donotreply",
        "office",
        "operations",
        "ops",
        "postmaster",
        "sales",
        "service",
        "servicedesk",
        "support",
        "team",
    }
)

#: Words that, alone or with the mailboxes above, make an address or a name a role or a
#: team rather than a person: `helpdesk-lead@`, `it.service.desk@`, "IT Operations".
ROLE_WORDS = frozenset(
    {
        "centre",
        "center",
        "department",
        "dept",
        "desk",
        "group",
        "inbox",
        "lead",
        "mailbox",
        "queue",
        "requests",
        "services",
    }
)

#: Words that make a name a team whatever else it says: "IT Team", "Customer Helpdesk".
TEAM_WORDS = frozenset(
    {"team", "helpdesk", "servicedesk", "desk", "support", "department", "dept", "mailbox", "inbox", "noreply"}
)

_SEPARATORS = re.compile(r"[._\-]")
_WORD = re.compile(r"[a-z]+")


def _all_role_words(parts: list[str]) -> bool:
    return bool(parts) and all(p in ROLE_MAILBOXES or p in ROLE_WORDS for p in parts)


def _is_role_mailbox(email: str) -> bool:
    """`support@`, `it-support@`, `helpdesk+retail@`, `help.desk@`, `helpdesk-lead@`."""
    local = email.rsplit("@", 1)[0].split("+", 1)[0].strip().lower()
    return _SEPARATORS.sub("", local) in ROLE_MAILBOXES or _all_role_words([p for p in _SEPARATORS.split(local) if p])


def _is_team_name(name: str) -> bool:
    """A name that is an address, a mailbox or a team: 'support@x', 'Helpdesk', 'IT Team'."""
    if "@" in name:
        return True
    words = _WORD.findall(name.lower())
    return "".join(words) in ROLE_MAILBOXES or any(w in TEAM_WORDS for w in words) or _all_role_words(words)


def absent(raw: object, key: str) -> bool:
    """The field is not given, or is an empty list or mapping.

    Any other value, even null or empty text, is the schema's to judge (BRM002), so
    a rule that needs the field stays silent rather than report it twice.
    """
    if not isinstance(raw, dict) or key not in raw:
        return True
    return raw[key] == [] or raw[key] == {}


def _who(representative: Representative) -> str:
    if representative.name and representative.id:
        return f"{representative.name} ({representative.id})"
    return representative.name or representative.id or "an unnamed representative"


@rule("REP001", "error", clause="8.3.2", subject="customer", needs=("customers",))
def no_representative(context: Context) -> Iterator[Breach]:
    """A customer has no named representative, and no interim contact with request date and escalation path.

    Every customer lists at least one named person under `representatives`. Until
    the customer names one, an `interim` block documents who we talk to meanwhile
    (`contact`, which may be a mailbox), when we asked the customer to nominate a
    representative (`requested`) and who on our side escalates it (`escalation`).
    All three parts are needed.

    Why an auditor cares:
    Clause 8.3.2 asks the provider to identify and document the customers, users
    and interested parties of the services. Requirements agreed and performance
    reviewed with nobody in particular cannot be shown to be agreed at all; a
    documented interim arrangement shows the gap is known and being closed.

    How to fix:
    Add the person the customer has named under the customer's `representatives`,
    with their authority. If they have not named anyone yet, add an `interim`
    block with the contact, the date you asked and the escalation path, and chase it.

    Example:
    Fails: a customer with no `representatives`, and an `interim` block without
    `escalation`.
    Passes: `interim: {contact: helpdesk@customer.example, requested: 2026-03-01,
    escalation: [alex-morgan, olivia-reid]}`.
    """
    for customer in context.repository.customers:
        if customer.representatives or not customer.empty("representatives"):
            continue  # named representatives, or a broken list (BRM002)
        if not customer.has("interim"):
            yield Breach(
                customer.at("id"),
                subject_of(customer),
                f"{customer.label} has no named representative and no interim contact: add the person "
                "the customer has named under `representatives`, or an `interim` block with `contact`, "
                "`requested` (when you asked for a representative) and `escalation`",
            )
            continue
        interim = customer.raw.get("interim")
        if not isinstance(interim, dict):
            continue  # BRM002: the interim block is not a mapping
        missing = [name for name in ("contact", "requested", "escalation") if absent(interim, name)]
        if missing:
            yield Breach(
                customer.at("interim"),
                subject_of(customer),
                f"{customer.label} has no named representative and its interim arrangement lacks "
                f"{', '.join(f'`{m}`' for m in missing)}: document who we talk to, when we asked the customer "
                "to name a representative, and who escalates it (person ids), or add the named representative",
            )


@rule("REP002", "error", clause="8.3.2", subject="customer", needs=("customers", "services"))
def missing_authority(context: Context) -> Iterator[Breach]:
    """No representative holds `agree-requirements`, or none `review-performance`, for one of the customer's services.

    For every service a customer consumes, some representative covering that
    service (one whose `services` names it, or who has no `services` list and so
    covers all the customer's services) must hold `agree-requirements`, and some
    must hold `review-performance`. One person may hold both, or two people one
    each. A customer with no representatives at all is REP001's finding.

    Why an auditor cares:
    Requirements are agreed and performance is reviewed with the customer
    (clause 8.3.2). Without someone entitled to agree the requirements or to
    review the service, neither the agreement nor the review binds the customer.

    How to fix:
    Ask the customer who may agree requirements (or review performance) for the
    service, and add that authority to their entry, or add them as a
    representative, listing the service under `services` if they cover only some.

    Example:
    Fails: the only representative covering `it-helpdesk` has
    `authority: [review-performance]`.
    Passes: a second representative covering `it-helpdesk` with
    `authority: [agree-requirements]`.
    """
    for customer in context.repository.customers:
        if not customer.representatives:
            continue  # REP001: no named representative (or a documented interim one)
        consumed = customer.service_ids
        for consumption in customer.services:
            covering = [r for r in customer.representatives if r.covers(consumption.service, consumed)]
            for authority, purpose in ((AGREE, "agree its requirements"), (REVIEW, "review its performance")):
                if any(authority in r.authority for r in covering):
                    continue
                yield Breach(
                    customer.at("services", consumption.index, "service"),
                    subject_of(customer),
                    f"{customer.label}: no representative covering {consumption.service} holds "
                    f"`{authority}`, so nobody can {purpose} for the customer: ask the customer who may, "
                    f"and add `{authority}` to that representative's `authority` (and {consumption.service} "
                    "to their `services`, if they list services)",
                )


@rule("REP003", "error", clause="8.3.2", subject="representative", needs=("customers",))
def role_mailbox(context: Context) -> Iterator[Breach]:
    """A representative is a role mailbox, not a named person.

    A representative's `email` is a role address (`support@`, `it@`, `helpdesk@`,
    `servicedesk@`, `info@`, `noreply@` ...), or their `name` is an address or a
    team (`IT Team`, `Helpdesk`). An `interim` contact may be a mailbox: that is
    what an interim arrangement is for.

    Why an auditor cares:
    A representative speaks for the customer: agrees requirements, reviews
    performance, receives escalations. A mailbox cannot hold that authority, and
    nobody can show who agreed anything on its behalf.

    How to fix:
    Ask the customer for the named person behind the mailbox and record them
    with their own address. Until they name one, remove the entry and document
    an `interim` contact instead.

    Example:
    Fails: `name: IT Helpdesk`, `email: helpdesk@retailco.example`.
    Passes: `name: Sam Patel`, `email: sam.patel@retailco.example`.
    """
    for customer in context.repository.customers:
        for representative in customer.representatives:
            if representative.email and _is_role_mailbox(representative.email):
                location, what = representative.at("email"), f"address {representative.email}"
            elif representative.name and _is_team_name(representative.name):
                location, what = representative.at("name"), f"name '{representative.name}'"
            else:
                continue
            yield Breach(
                location,
                subject_of(representative),
                f"{customer.label}: representative {representative.id or '?'} is a role mailbox or team "
                f"({what}), not a named person: record the person the customer has named, with their own "
                "address, or move the mailbox to an `interim` contact until they name one",
            )


@rule("REP004", "cadence", clause="8.3.2", subject="representative", needs=("customers",))
def unconfirmed(context: Context) -> Iterator[Breach]:
    """A representative entry was not confirmed within `representative_confirmation`.

    Each representative's `confirmed` date (or, if the entry was never confirmed,
    its `since` date) plus the BRM procedure's `representative_confirmation`
    interval is the date the entry was due for re-confirmation. After that date the
    finding is a warning; after the policy's `grace` as well, an error. An entry
    with neither date cannot show it was ever confirmed: an error at once.

    Why an auditor cares:
    People change roles and leave. A register that nobody has checked with the
    customer for years is not evidence of who speaks for the customer today
    (clause 8.3.2).

    How to fix:
    Confirm the entry with the customer (a service review is a good moment): name,
    role, authority and services. Correct what changed and set `confirmed` to the
    date they confirmed it.

    Example:
    Fails: `confirmed: 2025-09-01` judged on 2026-11-23 with
    `representative_confirmation: P1Y`.
    Passes: `confirmed: 2026-09-01`.
    """
    interval = context.policy.representative_confirmation
    for customer in context.repository.customers:
        for representative in customer.representatives:
            if representative.confirmed is not None:
                basis, field, what = representative.confirmed, "confirmed", "last confirmed"
            elif representative.since is not None and representative.empty("confirmed"):
                basis, field, what = representative.since, "since", "never confirmed; representative since"
            elif representative.empty("confirmed") and representative.empty("since"):
                yield Breach(
                    representative.at("id"),
                    subject_of(representative),
                    f"{customer.label}: representative {_who(representative)} has never been confirmed and "
                    "has no `since` date: confirm the entry with the customer and set `confirmed` (and "
                    "`since`) to the dates",
                )
                continue
            else:
                continue  # an unreadable date: BRM002
            due = representative_due(representative, context.policy)
            if due is None or context.as_of <= due:
                continue
            yield Breach(
                representative.at(field),
                subject_of(representative),
                f"{customer.label}: representative {_who(representative)} {what} {basis}; "
                f"re-confirmation ({in_words(interval, every=True)}) was due by {due} "
                f"(+{grace_words(context.policy.grace)}): "
                "confirm the entry with the customer and set `confirmed` to that date",
                due=due,
            )


@rule("REP005", "error", clause="8.3.2", subject="customer", needs=("customers",))
def no_counterpart(context: Context) -> Iterator[Breach]:
    """A customer has no provider counterpart.

    Every customer names a `counterpart`: the person id of the member of our staff
    accountable for the relationship with that customer.

    Why an auditor cares:
    Clause 8.3.2 expects the provider to manage the relationship with each
    customer. Without an accountable person on our side, reviews, complaints and
    escalations for the customer belong to nobody.

    How to fix:
    Add `counterpart:` with the id of the accountable person from
    `registers/people.yaml`.

    Example:
    Fails: a customer with no `counterpart` field.
    Passes: `counterpart: alex-morgan`.
    """
    for customer in context.repository.customers:
        if not customer.empty("counterpart"):
            continue  # given; an empty or malformed value is BRM002's
        yield Breach(
            customer.at("id"),
            subject_of(customer),
            f"{customer.label} has no provider counterpart: add `counterpart:` with the id of the person "
            "on our staff accountable for the relationship (registers/people.yaml)",
        )
