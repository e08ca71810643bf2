"""SAT001-SAT005: surveys on cadence, low scores acted on, results complete, scores reproducible, incidents named."""

from __future__ import annotations

from datetime import date

import pytest

from checks.load import load
from checks.rules.satisfaction import csat, nps

from .conftest import BASE, MEDTECH, check

CUSTOMERS_PATH = "registers/customers.yaml"
CUSTOMERS = BASE[CUSTOMERS_PATH]
RESULT = "surveys/results/2026/2026-Q3-retailco.md"
CSV = "surveys/results/2026/2026-Q3-retailco.csv"
PROCEDURE = "procedures/business-relationship-management.md"
INSTRUMENT = "surveys/instruments/csat-quarterly.md"
ACTIONS = BASE["registers/actions.yaml"]


def line_of(text: str, needle: str) -> int:
    return next(i + 1 for i, line in enumerate(text.split("\n")) if needle in line)


def found(root, code: str, as_of: date = date(2026, 11, 23)):
    return [(f.rule, f.severity.value, f.path, f.line) for f in check(root, as_of, select=(code,))]


def result(**changes: str) -> str:
    """BASE's result with `old=new` line replacements (keys are field names)."""
    text = BASE[RESULT]
    for name, value in changes.items():
        old = next(line for line in text.split("\n") if line.startswith(f"{name}:"))
        text = text.replace(old + "\n", value + "\n" if value else "")
    return text


@pytest.mark.parametrize("code", ["SAT001", "SAT002", "SAT003", "SAT004", "SAT005"])
def test_base_is_clean(repo, code: str) -> None:
    assert found(repo(), code) == []


# --- SAT001 -------------------------------------------------------------------------------
# BASE: RetailCo (standard: survey_interval P3M), last result sent 2026-10-01: due 2027-01-01.

SURVEY_CASES = [
    ("on the due date: no finding", date(2027, 1, 1), None),
    ("one day late, within grace: warning", date(2027, 1, 2), "warning"),
    ("past grace: error", date(2027, 1, 16), "error"),
]


@pytest.mark.parametrize(("name", "as_of", "severity"), SURVEY_CASES, ids=[c[0] for c in SURVEY_CASES])
def test_sat001_cadence_and_grace(repo, name, as_of, severity) -> None:
    expected = [] if severity is None else [("SAT001", severity, CUSTOMERS_PATH, 1)]
    assert found(repo(), "SAT001", as_of) == expected


def test_sat001_message(repo) -> None:
    [finding] = check(repo(), date(2027, 1, 16), select=("SAT001",))
    assert finding.subject == "retailco"
    assert finding.message.startswith(
        f"RetailCo: no satisfaction result since 2026-10-01 ({RESULT}); quarterly surveys were due by "
        "2027-01-01 (+14 days' grace): "
    )


def test_sat001_tier_result_covers_every_customer_of_the_tier(repo) -> None:
    medtech_line = line_of(CUSTOMERS + MEDTECH, "id: medtech")
    own = repo({CUSTOMERS_PATH: CUSTOMERS + MEDTECH})
    assert found(own, "SAT001") == [("SAT001", "error", CUSTOMERS_PATH, medtech_line)]
    tier = repo({CUSTOMERS_PATH: CUSTOMERS + MEDTECH, RESULT: result(customers="tier: standard")})
    assert found(tier, "SAT001") == []


def test_sat001_result_of_another_tier_does_not_cover(repo) -> None:
    procedure = BASE[PROCEDURE].replace(
        "    standard: {review_interval: P1M, survey_interval: P3M}\n",
        "    standard: {review_interval: P1M, survey_interval: P3M}\n    strategic: {review_interval: P3M}\n",
    )
    root = repo({PROCEDURE: procedure, RESULT: result(customers="tier: strategic")})
    assert found(root, "SAT001") == [("SAT001", "error", CUSTOMERS_PATH, 1)]


def test_sat001_never_surveyed_is_an_error(repo) -> None:
    [finding] = check(repo({RESULT: None}), select=("SAT001",))
    assert (finding.severity.value, finding.path, finding.line) == ("error", CUSTOMERS_PATH, 1)
    assert "no satisfaction result on record (its own or tier standard's); surveys are due every 3 months" in (
        finding.message
    )


