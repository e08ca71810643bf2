"""`business-relationships.json`: the seed's summary format, imported, exported, round-tripped.

The fixture ``tests/fixtures/business-relationships.json`` is the JSON example of the
source material's skill, as written there.
"""

from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path
from typing import Any

import pytest

from checks import interchange
from checks.interchange import business_time, frequency, frequency_in, method_of, stage, steps, targets
from checks.load import load
from checks.policy import Policy
from checks.rules import load_rules

from .conftest import AS_OF, ROOT, brm, check, codes

SEED = Path(__file__).parent / "fixtures/business-relationships.json"


def seed() -> dict[str, Any]:
    return json.loads(SEED.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def import_summary(root: Path, data: dict[str, Any] | Path, *flags: str, name: str = "business-relationships") -> str:
    if isinstance(data, Path):
        summary = data
    else:
        folder = root.parent / f"{root.name}-summary"
        folder.mkdir(exist_ok=True)
        summary = folder / f"{name}.json"
        summary.write_text(json.dumps(data), encoding="utf-8")
    parser = argparse.ArgumentParser()
    interchange.configure_import(parser)
    args = parser.parse_args([str(summary), str(root), "--provider", "Example MSP", *flags])
    return interchange.run_import(args, AS_OF, interactive=False)


def export(root: Path) -> dict[str, Any]:
    return interchange.summary(load(root).repository)


# -- free text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4 business hours", "PT4H"),
        ("1 business hour", "PT1H"),
        ("within 2 hours", "PT2H"),
        ("30 minutes", "PT30M"),
        ("1.5 hours", "PT1H30M"),
        ("1 business day", "PT8H"),
        ("2 working days", "PT16H"),
        ("PT4H", "PT4H"),
        ("90 business minutes", "PT1H30M"),
        ("soon", None),
        ("0 hours", None),
        ("4 fortnights", None),
    ],
)
def test_acknowledgement_text(text: str, expected: str | None) -> None:
    assert business_time(text) == expected


def test_a_business_day_is_as_long_as_the_business_hours() -> None:
    assert business_time("1 business day", day_hours=7.5) == "PT7H30M"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("quarterly", "quarterly"),
        ("Monthly", "monthly"),
        ("semi-annual", "semiannual"),
        ("yearly", "annual"),
        ("weekly", "P1W"),
        ("every 2 weeks", "P2W"),
        ("every 6 months", "P6M"),
        ("P3M", "P3M"),
        ("when needed", None),
        ("every 0 days", None),
        ("P9999Y", None),
    ],
)
def test_frequency_text(text: str, expected: str | None) -> None:
    assert frequency(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("85% satisfaction", {"csat": 85}),
        ("CSAT 87.5%", {"csat": 87.5}),
        ("NPS of +30", {"nps": 30}),
        ("85% CSAT and NPS -10", {"csat": 85, "nps": -10}),
        ("4.2 out of 5", {}),
        ("150%", {}),
    ],
)
def test_target_text(text: str, expected: dict[str, float]) -> None:
    assert targets(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Account Manager → Service Manager → Director", ["Account Manager", "Service Manager", "Director"]),
        ("A -> B => C > D", ["A", "B", "C", "D"]),
        ("Team lead, then Head of Service", ["Team lead", "Head of Service"]),
        ("  ", []),
    ],
)  # fmt: skip
def test_escalation_path_text(text: str, expected: list[str]) -> None:
    assert steps(text) == expected


def test_stages_methods_and_frequency_phrases() -> None:
    assert [stage(s) for s in ("Receipt", "logged", "Closure", "triage")] == ["receipt", "logging", "closed", None]
    assert [method_of(m) for m in ("CSAT", "Net Promoter Score", "Post-incident satisfaction", "Interviews")] == [
        "csat",
        "nps",
        "post-incident",
        "interview",
    ]
    assert frequency_in("Monthly status reports") == "monthly"
    assert frequency_in("quarterly face-to-face reviews") == "quarterly"
    assert frequency_in("Ad hoc briefings") is None


# -- the seed's example ---------------------------------------------------------------


