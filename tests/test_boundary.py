"""The evidence boundary: only regular files inside the repository are read, and path fields stay inside it.

Every vector is a real entry on disk (a symbolic link, a named pipe, a socket), found
by ``brm check`` in-process or through the real console script; nothing is mocked.
"""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks import boundary
from checks.boundary import (
    LEADS_NOWHERE,
    LEADS_OUTSIDE,
    MAX_BYTES,
    Refused,
    TooLarge,
    read_bytes,
    resolve,
    scan,
)
from checks.load import load
from checks.reader import Problem, read_file
from checks.rules import run
from checks.site.pages import Evidence, Site

from .conftest import AS_OF, BASE, BRM, check, dedent, write_repo

REVIEW = "reviews/2026/2026-11-10-retailco.md"
RESULT = "surveys/results/2026/2026-Q3-retailco.md"
#: A word planted in evidence outside the repository: it must reach no record and no page.
OUTSIDE_MARKER = "Zanzibar-outside-the-repository"


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """A passing repository and, beside it, a folder outside it holding evidence-shaped files."""
    root = write_repo(tmp_path / "evidence", {})
    outside = tmp_path / "outside"
    (outside / "2027").mkdir(parents=True)
    review = BASE[REVIEW].replace("Keep the current maintenance window.", OUTSIDE_MARKER)
    (outside / "2027" / "2027-01-10-retailco.md").write_text(review.replace("2026-11-10", "2027-01-10"))
    (outside / "minutes.md").write_text(review)
    (outside / "customers").mkdir()
    customers = BASE["registers/customers.yaml"].replace("name: RetailCo", f"name: {OUTSIDE_MARKER}")
    (outside / "customers" / "retailco.yaml").write_text(customers)
    (outside / "responses.csv").write_text("score\n1\n1\n1\n")
    return root, outside


def brm001(root: Path) -> dict[str, str]:
    return {f.path: f.message for f in check(root) if f.rule == "BRM001"}


def published(root: Path) -> str:
    """Every page of the auditor site, as one text."""
    loaded = load(root)
    return "\n".join(Site(Evidence(loaded, run(loaded, AS_OF), AS_OF)).pages().values())


# -- links and special files among the evidence ------------------------------------------


def test_a_linked_minutes_file_outside_is_a_finding_naming_the_link_and_never_published(layout) -> None:
    root, outside = layout
    (root / "reviews/2026/2026-12-01-retailco.md").symlink_to(outside / "minutes.md")
    assert brm001(root) == {"reviews/2026/2026-12-01-retailco.md": LEADS_OUTSIDE}
    assert OUTSIDE_MARKER not in published(root)


def test_a_linked_reviews_folder_outside_is_one_finding_naming_the_folder(layout) -> None:
    root, outside = layout
    (root / "reviews/2027").symlink_to(outside / "2027", target_is_directory=True)
    loaded = load(root)
    assert [r.source.path for r in loaded.repository.reviews] == [
        "reviews/2026/2026-06-30-process-review.md",
        REVIEW,
    ]
    assert brm001(root) == {"reviews/2027": LEADS_OUTSIDE}
    assert OUTSIDE_MARKER not in published(root)


def test_the_whole_reviews_folder_linked_outside(layout) -> None:
    root, outside = layout
    for path in (root / "reviews").rglob("*.md"):
        path.unlink()
    for folder in sorted((root / "reviews").rglob("*"), reverse=True):
        folder.rmdir()
    (root / "reviews").rmdir()
    (root / "reviews").symlink_to(outside, target_is_directory=True)
    assert brm001(root) == {"reviews": LEADS_OUTSIDE}
    assert load(root).repository.reviews == []
    assert OUTSIDE_MARKER not in published(root)


def test_a_register_folder_linked_outside_marks_the_register_incomplete(layout) -> None:
    root, outside = layout
    (root / "registers/customers.yaml").unlink()
    (root / "registers/customers").symlink_to(outside / "customers", target_is_directory=True)
    loaded = load(root)
    assert loaded.repository.customers == []
    assert "customers" in loaded.repository.incomplete  # no cascade of unknown-customer findings
    assert brm001(root) == {"registers/customers": LEADS_OUTSIDE}
    assert OUTSIDE_MARKER not in published(root)