def test_sat001_a_new_customer_counts_from_onboarded(repo) -> None:
    customers = CUSTOMERS.replace("tier: standard", "tier: standard\n  onboarded: 2026-10-01")
    root = repo({CUSTOMERS_PATH: customers, RESULT: None})
    assert found(root, "SAT001") == []  # the first survey is due 2027-01-01
    [finding] = check(root, date(2027, 1, 16), select=("SAT001",))
    assert finding.severity.value == "error"
    assert "since it was onboarded on 2026-10-01; the first was due by 2027-01-01 (+14 days' grace)" in finding.message


def test_sat001_tier_without_survey_interval_is_skipped(repo) -> None:
    root = repo({PROCEDURE: BASE[PROCEDURE].replace(", survey_interval: P3M", ""), RESULT: None})
    assert found(root, "SAT001") == []


def test_sat001_result_without_sent_does_not_count(repo) -> None:
    assert found(repo({RESULT: result(sent="")}), "SAT001") == [("SAT001", "error", CUSTOMERS_PATH, 1)]


def instrument(method: str, instrument_id: str = "other-survey") -> str:
    return (
        BASE[INSTRUMENT]
        .replace("id: csat-quarterly", f"id: {instrument_id}")
        .replace("method: csat", f"method: {method}")
    )


LATER = "surveys/results/2026/2026-12-retailco.md"


def later_result(instrument_id: str = "other-survey", extra: str = "") -> str:
    """A second RetailCo result, sent 2026-12-20, with the instrument given."""
    return result(instrument=f"instrument: {instrument_id}", period="period: 2026-12", sent="sent: 2026-12-20").replace(
        "customers: [retailco]\n", f"customers: [retailco]\n{extra}"
    )


# BASE's last result (2026-10-01) was due again 2027-01-01; on 2027-01-16 that is past grace.
# A later result of a periodic method moves the due date; one that follows an incident does not.
METHOD_CASES = [
    ("csat counts", "csat", []),
    ("nps counts", "nps", []),
    ("interview counts", "interview", []),
    ("post-incident does not count", "post-incident", [("SAT001", "error", CUSTOMERS_PATH, 1)]),
]


@pytest.mark.parametrize(("name", "method", "expected"), METHOD_CASES, ids=[c[0] for c in METHOD_CASES])
def test_sat001_only_periodic_methods_satisfy_the_interval(repo, name, method, expected) -> None:
    files = {
        "surveys/instruments/other-survey.md": instrument(method),
        LATER: later_result(extra="incident: MI-2026-014\n" if method == "post-incident" else ""),
    }
    assert found(repo(files), "SAT001", date(2027, 1, 16)) == expected


def test_sat001_only_a_post_incident_result_is_never_surveyed(repo) -> None:
    files = {
        "surveys/instruments/other-survey.md": instrument("post-incident"),
        RESULT: result(instrument="instrument: other-survey", themes="incident: MI-2026-014"),
    }
    [finding] = check(repo(files), select=("SAT001",))
    assert (finding.severity.value, finding.line) == ("error", 1)
    assert "no satisfaction result on record (its own or tier standard's) (the post-incident survey of " in (
        finding.message
    )
    assert "2026-10-01 follows an event, not the plan, and does not count)" in finding.message


def test_sat001_says_why_a_later_post_incident_result_does_not_count(repo) -> None:
    files = {
        "surveys/instruments/other-survey.md": instrument("post-incident"),
        LATER: later_result(extra="incident: MI-2026-014\n"),
    }
    [finding] = check(repo(files), date(2027, 1, 16), select=("SAT001",))
    assert finding.message.startswith(
        f"RetailCo: no satisfaction result since 2026-10-01 ({RESULT}) (the post-incident survey of 2026-12-20 "
        "follows an event, not the plan, and does not count); quarterly surveys were due by 2027-01-01"
    )


# --- SAT002 -------------------------------------------------------------------------------

SCORES = line_of(BASE[RESULT], "scores:")