def test_the_seed_example_imports_into_the_registers_it_describes(tmp_path: Path) -> None:
    report = import_summary(tmp_path / "evidence", SEED)
    root = tmp_path / "evidence"
    repository = load(root).repository
    customers = {c.id: c for c in repository.customers}
    assert list(customers) == ["northgate-financial", "retailco", "medtech-solutions"]
    northgate = customers["northgate-financial"]
    assert [(s.service, s.user_groups) for s in northgate.services] == [
        ("managed-infrastructure", ["IT Operations", "Development Team"])
    ]
    policy = Policy.from_repository(repository)
    assert str(policy.review_interval(northgate.review_interval, northgate.tier)) in ("quarterly", "P3M")
    assert str(policy.review_interval(customers["retailco"].review_interval, "standard")) in ("monthly", "P1M")
    assert str(policy.survey_interval("standard")) == "quarterly"
    assert policy.satisfaction_targets == {"csat": 85}
    assert str(policy.acknowledgement) == "PT4H"
    assert policy.escalation_path == ("account-manager", "service-delivery-manager", "operations-director")
    staff = {p.id: p for p in repository.staff}
    assert staff["service-delivery-manager"].role == "Service Delivery Manager" and not staff["account-manager"].name
    assert {(i.id, i.method) for i in repository.instruments} == {
        ("csat", "csat"),
        ("post-incident-satisfaction", "post-incident"),
    }
    plan = repository.procedure("communication-plan")
    assert plan is not None and plan.raw["channels"] == ["Service portal", "Email", "Quarterly review meetings"]
    assert [(c["what"], c["frequency"]) for c in plan.raw["communications"]] == [
        ("Monthly status reports", "monthly"),
        ("quarterly face-to-face reviews", "quarterly"),
    ]
    # What the summary did not contain is said, and left for a person.
    for needle in ("no resolution target", "no audience", "placeholders", "business hours are assumed"):
        assert needle in report
    found = check(root)
    assert not [f for f in found if f.rule in ("BRM001", "BRM003", "BRM004", "BRM005")]


def test_after_import_the_plan_lists_what_the_summary_did_not_contain(tmp_path: Path) -> None:
    root = tmp_path / "evidence"
    import_summary(root, SEED)
    result = brm("status", "--plan", str(root), "--format", "json", "--as-of", AS_OF.isoformat())
    assert result.returncode == 0, result.stderr
    planned = {(s["step"], s["customer"]) for s in json.loads(result.stdout)["steps"]}
    for customer in ("northgate-financial", "retailco", "medtech-solutions"):
        for step in ("representatives", "requirements", "reviews"):
            assert (step, customer) in planned, (step, customer)