def test_a_named_pipe_is_a_finding_and_never_hangs_the_real_check(repo) -> None:
    root = repo()
    os.mkfifo(root / "reviews/2026/2026-12-01-retailco.md")
    result = subprocess.run(
        [str(BRM), "check", "--as-of", AS_OF.isoformat(), "--format", "json"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,  # an open() of the pipe would block for ever
    )
    assert result.returncode == 1, result.stderr
    assert '"path": "reviews/2026/2026-12-01-retailco.md"' in result.stdout
    assert "a named pipe (FIFO), not a regular file" in result.stdout


def test_a_link_to_a_device_is_refused_without_reading_it(repo) -> None:
    root = repo()
    (root / "registers/actions.yaml").unlink()
    (root / "registers/actions.yaml").symlink_to("/dev/zero")
    assert brm001(root) == {"registers/actions.yaml": LEADS_OUTSIDE}


def test_a_socket_is_a_finding(repo, monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo()
    monkeypatch.chdir(root / "surveys/results/2026")  # a short relative name: socket paths are limited to 108 bytes
    listener = socket.socket(socket.AF_UNIX)
    try:
        listener.bind("live.md")
    except OSError as error:  # pragma: no cover - a file system without sockets
        pytest.skip(f"this file system cannot hold a socket ({error.strerror})")
    try:
        message = brm001(root)["surveys/results/2026/live.md"]
    finally:
        listener.close()
    assert message.startswith("a socket, not a regular file")


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a device file inside the repository needs root (mknod)")
def test_a_device_inside_the_repository_is_a_finding(repo) -> None:
    root = repo()
    os.mknod(root / "reviews/2026/zero.md", 0o600 | 0o020000, os.makedev(1, 5))  # a character device: zero
    assert brm001(root)["reviews/2026/zero.md"].startswith("a device, not a regular file")


def test_links_inside_the_repository_are_followed(repo) -> None:
    root = repo({"archive/2025/2025-11-10-retailco.md": BASE[REVIEW].replace("2026-11-10", "2025-11-10")})
    (root / "reviews/2025").symlink_to("../archive/2025", target_is_directory=True)
    (root / "reviews/2026/2026-11-11-retailco.md").symlink_to("../../archive/2025/2025-11-10-retailco.md")
    loaded = load(root)
    paths = [r.source.path for r in loaded.repository.reviews]
    assert "reviews/2025/2025-11-10-retailco.md" in paths
    assert "reviews/2026/2026-11-11-retailco.md" in paths
    assert brm001(root) == {}


@pytest.mark.parametrize(
    ("link", "target", "reason"),
    [
        ("reviews/2026/gone.md", "../../nowhere.md", LEADS_NOWHERE),
        ("reviews/2026/circle.md", "circle.md", LEADS_NOWHERE),
        ("reviews/again", ".", "a symbolic link to a folder that contains it (a loop): remove the link"),
        ("reviews/up", "..", "a symbolic link to a folder that contains it (a loop): remove the link"),
        ("reviews/2026/config.md", "../../.git/config", "a symbolic link into '.git', which the checks never read"),
    ],
    ids=["dangling", "self", "loop-here", "loop-up", "into-git"],
)
def test_links_that_lead_nowhere_loop_or_into_git_are_findings(repo, link: str, target: str, reason: str) -> None:
    root = repo()
    (root / ".git").mkdir()
    (root / ".git/config").write_text("---\ntype: performance-review\n---\n")
    (root / link).symlink_to(target)
    found = brm001(root)
    assert list(found) == [link]
    assert found[link].startswith(reason)


def test_a_folder_link_inside_a_linked_folder_is_not_followed_again(repo) -> None:
    root = repo({"archive/a/2026-11-12-retailco.md": BASE[REVIEW]})
    (root / "archive/b").symlink_to("a", target_is_directory=True)
    (root / "reviews/old").symlink_to("../archive", target_is_directory=True)
    found = brm001(root)
    assert found == {
        "reviews/old/b": "a symbolic link to a folder, inside a folder that is itself reached through a symbolic "
        "link: the checks follow one folder link at a time; link to the target folder directly"
    }
    assert "reviews/old/a/2026-11-12-retailco.md" in {r.source.path for r in load(root).repository.reviews}


def test_many_links_to_the_root_do_not_multiply_the_walk(repo) -> None:
    root = repo()
    for n in range(50):
        (root / f"link{n}").symlink_to(".", target_is_directory=True)
    tree = scan(root)
    assert len(tree.files) == len(BASE)
    assert set(tree.refused) == {f"link{n}" for n in range(50)}


# -- reading one file ------------------------------------------------------------------


def test_the_size_limit_is_applied_while_reading(tmp_path: Path) -> None:
    """A file that reports no size (as procfs files do) is still read no further than the limit."""
    proc = Path("/proc/self/maps")
    if not proc.is_file() or proc.stat().st_size != 0:
        pytest.skip("needs Linux procfs, whose files report size 0 whatever they hold")
    assert isinstance(read_bytes(str(proc), limit=16), TooLarge)
    content = read_bytes(str(proc), limit=MAX_BYTES)
    assert isinstance(content, bytes) and content


def test_a_large_file_is_refused_from_its_size_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with open(big, "wb") as file:
        file.truncate(64 * 1024 * 1024 * 1024)  # 64 GB, sparse: reading it would take minutes
    problem = read_file(tmp_path, "big.yaml", markdown=False)
    assert isinstance(problem, Problem)
    assert problem.message.startswith("file is 65536.0 MB; evidence files are limited to 4 MB")


def test_read_file_on_its_own_refuses_what_the_walk_refuses(tmp_path: Path) -> None:
    root = tmp_path / "evidence"
    root.mkdir()
    (root / "pipe.yaml").unlink(missing_ok=True)
    os.mkfifo(root / "pipe.yaml")
    (root / "out.yaml").symlink_to("/etc/hostname")
    assert read_file(root, "pipe.yaml", markdown=False) == Problem(
        1,
        1,
        "a named pipe (FIFO), not a regular file: the checks read only regular files; replace it with the file itself",
    )
    assert read_file(root, "out.yaml", markdown=False) == Problem(1, 1, LEADS_OUTSIDE)
    assert isinstance(read_bytes(str(root / "pipe.yaml")), Refused)  # opened without blocking, then refused


# -- fields that hold a path or a link -------------------------------------------------


@pytest.mark.parametrize(
    ("value", "beside", "expected"),
    [
        ("https://reports.provider.example/q3.pdf", None, ("url", "https://reports.provider.example/q3.pdf")),
        ("HTTPS://reports.provider.example/q3.pdf", None, ("url", "HTTPS://reports.provider.example/q3.pdf")),
        ("reports/q3.pdf", None, ("path", "reports/q3.pdf")),
        ("./reports//q3.pdf", None, ("path", "reports/q3.pdf")),
        ("reports/old/../q3.pdf", None, ("path", "reports/q3.pdf")),
        ("q3.csv", RESULT, ("path", "surveys/results/2026/q3.csv")),
        ("./q3.csv", RESULT, ("path", "surveys/results/2026/q3.csv")),
        ("../2025/q3.csv", RESULT, ("path", "surveys/results/2025/q3.csv")),
        ("data/q3.csv", RESULT, ("path", "data/q3.csv")),
        ("file:///etc/passwd", None, ("problem", "'file:///etc/passwd' is a file: link, not a document")),
        ("javascript:alert(1)", None, ("problem", "is a javascript: link")),
        ("mailto:dana@northgate.example", None, ("problem", "is a mailto: link")),
        ("data:text/html,<script>x</script>", None, ("problem", "is a data: link")),
        ("http://reports.provider.example/q3.pdf", None, ("problem", "give the https:// address")),
        ("https://", None, ("problem", "not a complete https:// address")),
        ("https://[::1/x", None, ("problem", "not a complete https:// address")),
        ("/etc/passwd", None, ("problem", "is an absolute path")),
        ("//evil.example/x.pdf", None, ("problem", "is an absolute path")),
        ("C:/Windows/win.ini", None, ("problem", "is an absolute path")),
        ("C:\\Windows\\win.ini", None, ("problem", "is an absolute path")),
        ("reports\\q3.pdf", None, ("problem", "uses '\\' to separate folders")),
        ("../../etc/passwd", None, ("problem", "leads outside the repository")),
        ("reports/../../x.pdf", None, ("problem", "leads outside the repository")),
        ("../../../../etc/passwd", RESULT, ("problem", "leads outside the repository")),
        ("reports/%2e%2e/%2e%2e/x.pdf", None, ("problem", "hides '..' in percent-encoding")),
        ("reports/q3.pdf\x00.md", None, ("problem", "contains a control or invisible character")),
        (".", None, ("problem", "names a folder, not a file")),
        ("reports/", None, ("problem", "names a folder, not a file")),
    ],
)
def test_what_a_path_or_link_field_names(value: str, beside: str | None, expected: tuple[str, str]) -> None:
    reference = resolve(value, beside)
    kind, detail = expected
    assert [k for k in ("url", "path", "problem") if getattr(reference, k) is not None] == [kind]
    if kind == "problem":
        assert detail in (reference.problem or "")
        assert ": " in (reference.problem or "")  # what is wrong, then the fix
    else:
        assert getattr(reference, kind) == detail


@settings(max_examples=400, deadline=None)
@given(
    value=st.text(alphabet="ab./%:\\ \x00é", max_size=12),
    beside=st.sampled_from([None, RESULT, "x.yaml"]),
)
def test_the_shortcut_for_plain_paths_names_what_the_full_resolution_names(value: str, beside: str | None) -> None:
    assert resolve(value, beside) == boundary._resolve(value, beside)


@pytest.mark.parametrize(
    ("path", "old", "new", "line", "phrase"),
    [
        (REVIEW, "report: https://reports.provider.example/2026-10-retailco.pdf", "report: file:///etc/passwd",
         8, "is a file: link"),
        (REVIEW, "report: https://reports.provider.example/2026-10-retailco.pdf", "report: ../../etc/passwd",
         8, "leads outside the repository"),
        (REVIEW, "report: https://reports.provider.example/2026-10-retailco.pdf", "report: /etc/passwd",
         8, "is an absolute path"),
        (REVIEW, "report: https://reports.provider.example/2026-10-retailco.pdf",
         "report: http://reports.provider.example/q3.pdf", 8, "give the https:// address"),
        ("registers/requirements/retailco--cloud-hosting.yaml",
         "document: https://contracts.provider.example/sla/retailco-ch-v2.1.pdf",
         'document: "mailto:sam.patel@retailco.example"', 5, "is a mailto: link"),
        ("registers/actions.yaml", "source: reviews/2026/2026-11-10-retailco.md",
         'source: "javascript:alert(1)"', 3, "is a javascript: link"),
        (RESULT, "responses: 8\n", "responses: 8\nresponses_file: ../../../../etc/passwd\n",
         12, "leads outside the repository"),
    ],
    ids=["report-file-scheme", "report-dot-dot", "report-absolute", "report-http", "document-mailto",
         "source-javascript", "responses-dot-dot"],
)  # fmt: skip
def test_a_path_field_outside_the_repository_is_brm003_at_its_line(
    repo, path: str, old: str, new: str, line: int, phrase: str
) -> None:
    assert old in BASE[path]
    root = repo({path: BASE[path].replace(old, new)})
    found = [f for f in check(root) if f.path == path and f.rule == "BRM003"]
    assert [f.line for f in found] == [line], found
    assert phrase in found[0].message


def test_a_referenced_file_that_links_outside_does_not_exist_for_references(layout) -> None:
    root, outside = layout
    (root / "reports").mkdir()
    (root / "reports/q3.pdf").symlink_to("/etc/hostname")
    os.mkfifo(root / "reports/pipe.pdf")
    review = BASE[REVIEW].replace(
        "report: https://reports.provider.example/2026-10-retailco.pdf", "report: reports/q3.pdf"
    )
    other = review.replace("2026-11-10", "2026-11-11").replace("reports/q3.pdf", "reports/pipe.pdf")
    (root / REVIEW).write_text(review)
    (root / "reviews/2026/2026-11-11-retailco.md").write_text(other)
    found = {f.path: f.message for f in check(root) if f.rule == "BRM003"}
    assert found == {
        REVIEW: f"file 'reports/q3.pdf' is {LEADS_OUTSIDE}",
        "reviews/2026/2026-11-11-retailco.md": "file 'reports/pipe.pdf' is a named pipe (FIFO), not a regular file: "
        "the checks read only regular files; replace it with the file itself",
    }


def test_a_responses_file_linked_outside_is_never_read(layout) -> None:
    root, outside = layout
    # The file outside holds three responses of 1: read, it would contradict csat 88 (SAT004).
    (root / "surveys/results/2026/2026-Q3-retailco.csv").symlink_to(outside / "responses.csv")
    result = BASE[RESULT].replace("responses: 8\n", "responses: 8\nresponses_file: 2026-Q3-retailco.csv\n")
    (root / RESULT).write_text(result)
    loaded = load(root)
    assert loaded.repository.results[0].response_scores is None
    findings = check(root)
    assert [f.rule for f in findings] == ["BRM003"]
    assert LEADS_OUTSIDE in findings[0].message


def test_the_site_links_only_what_resolves_inside(repo) -> None:
    root = repo(
        {
            REVIEW: BASE[REVIEW].replace(
                "report: https://reports.provider.example/2026-10-retailco.pdf", "report: ./reports/../reports/q3.pdf"
            ),
            "reports/q3.pdf": "%PDF-1.4\n",
            "registers/requirements/retailco--cloud-hosting.yaml": BASE[
                "registers/requirements/retailco--cloud-hosting.yaml"
            ].replace(
                "document: https://contracts.provider.example/sla/retailco-ch-v2.1.pdf", "document: file:///etc/passwd"
            ),
        }
    )
    loaded = load(root)
    site = Site(Evidence(loaded, run(loaded, AS_OF), AS_OF, repo_url="https://github.example/provider/evidence"))
    pages = site.pages()
    requirements = pages["registers/requirements.md"]
    assert "file:///etc/passwd" in requirements  # shown as the value it is ...
    assert "](file:" not in requirements and 'href="file:' not in requirements  # ... never as a link
    assert "reports/q3.pdf" in pages["minutes/2026/2026-11-10-retailco.md"]


def test_the_example_repository_has_no_boundary_findings() -> None:
    root = Path(__file__).resolve().parents[1]
    assert {f.path: f.message for f in check(root) if f.rule in ("BRM001", "BRM003")} == {}


def test_a_symlinked_root_is_read_as_the_repository(repo, tmp_path: Path) -> None:
    root = repo()
    alias = tmp_path / "alias"
    alias.symlink_to(root, target_is_directory=True)
    assert [f.rule for f in check(alias)] == []


def test_an_action_source_counts_wherever_it_resolves_to_the_same_file(repo) -> None:
    """SAT002 asks whether an action came from the result: the same resolution as BRM003's."""
    below = BASE[RESULT].replace("scores: {csat: 88}", "scores: {csat: 70}")
    action = dedent(
        """
        - id: ACT-0002
          title: Call every detractor
          source: ./surveys/results/2026/../2026/2026-Q3-retailco.md
          customers: [retailco]
          owner: alex-morgan
          raised: 2026-10-05
          due: 2026-12-15
          status: open
        """
    )
    alone = repo({RESULT: below})
    assert "SAT002" in [f.rule for f in check(alone)]
    acted = repo({RESULT: below, "registers/actions/ACT-0002.yaml": action})
    assert [f.rule for f in check(acted) if f.rule in ("SAT002", "BRM003")] == []


def test_a_referenced_file_behind_a_folder_link_out_names_the_link(layout) -> None:
    root, outside = layout
    (outside / "q3.pdf").write_bytes(b"%PDF-1.4\n")
    (root / "reports").symlink_to(outside, target_is_directory=True)
    old = "report: https://reports.provider.example/2026-10-retailco.pdf"
    (root / REVIEW).write_text(BASE[REVIEW].replace(old, "report: reports/q3.pdf"))
    assert [f.message for f in check(root) if f.rule == "BRM003"] == [
        f"file 'reports/q3.pdf' is behind 'reports', {LEADS_OUTSIDE}"
    ]
