"""`brm new KIND` for every record kind: what each writes passes `brm check`, what it refuses it says.

One PASS/FAIL set per kind, run through `checks.cli.main` in this process (the same
code as the console script; `test_scaffold.py` runs the script itself), then judged
by the checks on the fixture repository. Kinds are found by the record types of the
schemas, and every enumerated value a flag offers is read from them: a test adds a
value to each enum of each schema and finds it offered.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from checks import schema
from checks.cli import main
from checks.reader import parse_yaml, read_markdown
from checks.scaffold import configure, registry
from checks.scaffold.core import Draft, period
from checks.scaffold.render import render, verify

from .conftest import AS_OF, check, dedent


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRM_AS_OF", AS_OF.isoformat())
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal: nothing is asked


def brm(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def new(root: Path, kind: str, *flags: str) -> str:
    code, out, err = brm("new", kind, "--root", str(root), *flags)
    assert code == 0, err
    assert out.startswith("wrote "), out
    return out.removeprefix("wrote ").strip()


def refused(root: Path, kind: str, *flags: str) -> str:
    """The one-line error of a `brm new` that writes nothing."""
    before = sorted(p for p in root.rglob("*"))
    code, out, err = brm("new", kind, "--root", str(root), *flags)
    assert code == 2, (out, err)
    assert out == "" and len(err.splitlines()) == 1 and err.startswith("brm: error: "), err
    assert sorted(p for p in root.rglob("*")) == before
    return err


def fields(root: Path, path: str) -> dict[str, Any]:
    text = (root / path).read_text(encoding="utf-8")
    document = read_markdown(text, path) if path.endswith(".md") else parse_yaml(text, path)
    assert not hasattr(document, "message"), document
    return document.data  # type: ignore[union-attr, no-any-return]


def rules(root: Path) -> list[tuple[str, str]]:
    return [(f.rule, f.path) for f in check(root)]


HELPDESK: dict[str, str | None] = {
    "registers/services.yaml": dedent(
        """
        - id: cloud-hosting
          name: Cloud Hosting
          owner: priya-shah
        - id: it-helpdesk
          name: IT Helpdesk
          owner: jordan-lee
        """
    ),
    "registers/customers.yaml": dedent(
        """
        - id: retailco
          name: RetailCo
          tier: standard
          counterpart: alex-morgan
          services:
            - service: cloud-hosting
            - service: it-helpdesk
          representatives:
            - id: sam-patel
              name: Sam Patel
              authority: [agree-requirements, review-performance]
              since: 2025-01-10
              confirmed: 2026-09-01
        """
    ),
}


# -- every kind: one file that `brm check` accepts as written, never written twice ------------

#: Kind -> (fixture files, flags, the file written, findings `brm check` then has, as (rule, path)).
PASSES: dict[str, tuple[dict[str, str | None], list[str], str, list[tuple[str, str]]]] = {
    "person": (
        {}, ["--name", "Dana Scully", "--role", "Survey analyst", "--email", "dana.scully@provider.example"],
        "registers/people/dana-scully.yaml", [],
    ),
    "service": (
        {}, ["--name", "Backup Service", "--owner", "priya-shah"], "registers/services/backup-service.yaml",
        [("SVC001", "registers/services/backup-service.yaml")],  # its customers are added next
    ),
    "customer": (
        {}, ["--id", "acme", "--name", "Acme", "--counterpart", "jordan-lee", "--service", "cloud-hosting:Ops",
             "--representative-id", "rosa-diaz", "--representative-name", "Rosa Diaz"],
        "registers/customers/acme.yaml",
        [("REQ001", "registers/customers/acme.yaml")],  # its requirements are agreed next
    ),
    "requirement": (
        HELPDESK, ["--customer", "retailco", "--service", "it-helpdesk", "--customer-approval", "2026-11-20",
                   "--owner-approval", "2026-11-18"],
        "registers/requirements/retailco--it-helpdesk.yaml", [],
    ),
    "action": (
        {}, ["--id", "ACT-0007", "--title", "Send the revised SLA", "--source", "reviews/2026/2026-11-10-retailco.md",
             "--customer", "retailco", "--due", "2026-12-31"],
        "registers/actions/ACT-0007.yaml", [],
    ),
    "complaint": (
        {}, ["--id", "CMP-0003", "--customer", "retailco", "--summary", "Slow restore", "--channel", "email",
             "--received", "2026-11-20T10:00+00:00", "--acknowledged", "2026-11-20T11:00+00:00"],
        "registers/complaints/CMP-0003.yaml", [],
    ),
    "waiver": (
        {}, ["--rule", "REV001", "--subject", "retailco", "--reason", "Agreed in writing.", "--approved-by",
             "olivia-reid", "--expires", "2027-03-31"],
        "registers/waivers/rev001--retailco.yaml", [],
    ),
    "review": (
        {}, ["--customer", "retailco", "--date", "2026-11-27", "--report", "https://reports.example/2026-11.pdf"],
        "reviews/2026/2026-11-27-retailco.md", [],
    ),
    "instrument": (
        {}, ["--id", "nps-annual", "--version", "1", "--method", "nps", "--question", "How likely?"],
        "surveys/instruments/nps-annual.md", [],
    ),
    "result": (
        {}, ["--customer", "retailco", "--sent", "2027-01-05", "--analysed-by", "olivia-reid", "--invited", "12",
             "--responses", "9", "--score", "89", "--period", "2026-Q4"],
        "surveys/results/2026/2026-Q4-retailco.md", [],
    ),
    "procedure": (
        {"procedures/complaint-handling.md": None},
        ["--id", "complaint-handling", "--provider", "Acme Services", "--approved", "2026-11-20"],
        "procedures/complaint-handling.md", [],
    ),
}  # fmt: skip


def test_every_record_type_has_a_kind() -> None:
    assert sorted(kind.type_name for kind in registry().values()) == sorted(schema.TYPES)
    assert sorted(PASSES) == sorted(registry())


@pytest.mark.parametrize("kind", list(PASSES))
def test_the_file_passes_brm_check_and_is_never_written_over(repo: Any, kind: str) -> None:
    files, flags, written, expected = PASSES[kind]
    root = repo(files)
    assert new(root, kind, *flags) == written
    assert fields(root, written)  # readable, as every BRM001/BRM002 check below confirms
    assert rules(root) == expected
    text = (root / written).read_bytes()
    err = refused(root, kind, *flags)
    assert "already" in err  # the file, or the record in its register
    assert (root / written).read_bytes() == text


# -- person and service --------------------------------------------------------------------------


def test_person_id_is_made_from_the_name_and_must_be_free(repo: Any) -> None:
    root = repo()
    assert new(root, "person", "--name", "José Núñez") == "registers/people/jose-nunez.yaml"
    assert fields(root, "registers/people/jose-nunez.yaml") == {"id": "jose-nunez", "name": "José Núñez"}
    assert "person id 'sam-patel' is already used" in refused(root, "person", "--id", "sam-patel", "--name", "Sam P")
    assert "is not an email address" in refused(root, "person", "--name", "X Y", "--email", "x@")
    assert "missing --name" in refused(root, "person")


def test_service_needs_an_owner_on_our_staff_and_can_be_out_of_scope(repo: Any) -> None:
    root = repo()
    assert "owner 'sam-patel' is not one of our staff" in refused(
        root, "service", "--name", "Backup", "--owner", "sam-patel"
    )
    assert "missing --owner" in refused(root, "service", "--name", "Backup")
    path = new(root, "service", "--name", "Legacy Fax", "--owner", "priya-shah", "--out-of-scope")
    assert fields(root, path)["in_scope"] is False
    assert rules(root) == []  # out of scope: no customer needed


# -- customer ------------------------------------------------------------------------------------


def test_customer_onboarded_sets_when_its_first_review_and_survey_fall_due(repo: Any) -> None:
    root = repo()
    path = new(root, "customer", "--id", "acme", "--name", "Acme", "--counterpart", "jordan-lee",
               "--onboarded", "2026-09-01", "--interim-contact", "it-director@acme.example")  # fmt: skip
    record = fields(root, path)
    assert record["onboarded"] == "2026-09-01"
    assert record["interim"]["requested"] == AS_OF.isoformat()
    # Monthly reviews, so the first was due 2026-10-01 and is past the P14D grace; the
    # quarterly survey is due 2026-12-01, not yet.
    assert {(f.rule, f.subject) for f in check(root) if f.subject == "acme"} == {("REV001", "acme")}


def test_customer_authority_is_the_schemas(repo: Any) -> None:
    root = repo()
    path = new(root, "customer", "--id", "acme", "--name", "Acme", "--counterpart", "jordan-lee",
               "--representative-id", "rosa-diaz", "--representative-name", "Rosa Diaz",
               "--authority", "review-performance")  # fmt: skip
    assert fields(root, path)["representatives"][0]["authority"] == ["review-performance"]
    err = refused(root, "customer", "--id", "acme2", "--name", "Acme", "--counterpart", "jordan-lee",
                  "--representative-id", "rosa-d", "--representative-name", "Rosa",
                  "--authority", "sign-cheques")  # fmt: skip
    assert "'sign-cheques' is not one of agree-requirements, review-performance" in err


# -- requirement ---------------------------------------------------------------------------------


def test_requirement_prefills_both_approvers_effective_and_confirm_by(repo: Any) -> None:
    root = repo(HELPDESK)
    path = new(root, "requirement", "--customer", "retailco", "--customer-approval", "2026-11-20",
               "--owner-approval", "2026-11-18", "--service-hours", "24x7", "--support-channel", "Phone")  # fmt: skip
    assert fields(root, path) == {
        "customer": "retailco",
        "service": "it-helpdesk",  # the only one it consumes without agreed requirements
        "version": "1.0",
        "effective": "2026-11-20",  # both sides had approved by then
        "summary": {"service_hours": "24x7", "support_channels": ["Phone"]},
        "approvals": [{"by": "sam-patel", "on": "2026-11-20"}, {"by": "jordan-lee", "on": "2026-11-18"}],
        "confirm_by": "2027-11-20",  # + requirements_confirmation (P1Y)
    }


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--customer", "retailco", "--service", "cloud-hosting", "--customer-approval", "2026-11-20",
          "--owner-approval", "2026-11-20"],
         "the requirements of retailco for cloud-hosting are already at "
         "registers/requirements/retailco--cloud-hosting.yaml"),
        (["--customer", "retailco", "--service", "backup"], "RetailCo does not consume 'backup'"),
        (["--customer", "retailco"], "missing --customer-approval, --owner-approval"),
        (["--customer", "retailco", "--representative", "alex-morgan", "--customer-approval", "2026-11-20",
          "--owner-approval", "2026-11-20"], "'alex-morgan' is not a representative of RetailCo (known: sam-patel)"),
        (["--customer", "nobody"], "no customer 'nobody'"),
    ],
    ids=["agreed-already", "not-consumed", "no-approval-dates", "not-a-representative", "unknown-customer"],
)  # fmt: skip
def test_requirement_refusals(repo: Any, flags: list[str], message: str) -> None:
    assert message in refused(repo(HELPDESK), "requirement", *flags)


def test_requirement_of_a_service_without_owner_is_refused(repo: Any) -> None:
    services = "- id: cloud-hosting\n  name: Cloud Hosting\n- id: it-helpdesk\n  name: IT Helpdesk\n"
    root = repo({**HELPDESK, "registers/services.yaml": services})
    err = refused(root, "requirement", "--customer", "retailco", "--service", "it-helpdesk")
    assert "service it-helpdesk has no owner" in err


# -- review: the period is the date's, in the cadence ------------------------------------------


@pytest.mark.parametrize(
    ("held", "cadence", "previous", "expected"),
    [
        ("2026-11-27", "P1M", None, "2026-11"),  # past the middle of the month: this month
        ("2026-11-06", "P1M", None, "2026-10"),  # early in the month: the month before
        ("2026-11-06", "P1M", "2026-10", "2026-11"),  # ... unless the previous review covered it
        ("2026-11-16", "P1M", None, "2026-11"),
        ("2026-10-14", "P3M", None, "2026-Q3"),  # FORMAT.md's example
        ("2027-01-05", "P3M", None, "2026-Q4"),
        ("2026-11-23", "P3M", None, "2026-Q4"),
        ("2026-03-01", "P6M", None, "2025-H2"),
        ("2026-05-01", "P6M", None, "2026-H1"),
        ("2026-11-23", "P1Y", None, "2026"),
        ("2026-03-01", "annual", None, "2025"),
        ("2026-03-01", "annual", "2025", "2026"),
        ("2026-11-23", "P2W", None, "2026-11"),
    ],
)
def test_the_period_a_date_covers(held: str, cadence: str, previous: str | None, expected: str) -> None:
    from datetime import date

    from checks.dates import Interval

    assert period(date.fromisoformat(held), Interval.parse(cadence), previous) == expected


def test_a_review_late_in_the_month_covers_that_month_not_the_previous_reviews(repo: Any) -> None:
    """The new user's case: RetailCo's review of 2026-11-10 covered 2026-10; one on 2026-11-27 covers 2026-11."""
    root = repo()
    report = ("--report", "https://reports.example/retailco.pdf", "--decision", "Agreed.")
    path = new(root, "review", "--customer", "retailco", "--date", "2026-11-27", *report)
    review = fields(root, path)
    assert (review["period"], review["next_review"]) == ("2026-11", "2026-12-27")
    early = new(root, "review", "--customer", "retailco", "--date", "2026-11-12", *report)
    assert fields(root, early)["period"] == "2026-11"  # 2026-10 was the previous review's


# -- instrument: versioned -------------------------------------------------------------------


def test_a_new_version_of_an_instrument_carries_the_latest_one(repo: Any) -> None:
    root = repo()
    path = new(root, "instrument", "--id", "csat-quarterly", "--title", "Quarterly CSAT")
    assert path == "surveys/instruments/csat-quarterly-v3.md"
    assert fields(root, path) == {
        "type": "survey-instrument",
        "id": "csat-quarterly",
        "title": "Quarterly CSAT",
        "version": "3",
        "method": "csat",
        "scale": 5,
        "questions": ["Overall, how satisfied are you with our service this quarter?"],
    }
    result = new(root, "result", "--customer", "retailco", "--sent", "2027-01-05", "--analysed-by", "olivia-reid",
                 "--invited", "4", "--responses", "4", "--score", "csat=100")  # fmt: skip
    assert fields(root, result)["instrument_version"] == "3"  # the latest
    assert rules(root) == []


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--id", "csat-quarterly", "--version", "2"], "instrument csat-quarterly version 2 already exists"),
        (["--id", "pulse"], "missing --method, --question"),
        (["--id", "pulse", "--method", "smiley", "--question", "Q?"], "invalid choice: 'smiley'"),
        (["--id", "pulse", "--method", "csat", "--question", "Q?", "--scale", "1"], "is not the top of a scale"),
    ],
    ids=["version-exists", "new-needs-method-and-questions", "method-not-in-schema", "scale-of-one"],
)
def test_instrument_refusals(repo: Any, flags: list[str], message: str) -> None:
    assert message in refused(repo(), "instrument", *flags)


# -- result: the instrument, and the incident a post-incident survey follows ----------------


def test_a_post_incident_result_names_its_incident(repo: Any) -> None:
    root = repo()
    new(root, "instrument", "--id", "post-incident", "--method", "post-incident", "--question", "How did we do?")
    flags = ["--customer", "retailco", "--instrument", "post-incident", "--sent", "2026-11-20", "--analysed-by",
             "olivia-reid", "--invited", "5", "--responses", "4", "--score", "csat=100"]  # fmt: skip
    assert "missing --incident" in refused(root, "result", *flags)
    assert "is not an incident id" in refused(root, "result", *flags, "--incident", "javascript:alert(1)")
    path = new(root, "result", *flags, "--incident", "MI-2026-014")
    assert path == "surveys/results/2026/2026-11-retailco-MI-2026-014.md"
    result = fields(root, path)
    assert (result["incident"], result["period"]) == ("MI-2026-014", "2026-11")
    assert rules(root) == []  # SAT005 holds


def test_an_incident_for_a_planned_survey_is_refused(repo: Any) -> None:
    err = refused(repo(), "result", "--customer", "retailco", "--incident", "MI-1", "--analysed-by", "olivia-reid",
                  "--invited", "1", "--responses", "1", "--score", "csat=100")  # fmt: skip
    assert "--incident is for a post-incident survey; instrument 'csat-quarterly' is a csat survey" in err


def test_no_instrument_says_where_instruments_live_and_how_to_add_one(repo: Any) -> None:
    root = repo({"surveys/instruments/csat-quarterly.md": None, "surveys/results/2026/2026-Q3-retailco.md": None})
    err = refused(root, "result", "--customer", "retailco", "--instrument", "csat-quarterly", "--analysed-by",
                  "olivia-reid", "--invited", "1", "--responses", "1", "--score", "csat=100")  # fmt: skip
    assert "no survey instrument 'csat-quarterly' in surveys/instruments/ (known: none yet)" in err
    assert "brm new instrument --id csat-quarterly --method METHOD --question TEXT" in err


# -- action: raised with its source, never due before it -----------------------------------------


def test_action_is_raised_on_its_sources_date(repo: Any) -> None:
    complaint = dedent(
        """
        - id: CMP-0001
          customer: retailco
          service: cloud-hosting
          channel: email
          received: 2026-11-02T09:00:00+00:00
          acknowledged: 2026-11-02T10:00:00+00:00
          stage: investigation
        """
    )
    root = repo({"registers/complaints.yaml": complaint})
    from_complaint = new(root, "action", "--title", "Fix it", "--source", "CMP-0001", "--owner", "alex-morgan",
                         "--due", "2026-12-01")  # fmt: skip
    assert fields(root, from_complaint)["raised"] == "2026-11-02"
    from_result = new(root, "action", "--title", "Act on it", "--source", "surveys/results/2026/2026-Q3-retailco.md",
                      "--owner", "alex-morgan", "--due", "2026-12-01")  # fmt: skip
    assert fields(root, from_result)["raised"] == "2026-10-01"  # the date the survey was sent
    link = new(root, "action", "--title", "Elsewhere", "--source", "https://itsm.example/PRB-1", "--owner",
               "alex-morgan", "--due", "2026-12-01")  # fmt: skip
    assert fields(root, link)["raised"] == AS_OF.isoformat()  # a link has no date: today


def test_action_due_before_it_is_raised_is_refused(repo: Any) -> None:
    err = refused(repo(), "action", "--title", "x", "--source", "reviews/2026/2026-11-10-retailco.md", "--owner",
                  "alex-morgan", "--due", "2026-11-09")  # fmt: skip
    assert "the action is due (2026-11-09) before it is raised (2026-11-10)" in err


def test_a_done_action_needs_its_evidence_and_is_closed_today(repo: Any) -> None:
    root = repo()
    flags = ["--title", "x", "--source", "reviews/2026/2026-11-10-retailco.md", "--owner", "alex-morgan",
             "--due", "2026-11-30", "--status", "done"]  # fmt: skip
    assert "missing --evidence" in refused(root, "action", *flags)
    path = new(root, "action", *flags, "--evidence", "Sent on 2026-11-20.")
    action = fields(root, path)
    assert (action["status"], action["closed"], action["evidence"]) == (
        "done",
        AS_OF.isoformat(),
        "Sent on 2026-11-20.",
    )
    assert rules(root) == []
    assert "are for a done or cancelled action" in refused(root, "action", *flags[:-2], "--evidence", "x")


# -- complaint: its stage from the procedure ---------------------------------------------------


def test_complaint_stage_follows_the_procedures_stages(repo: Any) -> None:
    procedure = (
        "---\nid: complaint-handling\ntitle: Complaint handling\nversion: '1.0'\nowner: alex-morgan\n"
        "approved_by: olivia-reid\napproved: 2026-01-15\nnext_review: 2027-01-15\n"
        "stages: [logging, investigation, resolution, closed]\nacknowledgement: PT4H\nresolution_target: P10D\n"
        "escalation_path: [alex-morgan]\n---\n# Complaint handling\n"
    )
    root = repo({"procedures/complaint-handling.md": procedure})
    path = new(root, "complaint", "--customer", "retailco", "--summary", "s", "--channel", "email",
               "--received", "2026-11-20T10:00+00:00")  # fmt: skip
    assert fields(root, path)["stage"] == "logging"  # this procedure's first stage
    acknowledged = new(root, "complaint", "--customer", "retailco", "--summary", "s", "--channel", "email",
                       "--received", "2026-11-20T10:00+00:00", "--acknowledged", "2026-11-20T10:30+00:00")  # fmt: skip
    assert fields(root, acknowledged)["stage"] == "investigation"


# -- procedure: from the template brm init uses ------------------------------------------------


def test_procedure_comes_from_the_init_template_with_the_brm_procedures_people(repo: Any) -> None:
    from dataclasses import replace

    from checks.init import PROCEDURES, Setup, procedure_drafts

    root = repo({"procedures/complaint-handling.md": None})
    path = new(root, "procedure", "--id", "complaint-handling", "--provider", "Acme Services",
               "--stages", "receipt,logging,resolution", "--business-days", "mon,tue,wed",
               "--country", "GB")  # fmt: skip
    assert path == PROCEDURES["complaint-handling"]
    procedure = fields(root, path)
    assert (procedure["owner"], procedure["approved_by"]) == ("olivia-reid", "olivia-reid")  # the BRM procedure's
    assert procedure["stages"] == ["receipt", "logging", "resolution"]
    assert procedure["business_hours"]["days"] == ["mon", "tue", "wed"]
    assert procedure["business_hours"]["holidays"] == "GB"
    defaults = replace(Setup.defaults("Acme Services", AS_OF), procedures=("complaint-handling",))
    [(_path, template, _body)] = procedure_drafts(defaults)
    assert procedure["acknowledgement"] == template["acknowledgement"]  # the template's defaults, one source
    assert "Acme Services" in (root / path).read_text()
    assert [rule for rule, _ in rules(root)] == ["PRO002"]  # not approved yet: a person does that


def test_procedure_refusals(repo: Any) -> None:
    root = repo()
    err = refused(root, "procedure", "--id", "brm-procedure", "--provider", "Acme")
    assert "procedure brm-procedure is already at procedures/business-relationship-management.md" in err
    assert "invalid choice: 'quality-manual'" in refused(root, "procedure", "--id", "quality-manual")
    assert "is not one of receipt, logging" in refused(
        root, "procedure", "--id", "complaint-handling", "--stages", "receipt,shrug"
    )


# -- the enums are the schemas' ------------------------------------------------------------------


def _enums(node: Any, where: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every enum in a schema: where it is, and its node."""
    if isinstance(node, dict):
        if "enum" in node:
            yield where, node
        for key, value in node.items():
            yield from _enums(value, (*where, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _enums(value, (*where, str(index)))


def _offered() -> set[str]:
    """Every value a flag of `brm new` offers: argparse choices, or a value type's own."""
    parser = argparse.ArgumentParser()
    configure(parser)
    values: set[str] = set()
    for action in parser._subparsers._group_actions[0].choices.values():  # type: ignore[union-attr]
        for flag in action._actions:
            values |= set(flag.choices or ()) | set(getattr(flag.type, "choices", ()))
    return values


#: Enums `brm new` sets from a template's defaults and does not offer as a flag, and why.
SET_BY_HAND = {
    ("procedure", "policy", "severity"): "a severity override is a decision written into the BRM procedure by hand",
}
GAINED = "zz-gained-value"


def _cases() -> Iterator[tuple[str, tuple[str, ...]]]:
    for type_name in schema.TYPES:
        for where, _node in _enums(schema.record_schema(type_name)):
            yield type_name, where


@pytest.mark.parametrize(("type_name", "where"), list(_cases()), ids=lambda v: v if isinstance(v, str) else ".".join(v))
def test_a_value_an_enum_gains_is_offered(
    monkeypatch: pytest.MonkeyPatch, type_name: str, where: tuple[str, ...]
) -> None:
    original = schema.record_schema

    def gained(name: str) -> dict[str, Any]:
        record = original(name)
        if name != type_name:
            return record
        changed = copy.deepcopy(record)
        node: Any = changed
        for key in where:
            node = node[int(key)] if isinstance(node, list) else node[key]
        node["enum"] = [*node["enum"], GAINED]
        return changed

    assert GAINED not in _offered()
    monkeypatch.setattr(schema, "record_schema", gained)
    fields_path = tuple(k for k in where if k not in ("properties", "items", "additionalProperties"))
    if (type_name, *fields_path) in SET_BY_HAND:
        assert GAINED not in _offered()
    else:
        assert GAINED in _offered(), f"{type_name} {'.'.join(where)}: no flag of brm new offers the schema's values"


def test_the_enums_set_by_hand_are_enums_of_the_schemas() -> None:
    found = {(t, *(k for k in w if k not in ("properties", "items", "additionalProperties"))) for t, w in _cases()}
    assert set(SET_BY_HAND) <= found


# -- YAML -------------------------------------------------------------------------------------


def test_an_empty_mapping_is_written_as_one_and_reads_back_as_one() -> None:
    draft = Draft("procedures/x.md", "procedure", {"id": "x", "policy": {"tiers": {}}}, "# X\n")
    text = render(draft, Path("."))
    assert "tiers: {}" in text
    verify(draft, text)  # reads back as {"tiers": {}}, not None


def test_the_file_reads_as_format_md_writes_it(repo: Any) -> None:
    root = repo()
    path = new(root, "review", "--customer", "retailco", "--kpi", "P1 response", "15 min", "22 min", "no",
               "--decision", "Add a second on-call engineer.")  # fmt: skip
    front = (root / path).read_text().split("---\n")[1]
    assert "customers: [retailco]\n" in front and "date: 2026-11-23\n" in front  # flow lists, dates unquoted
    assert "kpis:\n  - name: P1 response\n    target: 15 min\n" in front  # block lists of mappings, indented
    assert json.dumps(fields(root, path)["kpis"]) == json.dumps(
        [{"name": "P1 response", "target": "15 min", "actual": "22 min", "met": False}]
    )


def test_act001_names_brm_new_action_and_the_file_it_writes(repo: Any) -> None:
    minutes = "reviews/2026/2026-11-10-retailco.md"
    root = repo()
    with (root / minutes).open("a", encoding="utf-8") as file:
        file.write("- [ ] Send the revised SLA to Sam\n")
    [finding] = [f for f in check(root) if f.rule == "ACT001"]
    assert f"'brm new action --source {minutes} ...' (it writes registers/actions/ACT-0002.yaml)" in finding.message
    written = new(root, "action", "--source", minutes, "--title", "Send the revised SLA", "--owner", "alex-morgan",
                  "--due", "2026-11-30")  # fmt: skip
    assert written == "registers/actions/ACT-0002.yaml"


def test_text_of_the_new_kinds_that_becomes_a_file_name_stays_in_its_folder(repo: Any) -> None:
    root = repo()
    version = new(root, "instrument", "--id", "csat-quarterly", "--version", "../../../../x")
    assert version == "surveys/instruments/csat-quarterly-v-x.md"
    new(root, "instrument", "--id", "post-incident", "--method", "post-incident", "--question", "How did we do?")
    incident = new(root, "result", "--customer", "retailco", "--instrument", "post-incident", "--sent", "2026-11-20",
                   "--incident", "https://itsm.example/../../../../../etc/passwd", "--analysed-by", "olivia-reid",
                   "--invited", "1", "--responses", "1", "--score", "csat=100")  # fmt: skip
    assert incident == "surveys/results/2026/2026-11-retailco-https-itsm-example-etc-passwd.md"
    assert not [f for f in check(root) if f.rule.startswith("BRM")]
    assert sorted(p.name for p in root.parent.iterdir()) == ["evidence"]  # nothing beside the repository
