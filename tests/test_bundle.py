"""brm bundle and brm verify, on real git repositories with history, through the real console script.

One repository with three commits is shared by the module (building it costs a few git
calls); a test that changes the working tree copies it first.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from checks.bundle.document import sections
from checks.bundle.verify import parse_sums
from checks.clauses import load_clause_map

from .conftest import BASE, brm, dedent, write_repo

REVIEW = "reviews/2026/2026-11-10-retailco.md"
EXTRA_ACTION = "registers/actions/ACT-0002.yaml"
#: A commit made late on 20 October in UTC is already 21 October in London (BST, +01:00),
#: the complaint procedure's time zone: the day a commit falls on is the procedures' day.
COMMITS = (
    ("2026-10-01T10:00:00+00:00", "base"),
    ("2026-10-20T23:30:00+00:00", "action two"),
    ("2026-11-16T09:00:00+00:00", "minutes amended"),
)
ACTION_TWO = dedent(
    """
    id: ACT-0002
    title: Send the DR test report
    source: reviews/2026/2026-11-10-retailco.md
    customers: [retailco]
    owner: alex-morgan
    raised: 2026-10-20
    due: 2026-12-20
    status: open
    """
)


def git(root: Path, *args: str, when: str = "2026-10-01T10:00:00+00:00") -> str:
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Ann Author",
        "GIT_AUTHOR_EMAIL": "ann@provider.example",
        "GIT_COMMITTER_NAME": "Ann Author",
        "GIT_COMMITTER_EMAIL": "ann@provider.example",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    done = subprocess.run(["git", *args], cwd=root, env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def make_history(root: Path) -> dict[str, str]:
    """BASE, then an action (late on 20 October UTC), then amended minutes: commit name -> sha."""
    write_repo(root, {})
    git(root, "init", "--quiet", "--initial-branch=main")
    shas = {}
    for when, message in COMMITS:
        if message == "action two":
            (root / EXTRA_ACTION).parent.mkdir(parents=True, exist_ok=True)
            (root / EXTRA_ACTION).write_text(ACTION_TWO, encoding="utf-8")
        if message == "minutes amended":
            (root / REVIEW).write_text(BASE[REVIEW] + "\nAmended after the meeting.\n", encoding="utf-8")
        git(root, "add", "--all")
        git(root, "commit", "--quiet", "--message", message, when=when)
        shas[message] = git(root, "rev-parse", "HEAD")
    return shas


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("history") / "evidence"
    return root, make_history(root)


@pytest.fixture(scope="module")
def bundled(history: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """RetailCo's bundle as of 2026-11-23 (HEAD, a clean tree), as a zip."""
    root, _shas = history
    output = tmp_path_factory.mktemp("bundles") / "retailco.zip"
    done = brm("bundle", str(root), "--customer", "retailco", "--as-of", "2026-11-23", "--output", str(output))
    assert done.returncode == 0, done.stderr
    return output


