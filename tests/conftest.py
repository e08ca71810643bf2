"""Shared fixtures: a small evidence repository that passes every rule, built in tmp_path.

Rule tests start from ``BASE`` and change one file (or one field) to prove one thing.
The judging date is always explicit (``AS_OF``): no test depends on the real date.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from checks.findings import Finding
from checks.load import load
from checks.rules import run

AS_OF = date(2026, 11, 23)
ROOT = Path(__file__).resolve().parents[1]
BRM = Path(sys.executable).parent / "brm"


@pytest.fixture(autouse=True, scope="session")
def _own_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests (and the brm processes they start) cache in a folder of their own, never in ~/.cache."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    os.environ.pop("BRM_NO_CACHE", None)


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


BASE: dict[str, str] = {
    "registers/people.yaml": dedent(
        """
        - id: alex-morgan
          name: Alex Morgan
          role: Service Delivery Manager
          email: alex.morgan@provider.example
        - id: priya-shah
          name: Priya Shah
          role: Service Owner, Cloud Hosting
          email: priya.shah@provider.example
        - id: jordan-lee
          name: Jordan Lee
          role: Account Manager
        - id: olivia-reid
          name: Olivia Reid
          role: Operations Director
        """
    ),
    "registers/services.yaml": dedent(
        """
        - id: cloud-hosting
          name: Cloud Hosting
          owner: priya-shah
          in_scope: true
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
              user_groups: [Platform Engineering]
          representatives:
            - id: sam-patel
              name: Sam Patel
              role: Head of Platform Engineering
              email: sam.patel@retailco.example
              phone: "+44 20 7946 0101"
              authority: [agree-requirements, review-performance]
              since: 2025-01-10
              confirmed: 2026-09-01
        """
    ),
    "registers/requirements/retailco--cloud-hosting.yaml": dedent(
        """
        customer: retailco
        service: cloud-hosting
        version: "2.1"
        effective: 2026-04-01
        document: https://contracts.provider.example/sla/retailco-ch-v2.1.pdf
        approvals:
          - by: sam-patel
            on: 2026-03-20
          - by: priya-shah
            on: 2026-03-18
        confirm_by: 2027-03-31
        """
    ),
    "registers/actions.yaml": dedent(
        """
        - id: ACT-0001
          title: Publish a monthly capacity report
          source: reviews/2026/2026-11-10-retailco.md
          customers: [retailco]
          owner: alex-morgan
          raised: 2026-11-10
          due: 2026-12-15
          status: open
        """
    ),
    "registers/complaints.yaml": "[]\n",
    "registers/waivers.yaml": "[]\n",
    "reviews/2026/2026-11-10-retailco.md": dedent(
        """
        ---
        type: performance-review
        customers: [retailco]
        services: [cloud-hosting]
        date: 2026-11-10
        period: 2026-10
        attendees: [sam-patel, alex-morgan]
        report: https://reports.provider.example/2026-10-retailco.pdf
        kpis:
          - {name: Availability, target: "99.9%", actual: "99.95%", met: true}
        decisions:
          - Keep the current maintenance window.
        actions: [ACT-0001]
        next_review: 2026-12-08
        ---
        # RetailCo — October 2026 service review

        - [ ] ACT-0001 Publish a monthly capacity report (alex-morgan, due 2026-12-15)
        """
    ),
    "reviews/2026/2026-06-30-process-review.md": dedent(
        """
        ---
        type: process-review
        date: 2026-06-30
        period: "2026"
        attendees: [olivia-reid, alex-morgan]
        decisions:
          - The BRM process stays as it is for another year.
        ---
        # Annual review of the BRM process
        """
    ),
    "surveys/instruments/csat-quarterly.md": dedent(
        """
        ---
        type: survey-instrument
        id: csat-quarterly
        version: "2"
        method: csat
        scale: 5
        questions:
          - Overall, how satisfied are you with our service this quarter?
        ---
        Quarterly CSAT survey.
        """
    ),
    "surveys/results/2026/2026-Q3-retailco.md": dedent(
        """
        ---
        type: satisfaction-result
        instrument: csat-quarterly
        instrument_version: "2"
        customers: [retailco]
        period: 2026-Q3
        sent: 2026-10-01
        sent_by: alex-morgan
        analysed_by: olivia-reid
        invited: 10
        responses: 8
        scores: {csat: 88}
        themes: [Fast responses]
        ---
        Results were above target.
        """
    ),
    "procedures/business-relationship-management.md": dedent(
        """
        ---
        id: brm-procedure
        title: Business relationship management
        version: "1.0"
        owner: olivia-reid
        approved_by: olivia-reid
        approved: 2026-01-15
        next_review: 2027-01-15
        policy:
          tiers:
            standard: {review_interval: P1M, survey_interval: P3M}
          grace: P14D
          satisfaction_targets: {csat: 85}
          representative_confirmation: P1Y
          requirements_confirmation: P1Y
          process_review_interval: P1Y
        ---
        # Business relationship management
        """
    ),
    "procedures/complaint-handling.md": dedent(
        """
        ---
        id: complaint-handling
        title: Complaint handling
        version: "1.0"
        owner: alex-morgan
        approved_by: olivia-reid
        approved: 2026-01-15
        next_review: 2027-01-15
        stages: [receipt, logging, investigation, resolution, feedback]
        acknowledgement: PT4H
        resolution_target: P10D
        business_hours:
          days: [mon, tue, wed, thu, fri]
          start: "09:00"
          end: "17:00"
          timezone: Europe/London
          holidays: GB
          subdivision: ENG
        escalation_path: [jordan-lee, alex-morgan, olivia-reid]
        ---
        # Complaint handling
        """
    ),
    "procedures/communication-plan.md": dedent(
        """
        ---
        id: communication-plan
        title: Communication plan
        version: "1.0"
        owner: alex-morgan
        approved_by: olivia-reid
        approved: 2026-01-15
        next_review: 2027-01-15
        channels: [Service portal, Email]
        communications:
          - {what: Monthly status report, audience: customer representatives, frequency: monthly, owner: alex-morgan}
        escalation_path: [jordan-lee, alex-morgan, olivia-reid]
        ---
        # Communication plan
        """
    ),
}


#: A second customer on the standard tier, for group reviews and tier surveys.
MEDTECH = dedent(
    """
    - id: medtech
      name: MedTech
      tier: standard
      counterpart: alex-morgan
      services:
        - service: cloud-hosting
          user_groups: [Platform Engineering]
      representatives:
        - id: eleanor-vance
          name: Eleanor Vance
          authority: [agree-requirements, review-performance]
          since: 2025-01-10
    """
)


def write_repo(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write BASE with ``files`` laid over it (``None`` removes a file)."""
    merged: dict[str, str | bytes | None] = {**BASE, **files}
    for relative, content in merged.items():
        if content is None:
            continue
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def check(root: Path, as_of: date = AS_OF, select: tuple[str, ...] = ()) -> list[Finding]:
    return run(load(root), as_of, select)


@pytest.fixture
def repo(tmp_path: Path):
    """``repo(files)`` builds BASE plus ``files`` and returns its findings' helper."""

    def build(files: dict[str, str | bytes | None] | None = None) -> Path:
        return write_repo(tmp_path / "evidence", files or {})

    return build


def codes(findings: list[Finding], severity: str | None = None) -> list[str]:
    return [f.rule for f in findings if severity is None or f.severity.value == severity]


def brm(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real console script in a subprocess."""
    environment = {k: v for k, v in os.environ.items() if k not in ("BRM_AS_OF", "GITHUB_STEP_SUMMARY")}
    environment.update(env or {})
    return subprocess.run([str(BRM), *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for every browser test. Without one, each browser test fails at
    once with one line that says what to install (session scope: before any site is built)."""
    from playwright.sync_api import sync_playwright

    from .site_support import chromium_missing, launch

    missing = chromium_missing()
    if missing is not None:
        pytest.fail(missing, pytrace=False)
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example's site, built once (``mkdocs build --strict``) for every test that reads it."""
    from .site_support import build_example

    site = tmp_path_factory.mktemp("example-site")
    result = build_example(site)
    assert result.returncode == 0, result.stderr
    return site