BELOW_CASES = [
    ("csat below target, no action", result(scores="scores: {csat: 80}"), BASE[PROCEDURE], True),
    ("csat on target", result(scores="scores: {csat: 85}"), BASE[PROCEDURE], False),
    (
        "csat below target with an action",
        result(scores="scores: {csat: 80}", themes="actions: [ACT-0001]"),
        BASE[PROCEDURE],
        False,
    ),
    (
        "nps below its target while csat meets its own",
        result(scores="scores: {csat: 90, nps: 10}"),
        BASE[PROCEDURE].replace("satisfaction_targets: {csat: 85}", "satisfaction_targets: {csat: 85, nps: 20}"),
        True,
    ),
    (
        "a score with no target",
        result(scores="scores: {csat: 90, nps: -40}"),
        BASE[PROCEDURE],
        False,
    ),
]


@pytest.mark.parametrize(("name", "text", "procedure", "fails"), BELOW_CASES, ids=[c[0] for c in BELOW_CASES])
def test_sat002(repo, name, text, procedure, fails) -> None:
    root = repo({RESULT: text, PROCEDURE: procedure})
    assert found(root, "SAT002") == ([("SAT002", "error", RESULT, SCORES)] if fails else [])


def test_sat002_a_tracker_action_sourced_from_the_result_links_it(repo) -> None:
    linked = ACTIONS.replace("source: reviews/2026/2026-11-10-retailco.md", f"source: {RESULT}")
    root = repo({RESULT: result(scores="scores: {csat: 80}"), "registers/actions.yaml": linked})
    assert found(root, "SAT002") == []


def test_sat002_message(repo) -> None:
    [finding] = check(repo({RESULT: result(scores="scores: {csat: 80}")}), select=("SAT002",))
    assert finding.subject == RESULT
    assert "CSAT 80 is below the target of 85, and no action is linked" in finding.message


# --- SAT003 -------------------------------------------------------------------------------

INCOMPLETE_CASES = [
    ("no analyst", result(analysed_by=""), 1),
    ("no instrument version", result(instrument_version=""), 1),
    ("no counts", result(invited="", responses=""), 2),
]


@pytest.mark.parametrize(("name", "text", "count"), INCOMPLETE_CASES, ids=[c[0] for c in INCOMPLETE_CASES])
def test_sat003_one_finding_per_missing_field(repo, name, text, count) -> None:
    findings = check(repo({RESULT: text}), select=("SAT003",))
    assert [(f.rule, f.severity.value, f.path) for f in findings] == [("SAT003", "error", RESULT)] * count
    assert all(f.subject == RESULT for f in findings)


def test_sat003_names_the_missing_field(repo) -> None:
    [finding] = check(repo({RESULT: result(analysed_by="")}), select=("SAT003",))
    assert "`analysed_by`" in finding.message


def test_sat003_more_responses_than_invited(repo) -> None:
    text = result(responses="responses: 11")
    assert found(repo({RESULT: text}), "SAT003") == [("SAT003", "error", RESULT, line_of(text, "responses:"))]
    assert found(repo({RESULT: result(responses="responses: 10")}), "SAT003") == []


def test_sat003_null_is_left_to_the_schema(repo) -> None:
    assert found(repo({RESULT: result(analysed_by="analysed_by: null")}), "SAT003") == []


# --- SAT004 -------------------------------------------------------------------------------
# BASE declares csat 88 from 8 responses: 7 of 8 satisfied is 87.5, within 0.5.

MATCHING = "respondent,score,comment\nR1,5,Great\nR2,4,\nR3,5,\nR4,4,\nR5,5,\nR6,4,\nR7,5,\nR8,2,Slow P3s\n"
WITH_FILE = result(responses="responses: 8\nresponses_file: 2026-Q3-retailco.csv")
FILE_SCORES = line_of(WITH_FILE, "scores:")


def with_csv(csv: str | bytes, text: str = WITH_FILE) -> dict[str, str | bytes | None]:
    return {RESULT: text, CSV: csv}


def test_sat004_matching_file_passes(repo) -> None:
    assert found(repo(with_csv(MATCHING)), "SAT004") == []


def test_sat004_file_with_a_byte_order_mark_and_crlf_passes(repo) -> None:
    assert found(repo(with_csv(b"\xef\xbb\xbf" + MATCHING.replace("\n", "\r\n").encode())), "SAT004") == []