def test_the_seed_example_imports_exports_and_reimports_to_the_same_registers(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    import_summary(first, SEED)
    exported = export(first)
    import_summary(second, exported)
    assert export(second) == exported
    assert _records(first) == _records(second)  # the instruments' prose keeps the seed's own method text
    # What the format carries survives word for word (the free-text fields are written from the registers).
    original = seed()
    assert exported["customers"] == original["customers"]
    assert exported["complaint_procedure"] == original["complaint_procedure"]
    assert exported["communication_plan"]["escalation_paths"] == original["communication_plan"]["escalation_paths"]
    for key in ("frequency", "target", "metrics"):
        assert exported["satisfaction_measurement"][key] == original["satisfaction_measurement"][key]


def test_the_bundled_example_round_trips(tmp_path: Path) -> None:
    """Export the example, import it into an empty root, export again: the same summary, the same registers."""
    exported = export(ROOT)
    assert len(exported["customers"]) == 4  # Northgate's two services, RetailCo, MedTech
    import_summary(tmp_path / "first", exported)
    again = export(tmp_path / "first")
    assert again == exported
    import_summary(tmp_path / "second", again)
    assert _files(tmp_path / "first") == _files(tmp_path / "second")


def test_export_through_the_console_script(tmp_path: Path) -> None:
    output = tmp_path / "summary.json"
    result = brm("export", str(ROOT), "--format", "business-relationships", "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert json.loads(output.read_text(encoding="utf-8")) == export(ROOT)
    printed = brm("export", str(ROOT), "--format", "business-relationships")
    assert json.loads(printed.stdout) == export(ROOT)
    refused = brm("export", str(ROOT), "--format", "business-relationships", "--register", "actions")
    assert refused.returncode == 2


def _records(root: Path) -> dict[str, Any]:
    """Every evidence file's records (front-matter and register entries), by path."""
    return {document.path: document.data for document in load(root).repository.documents}


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# -- never overwrites -----------------------------------------------------------------


def test_importing_twice_writes_nothing_the_second_time(tmp_path: Path) -> None:
    root = tmp_path / "evidence"
    import_summary(root, SEED)
    before = _files(root)
    report = import_summary(root, SEED)
    assert "wrote" not in report
    assert "already in the registers: kept as it is" in report or "already in" in report
    assert _files(root) == before


def test_records_already_held_are_kept_and_the_rest_added(tmp_path: Path) -> None:
    root = tmp_path / "evidence"
    (root / "registers").mkdir(parents=True)
    (root / "registers/customers.yaml").write_text("- id: retailco\n  name: RetailCo Ltd\n  tier: standard\n")
    report = import_summary(root, SEED)
    assert "registers/customers: retailco: already in the registers" in report
    customers = [c.id for c in load(root).repository.customers]
    assert customers.count("retailco") == 1 and "northgate-financial" in customers
    assert "BRM004" not in codes(check(root))


def test_import_then_init_gives_the_whole_repository(tmp_path: Path) -> None:
    root = tmp_path / "evidence"
    import_summary(root, SEED)
    result = brm("init", str(root), "--provider", "Example MSP", "--as-of", AS_OF.isoformat())
    assert result.returncode == 0, result.stderr
    assert "kept    procedure complaint-handling is already in procedures/complaint-handling.md" in result.stdout
    assert (root / "mkdocs.yml").is_file() and (root / ".github/workflows/pull-request.yml").is_file()
    assert "BRM004" not in codes(check(root))


# -- the validator's four checks are our rules ---------------------------------------------


def _without(*path: str) -> Any:
    def change(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


def _set(value: Any, *path: str | int) -> Any:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


#: check id -> (how the summary lacks it, the rule that then fires, a word of its message)
LACKING = [
    ("customers-identified", _set([], "customers"), "SVC003", "no customer"),
    ("customers-identified", _set(None, "customers", 0, "customer_name"), "SVC001", "managed-infrastructure"),
    ("complaint-procedure", _without("complaint_procedure"), "PRO001", "complaint-handling"),
    ("complaint-procedure", _set([], "complaint_procedure", "stages"), "PRO001", "`stages`"),
    ("satisfaction-measurement", _without("satisfaction_measurement"), "PRO003", ""),
    ("satisfaction-measurement", _without("satisfaction_measurement", "metrics"), "SAT001", ""),
    ("communication-plan", _without("communication_plan"), "PRO001", "communication-plan"),
    ("communication-plan", _set([], "communication_plan", "channels"), "COM001", "no channel"),
    ("communication-plan", _set([], "communication_plan", "escalation_paths"), "COM001", "no escalation path"),
]


def test_the_mapping_names_real_rules_and_every_rule_is_proved() -> None:
    checks = interchange.format_data()["checks"]
    assert [c["part"] for c in checks] == [
        "customers",
        "complaint_procedure",
        "satisfaction_measurement",
        "communication_plan",
    ]
    rules = load_rules()
    for entry in checks:
        assert set(entry["rules"]) <= set(rules), entry
        proved = {rule for check_id, _change, rule, _word in LACKING if check_id == entry["id"]}
        assert proved == set(entry["rules"]), entry["id"]


@pytest.mark.parametrize(("check_id", "change", "rule", "word"), LACKING, ids=[f"{c[0]}-{c[2]}" for c in LACKING])
def test_each_rule_fires_on_the_imported_form_of_a_summary_that_lacks_its_part(
    tmp_path: Path, check_id: str, change: Any, rule: str, word: str
) -> None:
    complete = tmp_path / "complete"
    import_summary(complete, SEED, "--resolution-target", "P10D")
    before = [f for f in check(complete) if f.rule == rule and word in f.message]
    data = seed()
    lacking = copy.deepcopy(data)
    change(lacking)
    root = tmp_path / "lacking"
    import_summary(root, lacking, "--resolution-target", "P10D")
    fired = [f for f in check(root) if f.rule == rule and word in f.message]
    assert fired, f"{rule} did not fire when the summary lacks part of {check_id}"
    if rule != "SAT001":  # no survey result is ever in a summary: SAT001 fires on every fresh import
        assert not before, f"{rule} fires on the complete summary too: {before}"


def test_brm_rules_clause_lists_the_rule_of_each_validator_check() -> None:
    result = brm("rules", "--clause", "7.1")
    assert result.returncode == 0, result.stderr
    for entry in interchange.format_data()["checks"]:
        line = next(line for line in result.stdout.splitlines() if line.strip().startswith(entry["check"]))
        assert line.split()[-len(entry["rules"]) :] == [f"{r}," for r in entry["rules"][:-1]] + [entry["rules"][-1]]
    listing = json.loads(brm("rules", "--clause", "7.1", "--format", "json").stdout)
    assert [v["rules"] for v in listing["validator"]] == [c["rules"] for c in interchange.format_data()["checks"]]
    assert listing["requirements"]  # and what the clause map says of 2011's clause 7.1


def test_brm_rules_clause_for_2018_and_for_an_unknown_clause() -> None:
    current = json.loads(brm("rules", "--clause", "8.3.2", "--format", "json").stdout)
    assert current["validator"] == [] and len(current["requirements"]) >= 10
    assert json.loads(brm("rules", "--clause", "8.3.1", "--format", "json").stdout)["clause"] == "8.3.2"
    documented = json.loads(brm("rules", "--clause", "7.5.3", "--format", "json").stdout)
    assert {"BRM001", "PRO002"} <= {r["code"] for r in documented["rules"]}
    unknown = brm("rules", "--clause", "9.9")
    assert unknown.returncode == 2 and "9.9" in unknown.stderr


# -- untrusted input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b'{"customers": [', "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b"\xff\xfe{}", "UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"customers": []}' + b" " * (5 * 1024 * 1024), "larger than"),
    ],
    ids=["truncated", "not-an-object", "not-utf8", "deep", "huge"],
)
def test_a_file_that_is_not_a_summary_is_one_line_and_exit_2(tmp_path: Path, content: bytes, says: str) -> None:
    summary = tmp_path / "business-relationships.json"
    summary.write_bytes(content)
    result = brm("import", str(summary), str(tmp_path / "evidence"), "--provider", "X")
    assert result.returncode == 2, result.stdout + result.stderr
    assert says in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "evidence").exists()