def members(bundle: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(bundle) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def names(bundle: Path) -> list[str]:
    with zipfile.ZipFile(bundle) as archive:
        return [info.filename for info in archive.infolist()]


# --------------------------------------------------------------------------- contents and order


def test_bundle_holds_the_document_findings_manifest_sums_and_evidence_in_a_fixed_order(bundled: Path) -> None:
    listed = names(bundled)
    assert listed[:5] == ["index.html", "findings.json", "findings.sarif", "manifest.json", "SHA256SUMS"]
    evidence = listed[5:]
    assert evidence == sorted(evidence) and all(n.startswith("evidence/") for n in evidence)
    assert "evidence/" + REVIEW in evidence
    assert "evidence/surveys/results/2026/2026-Q3-retailco.md" in evidence
    assert "evidence/procedures/complaint-handling.md" in evidence


def test_evidence_is_byte_for_byte_as_committed(bundled: Path, history: tuple[Path, dict[str, str]]) -> None:
    root, _shas = history
    files = members(bundled)
    for name, data in files.items():
        if name.startswith("evidence/"):
            committed = subprocess.run(
                ["git", "show", f"HEAD:{name.removeprefix('evidence/')}"], cwd=root, capture_output=True, check=True
            ).stdout
            assert data == committed, name


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        ident = dict(attrs).get("id")
        if tag == "h2" and ident:
            self.ids.append(ident)


def test_document_sections_come_in_the_auditors_order_each_with_its_clause_rows(bundled: Path) -> None:
    page = members(bundled)["index.html"].decode("utf-8")
    parser = _Headings()
    parser.feed(page)
    wanted = [s.id for s in sections()]
    assert [i for i in parser.ids if i in wanted] == wanted
    assert wanted[:8] == [
        "representatives", "requirements", "reviews", "satisfaction", "actions", "complaints", "waivers", "findings"
    ]  # fmt: skip
    rows = {r.id for r in load_clause_map().requirements}
    for section in sections():
        assert set(section.answers) <= rows, section.id
    assert "<strong>designated-individuals</strong>" in page and "<strong>escalation</strong>" in page


def test_first_page_states_as_of_commit_clean_tree_and_tool_version(
    bundled: Path, history: tuple[Path, dict[str, str]]
) -> None:
    _root, shas = history
    page = members(bundled)["index.html"].decode("utf-8")
    cover = page.split('<header class="cover">', 1)[1].split("</header>", 1)[0]
    assert "2026-11-23" in cover
    assert shas["minutes amended"] in cover
    assert "clean: no uncommitted change to the evidence" in cover
    assert re.search(r"brm-evidence \d+\.\d+", cover)
    # Every printed page carries the customer, the as-of date and the commit (the @page rule's margin boxes).
    page_rule = page.split("@page { @top-left", 1)[1].split("</style>", 1)[0]
    assert 'content: "Evidence bundle: RetailCo"' in page_rule
    assert f"as of 2026-11-23 \\b7  commit {shas['minutes amended'][:12]}" in page_rule  # b7: a middle dot


def test_document_is_self_contained_without_script_or_request(bundled: Path) -> None:
    page = members(bundled)["index.html"].decode("utf-8")
    parser = _Headings()
    parser.feed(page)
    assert not {"script", "img", "iframe", "link", "object", "embed"} & set(parser.tags)
    assert not re.search(r"\b(?:src|srcset)=", page)
    assert "default-src 'none'" in page  # the page's own content security policy
    assert "<style>" in page and "<svg" in page  # inline stylesheet and chart


def test_manifest_lists_every_file_with_size_sha256_blob_and_last_commit(
    bundled: Path, history: tuple[Path, dict[str, str]]
) -> None:
    root, shas = history
    files = members(bundled)
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == "brm-evidence-bundle/1"
    assert manifest["commit"]["sha"] == shas["minutes amended"]
    assert manifest["as_of"] == "2026-11-23" and manifest["working_tree"] == "clean"
    entries = {e.get("path"): e for e in manifest["files"]}
    for name, data in files.items():
        if name in ("manifest.json", "SHA256SUMS"):
            continue
        entry = entries[name]
        assert entry["size"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
    review = entries["evidence/" + REVIEW]
    assert review["git_blob"] == git(root, "rev-parse", f"HEAD:{REVIEW}")
    assert review["last_commit"] == shas["minutes amended"] and review["last_commit_date"] == "2026-11-16"
    procedure = entries["evidence/procedures/complaint-handling.md"]
    assert procedure["last_commit"] == shas["base"]


def test_sha256sum_accepts_the_sums(bundled: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(bundled) as archive:
        archive.extractall(tmp_path)
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    checked = [line for line in done.stdout.splitlines() if line.endswith(": OK")]
    assert len(checked) == len(names(bundled)) - 1


def test_contacts_are_withheld_and_files_holding_them_listed_not_included(bundled: Path) -> None:
    files = members(bundled)
    text = b"".join(data for name, data in files.items() if not name.startswith("evidence/")).decode("utf-8")
    assert "sam.patel@retailco.example" not in text and "7946 0101" not in text
    assert '<th scope="col">E-mail</th>' not in files["index.html"].decode("utf-8")
    manifest = json.loads(files["manifest.json"])
    withheld = {e["source"]: e for e in manifest["files"] if "withheld" in e}
    assert "registers/customers.yaml" in withheld and "evidence/registers/customers.yaml" not in files
    assert len(withheld["registers/customers.yaml"]["sha256"]) == 64
    for name, data in files.items():
        if name.startswith("evidence/"):
            assert not re.search(rb"[\w.]+@[\w-]+\.example", data), name


def test_include_contacts_puts_every_cited_file_in(history: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, _shas = history
    output = tmp_path / "with-contacts.zip"
    done = brm("bundle", str(root), "--customer", "retailco", "--as-of", "2026-11-23", "--include-contacts",
               "--output", str(output))  # fmt: skip
    assert done.returncode == 0, done.stderr
    files = members(output)
    assert "evidence/registers/customers.yaml" in files
    page = files["index.html"].decode("utf-8")
    assert "sam.patel@retailco.example" in page and '<th scope="col">E-mail</th>' in page


# --------------------------------------------------------------------------- reproducible


def test_same_commit_scope_and_date_give_a_byte_identical_zip(
    bundled: Path, history: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, _shas = history
    again = tmp_path / "again.zip"
    done = brm("bundle", "--root", str(root), "--customer", "retailco", "--as-of", "2026-11-23", "--output", str(again))
    assert done.returncode == 0, done.stderr
    assert again.read_bytes() == bundled.read_bytes()
    # No build time inside: every entry is dated by the commit (2026-11-16 09:00 UTC).
    with zipfile.ZipFile(bundled) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 11, 16, 9, 0, 0)}


def test_folder_output_holds_the_same_files(
    bundled: Path, history: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, _shas = history
    folder = tmp_path / "unpacked"
    done = brm("bundle", str(root), "--customer", "retailco", "--as-of", "2026-11-23", "--output", f"{folder}/")
    assert done.returncode == 0, done.stderr
    written = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert written == members(bundled)
    again = brm("bundle", str(root), "--customer", "retailco", "--as-of", "2026-11-23", "--output", f"{folder}/")
    assert again.returncode == 2 and "not an empty folder" in again.stderr


# --------------------------------------------------------------------------- verify


@pytest.mark.parametrize(
    ("tamper", "kind", "name"),
    [
        (lambda d: d / ("evidence/" + REVIEW), "changed", "evidence/" + REVIEW),
        (lambda d: d / "evidence/notes.txt", "added", "evidence/notes.txt"),
        (lambda d: d / "findings.sarif", "missing", "findings.sarif"),
    ],
    ids=["edited", "added", "removed"],
)
def test_verify_catches_an_edited_added_or_removed_file(
    bundled: Path, tmp_path: Path, tamper: Callable[[Path], Path], kind: str, name: str
) -> None:
    folder = tmp_path / "bundle"
    with zipfile.ZipFile(bundled) as archive:
        archive.extractall(folder)
    assert brm("verify", str(folder), cwd=tmp_path).returncode == 0
    target = tamper(folder)
    if kind == "changed":
        target.write_bytes(target.read_bytes().replace(b"Keep the current", b"Drop the current"))
    elif kind == "added":
        target.write_text("planted\n", encoding="utf-8")
    else:
        target.unlink()
    done = brm("verify", str(folder), cwd=tmp_path)
    assert done.returncode == 1, done.stdout
    assert re.search(rf"^  {kind}\s+{re.escape(name)}", done.stdout, re.MULTILINE), done.stdout
    assert "NOT VERIFIED" in done.stdout


def test_verify_inside_the_repository_catches_a_consistent_forgery(
    bundled: Path, history: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """A file edited and its hashes rewritten in the manifest and the sums: only git can tell."""
    root, _shas = history
    files = members(bundled)
    name = "evidence/" + REVIEW
    forged = files[name].replace(b"Keep the current", b"Drop the current")
    digest = hashlib.sha256(forged).hexdigest()
    old = hashlib.sha256(files[name]).hexdigest()
    files[name] = forged
    files["manifest.json"] = files["manifest.json"].replace(old.encode(), digest.encode())
    sums = {n: hashlib.sha256(d).hexdigest() for n, d in files.items() if n != "SHA256SUMS"}
    files["SHA256SUMS"] = "".join(f"{sums[n]}  {n}\n" for n in sorted(sums)).encode()
    forgery = tmp_path / "forged.zip"
    with zipfile.ZipFile(forgery, "w") as archive:
        for member, data in files.items():
            archive.writestr(member, data)
    outside = brm("verify", str(forgery), cwd=tmp_path)
    assert outside.returncode == 0  # the hashes agree with each other: only the repository can refute them
    inside = brm("verify", str(forgery), "--root", str(root), cwd=tmp_path)
    assert inside.returncode == 1
    assert f"{REVIEW} differs from the file at commit" in inside.stdout
    genuine = brm("verify", str(bundled), cwd=root)
    assert genuine.returncode == 0 and "match commit" in genuine.stdout


def test_verify_refuses_a_zip_with_two_entries_of_one_name(bundled: Path, tmp_path: Path) -> None:
    files = members(bundled)
    doubled = tmp_path / "doubled.zip"
    with zipfile.ZipFile(doubled, "w") as archive, pytest.warns(UserWarning):
        for member, data in files.items():
            archive.writestr(member, data)
        archive.writestr("index.html", b"<p>another document</p>")
    done = brm("verify", str(doubled), cwd=tmp_path)
    assert done.returncode == 1 and "two entries named index.html" in done.stdout


def test_verify_of_something_that_is_not_a_bundle_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "x.zip").write_bytes(b"not a zip")
    done = brm("verify", str(tmp_path / "x.zip"), cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "not a zip file" in done.stderr


def test_sums_parser_reads_escaped_names() -> None:
    digest = "a" * 64
    found, bad = parse_sums(f"\\{digest}  evidence/a\\nb\\\\c.md\n{digest} *plain.md\nnonsense\n")
    assert found == {"evidence/a\nb\\c.md": digest, "plain.md": digest}
    assert bad == ["SHA256SUMS line 3 is not '<sha256>  <file>'"]


# --------------------------------------------------------------------------- the past


@pytest.mark.parametrize(
    ("as_of", "commit", "has_action_two"),
    [
        ("2026-10-01", "base", False),
        ("2026-10-20", "base", False),  # the second commit is 21 October in London
        ("2026-10-21", "action two", True),
        ("2026-11-15", "action two", True),
        ("2026-11-16", "minutes amended", True),
    ],
)
def test_past_as_of_bundles_the_last_commit_on_or_before_that_day(
    history: tuple[Path, dict[str, str]], tmp_path: Path, as_of: str, commit: str, has_action_two: bool
) -> None:
    root, shas = history
    output = tmp_path / "past.zip"
    done = brm("bundle", str(root), "--customer", "retailco", "--as-of", as_of, "--output", str(output))
    assert done.returncode == 0, done.stderr
    files = members(output)
    manifest = json.loads(files["manifest.json"])
    assert manifest["commit"]["sha"] == shas[commit]
    assert manifest["as_of"] == as_of
    assert ("evidence/" + EXTRA_ACTION in files) is has_action_two
    findings = json.loads(files["findings.json"])
    assert findings["as_of"] == as_of
    review = files["evidence/" + REVIEW]
    assert (b"Amended after the meeting." in review) is (commit == "minutes amended")
    if commit != "minutes amended":
        assert manifest["working_tree"] == "not read (a past commit)"


def test_an_as_of_before_the_first_commit_is_one_line(history: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, _shas = history
    done = brm("bundle", str(root), "--customer", "retailco", "--as-of", "2026-09-30", "--output", str(tmp_path / "x"))
    assert done.returncode == 2
    assert "no commit on or before 2026-09-30 (the history starts on 2026-10-01)" in done.stderr


def test_dirty_tree_is_stated_and_the_changed_file_bundled_as_committed(
    history: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    source, _shas = history
    root = tmp_path / "evidence"
    shutil.copytree(source, root)
    (root / REVIEW).write_text(BASE[REVIEW] + "\nAn edit nobody committed.\n", encoding="utf-8")
    output = tmp_path / "dirty.zip"
    done = brm("bundle", str(root), "--customer", "retailco", "--as-of", "2026-11-23", "--output", str(output))
    assert done.returncode == 0, done.stderr
    assert "uncommitted changes in 1 file(s)" in done.stderr
    files = members(output)
    assert b"An edit nobody committed." not in files["evidence/" + REVIEW]
    assert b"Amended after the meeting." in files["evidence/" + REVIEW]
    manifest = json.loads(files["manifest.json"])
    assert manifest["uncommitted"] == [REVIEW]
    entry = next(e for e in manifest["files"] if e.get("source") == REVIEW)
    assert entry["uncommitted_changes"] is True
    page = files["index.html"].decode("utf-8")
    assert "not clean" in page and "uncommitted changes in the working tree, not in this bundle" in page


def test_without_git_the_bundle_says_the_files_are_as_read_from_disk(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "evidence", {})
    output = tmp_path / "plain.zip"
    done = brm("bundle", str(root), "--customer", "retailco", "--as-of", "2026-11-23", "--output", str(output))
    assert done.returncode == 0, done.stderr
    files = members(output)
    manifest = json.loads(files["manifest.json"])
    assert manifest["commit"] is None and manifest["working_tree"].startswith("no git")
    assert "no commit vouches for them" in files["index.html"].decode("utf-8")
    assert brm("verify", str(output), cwd=tmp_path).returncode == 0


def test_unknown_customer_is_one_line(history: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, _shas = history
    done = brm("bundle", str(root), "--customer", "nobody", "--as-of", "2026-11-23", "--output", str(tmp_path / "x"))
    assert done.returncode == 2 and "no customer 'nobody'" in done.stderr and done.stderr.count("\n") == 1


def test_period_keeps_the_records_of_the_period(history: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, _shas = history
    output = tmp_path / "q4.zip"
    done = brm("bundle", str(root), "--customer", "retailco", "--as-of", "2026-11-23", "--period",
               "2026-11-01..2026-11-30", "--output", str(output))  # fmt: skip
    assert done.returncode == 0, done.stderr
    files = members(output)
    assert "evidence/" + REVIEW in files  # held 2026-11-10
    assert "evidence/surveys/results/2026/2026-Q3-retailco.md" not in files  # sent 2026-10-01, measures Q3
    assert "2026-11-01 to 2026-11-30" in files["index.html"].decode("utf-8")


# --------------------------------------------------------------------------- signing


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A throwaway ed25519 key, an allowed-signers file that allows it, and one that allows another key."""
    folder = tmp_path_factory.mktemp("keys")
    for name in ("team", "stranger"):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(folder / name)],
            check=True,
            capture_output=True,
        )
    team = (folder / "team.pub").read_text(encoding="utf-8").split()
    stranger = (folder / "stranger.pub").read_text(encoding="utf-8").split()
    allowed = folder / "allowed_signers"
    allowed.write_text(f'evidence-team@provider.example namespaces="brm-bundle" {team[0]} {team[1]}\n')
    other = folder / "other_signers"
    other.write_text(f'someone@elsewhere.example namespaces="brm-bundle" {stranger[0]} {stranger[1]}\n')
    return folder / "team", allowed, other


def test_signed_bundle_verifies_against_the_allowed_signers_and_nothing_else(
    history: tuple[Path, dict[str, str]], keys: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    root, _shas = history
    key, allowed, other = keys
    output = tmp_path / "signed.zip"
    done = brm("bundle", str(root), "--customer", "retailco", "--as-of", "2026-11-23", "--sign", str(key),
               "--output", str(output))  # fmt: skip
    assert done.returncode == 0, done.stderr
    files = members(output)
    assert files["manifest.json.sig"].startswith(b"-----BEGIN SSH SIGNATURE-----")
    good = brm("verify", str(output), "--allowed-signers", str(allowed), cwd=tmp_path)
    assert good.returncode == 0 and "signed by evidence-team@provider.example" in good.stdout
    stranger = brm("verify", str(output), "--allowed-signers", str(other), cwd=tmp_path)
    assert stranger.returncode == 1 and "the signature does not check" in stranger.stdout
    # A manifest changed after signing, with its hash in SHA256SUMS rewritten to match.
    forged = files["manifest.json"].replace(b'"as_of": "2026-11-23"', b'"as_of": "2026-11-24"')
    files["manifest.json"] = forged
    sums = {n: hashlib.sha256(d).hexdigest() for n, d in files.items() if n != "SHA256SUMS"}
    files["SHA256SUMS"] = "".join(f"{sums[n]}  {n}\n" for n in sorted(sums)).encode()
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as archive:
        for member, data in files.items():
            archive.writestr(member, data)
    caught = brm("verify", str(tampered), "--allowed-signers", str(allowed), cwd=tmp_path)
    assert caught.returncode == 1 and "the signature does not check" in caught.stdout
    unsigned = brm("verify", str(tmp_path / "signed.zip"), cwd=tmp_path)
    assert unsigned.returncode == 0 and "signed, not checked" in unsigned.stdout


def test_asking_for_a_signature_of_an_unsigned_bundle_fails(
    bundled: Path, keys: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _key, allowed, _other = keys
    done = brm("verify", str(bundled), "--allowed-signers", str(allowed), cwd=tmp_path)
    assert done.returncode == 1 and "not signed" in done.stdout


# --------------------------------------------------------------------------- the whole scope


def test_all_bundles_every_customer_and_the_findings_of_the_whole_repository(
    history: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, _shas = history
    output = tmp_path / "all.zip"
    done = brm("bundle", str(root), "--all", "--as-of", "2026-11-23", "--output", str(output))
    assert done.returncode == 0, done.stderr
    files = members(output)
    manifest = json.loads(files["manifest.json"])
    assert manifest["scope"]["customers"] == "all"
    page = files["index.html"].decode("utf-8")
    assert 'id="customer-retailco"' in page and "Evidence bundle: all customers" in page
    findings = json.loads(files["findings.json"])
    assert set(findings) >= {"as_of", "root", "summary", "findings"}


@pytest.fixture(scope="module")
def hostile_bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The example with a payload in every string field of every record, bundled whole into a folder."""
    from .site_support import hostile_repository

    root = tmp_path_factory.mktemp("hostile") / "evidence"
    root.mkdir()
    hostile = hostile_repository(root)
    output = root.parent / "bundle"
    done = brm("bundle", str(root), "--all", "--as-of", "2026-11-23", "--output", f"{output}/")
    assert done.returncode == 0, done.stderr
    return output, hostile


def test_hostile_evidence_is_escaped_in_the_document(hostile_bundle: tuple[Path, Any]) -> None:
    from .site_support import UNESCAPED

    output, hostile = hostile_bundle
    page = (output / "index.html").read_text(encoding="utf-8")
    parser = _Headings()
    parser.feed(page)
    assert not {"script", "img", "iframe", "object", "embed"} & set(parser.tags)
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", page, re.IGNORECASE)
    for payload in UNESCAPED:
        assert payload not in page
    assert not re.search(r'href="javascript:', page, re.IGNORECASE)
    for email in hostile.emails:
        assert email not in page
    assert [m for m in hostile.markers if m in page], "the payloads are shown, as text"


# --------------------------------------------------------------------------- print and PDF (Chromium)


def test_pdf_is_printed_by_chromium_with_the_customer_date_and_commit_on_every_page(
    browser: object, history: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    import pypdf

    root, shas = history
    outputs = []
    for name in ("one.zip", "two.zip"):
        output = tmp_path / name
        done = brm("bundle", str(root), "--customer", "retailco", "--as-of", "2026-11-23", "--pdf",
                   "--output", str(output))  # fmt: skip
        assert done.returncode == 0, done.stderr
        outputs.append(output)
    assert outputs[0].read_bytes() == outputs[1].read_bytes()  # the PDF too: no build time inside
    files = members(outputs[0])
    assert names(outputs[0])[:2] == ["index.html", "bundle.pdf"]
    reader = pypdf.PdfReader(io.BytesIO(files["bundle.pdf"]))
    assert len(reader.pages) > 1
    for number, page in enumerate(reader.pages, 1):
        text = " ".join(page.extract_text().split())
        assert "Evidence bundle: RetailCo" in text, number
        assert "as of 2026-11-23" in text and shas["minutes amended"][:12] in text, number
    whole = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    for heading in ("Representatives and authority", "Closure evidence", "Complaints and their timeline"):
        assert heading in whole
    manifest = json.loads(files["manifest.json"])
    assert {"path": "bundle.pdf", "size": len(files["bundle.pdf"])}.items() <= next(
        e for e in manifest["files"] if e.get("path") == "bundle.pdf"
    ).items()


def test_pdf_without_a_chromium_is_one_line(history: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, _shas = history
    done = brm("bundle", str(root), "--customer", "retailco", "--as-of", "2026-11-23", "--pdf",
               "--output", str(tmp_path / "x.zip"), env={"BRM_CHROMIUM": str(tmp_path / "no-chromium")})  # fmt: skip
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "BRM_CHROMIUM" in done.stderr and not (tmp_path / "x.zip").exists()


def test_printed_on_a4_no_table_is_wider_than_the_page(browser: Any, hostile_bundle: tuple[Path, Any]) -> None:
    """The hostile example (long unbroken values in every field) printed at A4's text width (182 mm)."""
    output, _hostile = hostile_bundle
    context = browser.new_context(viewport={"width": 688, "height": 1000})
    try:
        page = context.new_page()
        page.goto((output / "index.html").as_uri())
        page.emulate_media(media="print")
        wide = page.evaluate(
            """() => {
                const limit = document.body.getBoundingClientRect().right + 0.5;
                return [...document.querySelectorAll('table, pre, figure, dl')]
                    .filter(e => e.getBoundingClientRect().right > limit || e.scrollWidth > e.clientWidth + 1)
                    .map(e => e.tagName + ': ' + e.textContent.slice(0, 60));
            }"""
        )
        assert wide == []
    finally:
        context.close()


def test_an_evidence_file_a_browser_would_run_is_bundled_but_not_linked(tmp_path: Path) -> None:
    action = BASE["registers/actions.yaml"].replace(
        "  status: open\n", "  status: open\n  evidence: reports/closure.html\n"
    )
    root = write_repo(
        tmp_path / "evidence",
        {"registers/actions.yaml": action, "reports/closure.html": "<script>alert(1)</script>Closed.\n"},
    )
    output = tmp_path / "b.zip"
    done = brm("bundle", str(root), "--customer", "retailco", "--as-of", "2026-11-23", "--output", str(output))
    assert done.returncode == 0, done.stderr
    files = members(output)
    assert files["evidence/reports/closure.html"] == b"<script>alert(1)</script>Closed.\n"  # byte for byte
    page = files["index.html"].decode("utf-8")
    assert 'href="evidence/reports/closure.html"' not in page
    assert 'href="evidence/registers/actions.yaml"' in page


def test_an_evidence_root_below_the_top_of_the_work_tree_verifies_from_anywhere_in_it(tmp_path: Path) -> None:
    top = tmp_path / "work"
    write_repo(top / "compliance/evidence", {})
    git(top, "init", "--quiet", "--initial-branch=main")
    git(top, "add", "--all")
    git(top, "commit", "--quiet", "--message", "evidence", when="2026-11-01T10:00:00+00:00")
    output = tmp_path / "b.zip"
    done = brm("bundle", str(top / "compliance/evidence"), "--customer", "retailco", "--as-of", "2026-11-23",
               "--output", str(output))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(members(output)["manifest.json"])["commit"]["folder"] == "compliance/evidence/"
    for where in (top, top / "compliance", top / "compliance/evidence/registers"):
        verified = brm("verify", str(output), cwd=where)
        assert verified.returncode == 0 and "match commit" in verified.stdout, (where, verified.stdout)