def test_sat004_declared_score_differs(repo) -> None:
    differs = MATCHING.replace("R7,5,", "R7,3,")  # 6 of 8: CSAT 75
    assert found(repo(with_csv(differs)), "SAT004") == [("SAT004", "error", RESULT, FILE_SCORES)]
    [finding] = check(repo(with_csv(differs)), select=("SAT004",))
    assert "declares CSAT 88 but surveys/results/2026/2026-Q3-retailco.csv yields 75 (6 of 8 responses" in (
        finding.message
    )


@pytest.mark.parametrize(("declared", "fails"), [("79", False), ("78", True)], ids=["rounded", "off by more than 0.5"])
def test_sat004_tolerance(repo, declared: str, fails: bool) -> None:
    rows = "".join(f"R{i},{5 if i <= 11 else 1},\n" for i in range(1, 15))  # 11 of 14: 78.57
    text = result(
        responses="responses: 14\nresponses_file: 2026-Q3-retailco.csv", scores=f"scores: {{csat: {declared}}}"
    )
    expected = [("SAT004", "error", RESULT, FILE_SCORES)] if fails else []
    assert found(repo(with_csv("respondent,score\n" + rows, text)), "SAT004") == expected


def test_sat004_response_count_differs_from_the_rows(repo) -> None:
    text = result(responses="responses: 9\nresponses_file: 2026-Q3-retailco.csv")
    root = repo(with_csv(MATCHING, text))
    assert found(root, "SAT004") == [("SAT004", "error", RESULT, line_of(text, "responses:"))]


def test_sat004_bad_score_row_is_reported_at_its_csv_line(repo) -> None:
    bad = MATCHING.replace("R3,5,", "R3,five,")
    [finding] = check(repo(with_csv(bad)), select=("SAT004",))
    assert (finding.rule, finding.severity.value, finding.path, finding.line) == ("SAT004", "error", CSV, 4)
    assert "score 'five' is not a number: `R3,five,`" in finding.message
    assert finding.subject == RESULT


def test_sat004_empty_score(repo) -> None:
    [finding] = check(repo(with_csv(MATCHING.replace("R5,5,", "R5,,"))), select=("SAT004",))
    assert (finding.path, finding.line) == (CSV, 6)
    assert "the score is empty" in finding.message


def test_sat004_no_score_column(repo) -> None:
    [finding] = check(repo(with_csv(MATCHING.replace("respondent,score,", "respondent,rating,"))), select=("SAT004",))
    assert (finding.path, finding.line) == (CSV, 1)
    assert "no `score` column (the header names respondent, rating, comment)" in finding.message


def test_sat004_missing_file_is_left_to_brm003(repo) -> None:
    root = repo({RESULT: WITH_FILE})
    assert found(root, "SAT004") == []
    assert [f.rule for f in check(root, select=("BRM003",))] == ["BRM003"]


def test_sat004_instrument_scale_sets_the_top_two(repo) -> None:
    seven = BASE[INSTRUMENT].replace("scale: 5", "scale: 7")
    rows = "respondent,score\nR1,7\nR2,6\nR3,5\nR4,5\n"  # top two of 7 are 6 and 7: 2 of 4
    text = result(responses="responses: 4\nresponses_file: 2026-Q3-retailco.csv", scores="scores: {csat: 50}")
    assert found(repo({**with_csv(rows, text), INSTRUMENT: seven}), "SAT004") == []
    assert found(repo(with_csv(rows, text)), "SAT004") == [("SAT004", "error", RESULT, FILE_SCORES)]  # of 5: 100


def test_sat004_nps(repo) -> None:
    rows = "respondent,score\nR1,10\nR2,9\nR3,9\nR4,8\nR5,3\n"  # 3 promoters, 1 detractor of 5: 40
    text = result(responses="responses: 5\nresponses_file: 2026-Q3-retailco.csv", scores="scores: {nps: 40}")
    assert found(repo(with_csv(rows, text)), "SAT004") == []
    wrong = text.replace("nps: 40", "nps: 60")
    [finding] = check(repo(with_csv(rows, wrong)), select=("SAT004",))
    assert "declares NPS 60 but" in finding.message
    assert "yields 40 (3 promoters and 1 detractors in 5 responses)" in finding.message


