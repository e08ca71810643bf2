"""``brm new waiver``: one finding accepted on purpose, by whom and until when."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from ..core import Draft, Scaffold, ScaffoldError, day, line, name, register_file, rule_code, slug

TYPE = "waiver"
HELP = "a waiver accepting one finding until a date: registers/waivers/RULE--SUBJECT.yaml"
DESCRIPTION = "Approved defaults to today."


def flags(waiver: argparse.ArgumentParser) -> None:
    waiver.add_argument("--rule", type=rule_code, metavar="CODE")
    waiver.add_argument("--subject", metavar="ID_OR_PATH", help="the finding's subject")
    waiver.add_argument("--reason", type=line, metavar="TEXT")
    waiver.add_argument("--approved-by", type=slug, metavar="ID")
    waiver.add_argument("--approved", type=day, metavar="DATE", help="default: today")
    waiver.add_argument("--expires", type=day, metavar="DATE")


def build(s: Scaffold) -> Draft:
    from ...rules import load_rules

    a = s.answers
    rule = a.get("rule", "Rule code (such as REV001)", rule_code)
    subject = a.get("subject", "The finding's subject (a record id or a path)")
    reason = a.get("reason", "Why the finding is accepted")
    approved_by = a.get("approved_by", "Approved by (a person id)", slug)
    expires = a.get("expires", "Expires (YYYY-MM-DD)", day)
    a.done()
    if rule not in load_rules():
        raise ScaffoldError(f"no rule '{rule}' (see 'brm rules')")
    approved: date = a.flag("approved") or s.today
    if expires < approved:
        raise ScaffoldError(f"the waiver expires ({expires}) before it is approved ({approved})")
    record: dict[str, Any] = {
        "rule": rule,
        "subject": subject,
        "reason": reason,
        "approved_by": s.staff(approved_by, "approver"),
        "approved": approved,
        "expires": expires,
    }
    return Draft(register_file(TYPE, f"{rule.lower()}--{name(subject.lower())}"), TYPE, record)