def test_a_truncated_file_names_its_line_and_column(tmp_path: Path) -> None:
    summary = tmp_path / "s.json"
    summary.write_text('{\n  "customers": [\n    {"customer_name": "A",}\n  ]\n}\n')
    result = brm("import", str(summary), str(tmp_path / "evidence"), "--provider", "X")
    assert result.returncode == 2 and f"{summary}:3:" in result.stderr


def test_values_of_the_wrong_type_are_notes_not_crashes(tmp_path: Path) -> None:
    data = {
        "customers": [
            "not an object",
            {"service_name": 5, "customer_name": ["A"]},
            {"service_name": "Hosting", "customer_name": "Acme", "user_groups": "everyone", "review_frequency": 3},
        ],
        "complaint_procedure": {"stages": ["Receipt", "triage", 7], "sla_acknowledgement": "soon"},
        "satisfaction_measurement": "often",
        "communication_plan": {"channels": "email", "frequency": None, "escalation_paths": 4},
        "extra": True,
    }
    report = import_summary(tmp_path / "evidence", data)
    for needle in (
        "customers[0]: not a JSON object",
        "customers[2].user_groups: not a list",
        "customers[2].review_frequency: '3' is not a frequency",
        "'triage' is not one of",
        "'soon' is not a duration",
        "satisfaction_measurement: not a JSON object",
        "fields this format does not have were left out: extra",
    ):
        assert needle in report, needle
    found = check(tmp_path / "evidence")
    assert not [f for f in found if f.rule in ("BRM001", "BRM002") and "people" not in f.path]


def test_a_lone_surrogate_becomes_a_replacement_character(tmp_path: Path) -> None:
    summary = tmp_path / "s.json"
    summary.write_text('{"customers": [{"service_name": "Hosting", "customer_name": "Caf\\udce9"}]}')
    result = brm("import", str(summary), str(tmp_path / "evidence"), "--provider", "X")
    assert result.returncode == 0, result.stderr
    assert [c.name for c in load(tmp_path / "evidence").repository.customers] == ["Caf\ufffd"]


def test_names_are_text_whatever_they_hold(tmp_path: Path) -> None:
    hostile = 'Acme: "Ltd" #1 & *ref <script>alert(1)</script>\t\u2028'
    data = {
        "customers": [
            {"service_name": "no: really", "customer_name": hostile, "user_groups": ["- item", "key: value", "@x"]},
            {"service_name": "no: really", "customer_name": "Acme Ltd 1 ref script alert 1 script", "user_groups": []},
        ]
    }
    import_summary(tmp_path / "evidence", data)
    repository = load(tmp_path / "evidence").repository
    names = {c.id: c.name for c in repository.customers}
    assert list(names.values()) == [hostile.strip(), "Acme Ltd 1 ref script alert 1 script"]
    assert len(set(names)) == 2  # the same id from two names: the second is numbered
    assert repository.customers[0].services[0].user_groups == ["- item", "key: value", "@x"]
    assert not [f for f in check(tmp_path / "evidence") if f.rule == "BRM001"]