# --- the arithmetic, and the load step that feeds it ---------------------------------------


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([10, 9, 8, 7, 6, 0], 0.0),  # 2 promoters, 2 detractors
        ([10, 10, 9, 8, 0], 40.0),
        ([6, 5, 0], -100.0),
        ([9, 10], 100.0),
        ([7, 8], 0.0),  # passives only
    ],
)
def test_nps_arithmetic(scores: list[float], expected: float) -> None:
    assert nps(scores) == expected


def test_csat_arithmetic() -> None:
    assert csat([5, 4, 3, 2]) == 50.0
    assert csat([7, 6, 5], scale=7) == pytest.approx(200 / 3)


def test_load_reads_the_score_column(repo) -> None:
    repository = load(repo(with_csv(MATCHING))).repository
    [read] = repository.results
    assert (read.response_scores, read.responses_problem) == ([5.0, 4.0, 5.0, 4.0, 5.0, 4.0, 5.0, 2.0], None)


def test_load_without_responses_file_reads_nothing(repo) -> None:
    [read] = load(repo()).repository.results
    assert (read.response_scores, read.responses_problem) == (None, None)


def test_load_leaves_a_url_responses_file_alone(repo) -> None:
    text = result(responses="responses: 8\nresponses_file: https://surveys.provider.example/q3.csv")
    root = repo({RESULT: text})
    [read] = load(root).repository.results
    assert (read.response_scores, read.responses_problem) == (None, None)
    assert found(root, "SAT004") == []


# --- SAT005 -------------------------------------------------------------------------------

POST_INCIDENT = {"surveys/instruments/other-survey.md": instrument("post-incident")}
INCIDENT_RESULT = result(instrument="instrument: other-survey")
INSTRUMENT_LINE = line_of(INCIDENT_RESULT, "instrument:")

SAT005_CASES = [
    ("post-incident result without incident fails", POST_INCIDENT, "", [("SAT005", "error", RESULT, INSTRUMENT_LINE)]),
    ("post-incident result with an incident id passes", POST_INCIDENT, "incident: MI-2026-014", []),
    (
        "post-incident result with an https link passes",
        POST_INCIDENT,
        "incident: https://itsm.provider.example/incidents/MI-2026-014",
        [],
    ),
    ("a periodic survey needs no incident", {"surveys/instruments/other-survey.md": instrument("csat")}, "", []),
    ("an unknown instrument is BRM003's", {}, "", []),
]


@pytest.mark.parametrize(("name", "files", "incident", "expected"), SAT005_CASES, ids=[c[0] for c in SAT005_CASES])
def test_sat005_post_incident_results_name_their_incident(repo, name, files, incident, expected) -> None:
    text = INCIDENT_RESULT.replace("themes: [Fast responses]\n", f"{incident}\n" if incident else "")
    assert found(repo({**files, RESULT: text}), "SAT005") == expected


def test_sat005_message(repo) -> None:
    [finding] = check(repo({**POST_INCIDENT, RESULT: INCIDENT_RESULT}), select=("SAT005",))
    assert finding.subject == RESULT
    assert "post-incident survey (instrument other-survey) but does not name the incident" in finding.message


@pytest.mark.parametrize(
    ("incident", "valid"),
    [
        ("MI-2026-014", True),
        ("INC0012345", True),
        ("https://itsm.provider.example/incidents/MI-2026-014", True),
        ("http://itsm.provider.example/incidents/MI-2026-014", False),
        ("'javascript:alert(1)'", False),
        ("'<script>alert(1)</script>'", False),
        ('""', False),
        ("[MI-2026-014]", False),
    ],
)
def test_incident_field_form(repo, incident: str, valid: bool) -> None:
    text = INCIDENT_RESULT.replace("themes: [Fast responses]\n", f"incident: {incident}\n")
    findings = check(repo({**POST_INCIDENT, RESULT: text}), select=("BRM002", "SAT005"))
    assert [(f.rule, f.line) for f in findings] == ([] if valid else [("BRM002", line_of(text, "incident:"))])
