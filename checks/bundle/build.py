"""One evidence bundle: its files, in a fixed order, and the manifest that vouches for each.

A bundle holds ``index.html`` (:mod:`.document`), ``bundle.pdf`` when asked for
(:mod:`.pdf`), ``findings.json`` and ``findings.sarif`` (the ``brm check`` formats, for
the whole repository), ``manifest.json`` (each file's path, size, SHA-256, git blob id
and last commit), ``manifest.json.sig`` when signed (:mod:`.signing`), ``SHA256SUMS``
(what ``sha256sum -c`` reads) and ``evidence/``: every file the document cites, byte for
byte as the snapshot holds it (a commit's blobs, read from git).

Nothing in a bundle depends on when or where it was built: the same commit, scope and
as-of date give the same bytes (:func:`zip_bytes` fixes every timestamp and the order).

Contact details are withheld unless included on purpose: the document withholds them,
``findings.json`` and ``findings.sarif`` are written with them withheld, and an evidence
file that holds one is left out and listed in the manifest with its hash, so whoever has
the repository can still match it.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .. import __version__
from ..boundary import Refused
from ..findings import Finding, display
from ..model import Repository
from ..policy import Policy
from ..report import Report
from ..report import json as json_report
from ..report import sarif as sarif_report
from ..rules import load_rules
from ..site.sanitize import Redactor
from ..snapshot import Snapshot
from . import document
from .scope import Scope, findings_about, parts, procedures_cited

#: The manifest's format: a reader that does not know it must say so, not guess.
FORMAT = "brm-evidence-bundle/1"
EVIDENCE = "evidence/"
INDEX, PDF, FINDINGS_JSON, FINDINGS_SARIF = "index.html", "bundle.pdf", "findings.json", "findings.sarif"
MANIFEST, SIGNATURE, SUMS = "manifest.json", "manifest.json.sig", "SHA256SUMS"
#: The order of the files that are not evidence (evidence follows, by path).
ORDER = (INDEX, PDF, FINDINGS_JSON, FINDINGS_SARIF, MANIFEST, SIGNATURE, SUMS)
#: Zip entries cannot be dated before 1980.
_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)


class BundleError(Exception):
    """The bundle cannot be made as asked: one line that says why."""


@dataclass
class Bundle:
    """The files of one bundle, by name, and what to tell the person who made it."""

    files: dict[str, bytes]
    manifest: dict[str, Any]
    timestamp: datetime
    notes: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        """Every file name in the bundle's fixed order."""
        fixed = [n for n in ORDER if n in self.files]
        return fixed + sorted(n for n in self.files if n not in ORDER)


def git_blob_id(data: bytes) -> str:
    """The id git gives a blob of these bytes (SHA-1 object format): the same with or without git."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Common:
    """What every bundle of one judgement shares, made once (a site builds one bundle per customer)."""

    policy: Policy
    redact: Redactor
    about: dict[str, list[Finding]]
    findings_json: bytes
    findings_sarif: bytes
    titles: dict[str, str]
    #: Whether a file's content holds a contact detail, by its SHA-256: a register cited by every bundle is read once.
    screened: dict[str, bool] = field(default_factory=dict)


def redactor_of(repository: Repository, contacts: bool) -> Redactor:
    """What a bundle withholds: every e-mail address, and the phone numbers the registers hold."""
    phones = [p.phone for p in [*repository.staff, *repository.representatives] if p.phone]
    return Redactor(contacts, phones)


def common(snapshot: Snapshot, as_of: date, findings: list[Finding], contacts: bool) -> Common:
    repository = snapshot.loaded.repository
    redact = redactor_of(repository, contacts)
    rules = load_rules()
    report = Report(as_of, ".", repository.files, findings, rules)
    return Common(
        policy=Policy.from_repository(repository),
        redact=redact,
        about=findings_about(repository, findings),
        findings_json=redact(json_report.render(report)).encode("utf-8"),
        findings_sarif=redact(sarif_report.render(report)).encode("utf-8"),
        titles={code: rule.title for code, rule in rules.items()},
    )


def build(
    snapshot: Snapshot,
    as_of: date,
    findings: list[Finding],
    scope: Scope,
    contacts: bool = False,
    pdf: Callable[[str], bytes] | None = None,
    sign: Callable[[bytes], bytes] | None = None,
    shared: Common | None = None,
) -> Bundle:
    """The bundle of ``scope`` from ``snapshot``, judged at ``as_of`` (``findings`` are that judgement)."""
    repository = snapshot.loaded.repository
    shared = shared if shared is not None else common(snapshot, as_of, findings, contacts)
    policy = shared.policy
    known = {c.id for c in repository.customers if c.id}
    unknown = [c for c in scope.customers if c not in known]
    if unknown:
        names = ", ".join(sorted(known)[:20]) or "none"
        raise BundleError(f"no customer '{unknown[0]}' in the customer register (customers: {names})")
    chosen = parts(repository, policy, findings, scope, shared.about)
    if not chosen:
        raise BundleError("the customer register holds no customer to bundle: add one (brm new customer)")
    redact = shared.redact
    cited = list(dict.fromkeys([p for part in chosen for p in part.files(repository)] + procedures_cited(repository)))
    files: dict[str, bytes] = {}
    listed: dict[str, document.Listed] = {}
    entries: list[dict[str, Any]] = []
    notes: list[str] = []
    for path in sorted(cited):
        entry, data, shown = _evidence(snapshot, path, redact, contacts, shared.screened)
        entries.append(entry)
        listed[path] = shown
        if data is not None:
            files[EVIDENCE + path] = data
    withheld = [e["source"] for e in entries if "withheld" in e]
    if withheld:
        notes.append(
            f"{len(withheld)} evidence file(s) hold contact details and are not in the bundle (listed in the "
            "manifest with their SHA-256): give --include-contacts for a bundle that is not published"
        )
    if snapshot.dirty and not snapshot.from_disk:
        notes.append(
            f"the working tree has uncommitted changes in {len(snapshot.dirty)} file(s): the bundle holds the "
            "commit, without them; commit them to bundle them"
        )
    commit = snapshot.commit
    facts = document.Facts(
        as_of=as_of,
        tool=f"brm-evidence {__version__}",
        state=snapshot.state,
        commit_sha=commit.sha if commit else None,
        commit_date=commit.date if commit else None,
        commit_author=commit.author if commit else None,
        dirty=snapshot.dirty,
        from_disk=snapshot.from_disk,
        missing=snapshot.missing,
        contacts=contacts,
        period=scope.period,
        everyone=scope.everyone,
        files=listed,
    )
    html = document.render(repository, policy, chosen, findings, facts, lambda: shared.titles)
    files[INDEX] = html.encode("utf-8")
    if pdf is not None:
        files[PDF] = pdf(html)
    files[FINDINGS_JSON] = shared.findings_json
    files[FINDINGS_SARIF] = shared.findings_sarif
    manifest = {
        "format": FORMAT,
        "tool": f"brm-evidence {__version__}",
        "scope": {
            "customers": "all" if scope.everyone else [p.customer.id for p in chosen],
            "period": {"start": scope.period.start.isoformat(), "end": scope.period.end.isoformat()}
            if scope.period is not None
            else None,
        },
        "as_of": as_of.isoformat(),
        # folder: where the evidence root is in the git work tree ('' at its top), for brm verify
        "commit": {"sha": commit.sha, "date": commit.date, "folder": snapshot.history.prefix} if commit else None,
        "working_tree": _tree_state(snapshot),
        "uncommitted": sorted(display(p) for p in snapshot.dirty),
        "contacts": "included" if contacts else "withheld",
        "files": [_plain_entry(n, files[n]) for n in (INDEX, PDF, FINDINGS_JSON, FINDINGS_SARIF) if n in files]
        + entries,
    }
    manifest_bytes = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    files[MANIFEST] = manifest_bytes
    if sign is not None:
        files[SIGNATURE] = sign(manifest_bytes)
    files[SUMS] = sums(files)
    stamp = snapshot.committed_at.astimezone(UTC) if snapshot.committed_at is not None else None
    timestamp = max(stamp or datetime.combine(as_of, datetime.min.time(), UTC), _EPOCH)
    return Bundle(files, manifest, timestamp, notes)


def _tree_state(snapshot: Snapshot) -> str:
    return {
        "clean": "clean",
        "dirty": "uncommitted changes (as on disk, marked)"
        if snapshot.from_disk
        else "uncommitted changes (not in the bundle)",
        "past": "not read (a past commit)",
        "no-git": f"no git ({snapshot.missing or 'no commit'}): files as read from disk",
    }[snapshot.state]


def _plain_entry(name: str, data: bytes) -> dict[str, Any]:
    return {"path": name, "size": len(data), "sha256": sha256(data)}


def _evidence(
    snapshot: Snapshot, path: str, redact: Redactor, contacts: bool, screened: dict[str, bool]
) -> tuple[dict[str, Any], bytes | None, document.Listed]:
    """A cited file's manifest entry, its bytes if they go into the bundle, and how the document lists it."""
    shown_path = display(path)
    raw = snapshot.raw(path)
    uncommitted = path in snapshot.dirty
    as_on_disk = snapshot.from_disk and (uncommitted or not snapshot.history.is_committed(path))
    last = snapshot.history.last(path) if snapshot.commit is not None and not as_on_disk else None
    committed = snapshot.commit is not None and snapshot.history.is_committed(path) and not as_on_disk
    entry: dict[str, Any] = {"source": shown_path}
    commit_text = f"{last.short} ({last.date})" if last is not None else ""
    if not isinstance(raw, bytes):
        reason = raw.reason if isinstance(raw, Refused) else f"larger than the reader's limit ({raw.size} bytes)"
        entry["unreadable"] = reason
        return entry, None, document.Listed(path, "", 0, False, reason, commit_text, uncommitted)
    entry |= {"size": len(raw), "sha256": sha256(raw), "git_blob": git_blob_id(raw), "committed": committed}
    if last is not None:
        entry |= {"last_commit": last.sha, "last_commit_date": last.date}
    if uncommitted:
        entry["uncommitted_changes"] = True
    reason = ""
    if shown_path != path:
        reason = "its name is not UTF-8, which a zip file cannot hold"
    elif not contacts and _holds_contacts(raw, entry["sha256"], redact, screened):
        reason = "it holds contact details (withheld: give --include-contacts)"
    if reason:
        entry["withheld"] = reason
        return entry, None, document.Listed(path, entry["sha256"], len(raw), False, reason, commit_text, uncommitted)
    entry = {"path": EVIDENCE + path, **entry}
    return entry, raw, document.Listed(path, entry["sha256"], len(raw), True, "", commit_text, uncommitted)


def _holds_contacts(raw: bytes, digest: str, redact: Redactor, screened: dict[str, bool]) -> bool:
    found = screened.get(digest)
    if found is None:
        text = raw.decode("utf-8", "replace")
        found = screened[digest] = redact(text) != text
    return found


def sums(files: dict[str, bytes]) -> bytes:
    """``SHA256SUMS`` as ``sha256sum`` writes it: every file but itself, names escaped as GNU coreutils does."""
    lines = []
    for name in sorted(n for n in files if n != SUMS):
        escaped = name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
        prefix = "\\" if escaped != name else ""
        lines.append(f"{prefix}{sha256(files[name])}  {escaped}\n")
    return "".join(lines).encode("utf-8")


def zip_bytes(bundle: Bundle) -> bytes:
    """The bundle as one zip file: the same files give the same bytes (fixed dates, order and modes)."""
    buffer = io.BytesIO()
    when = bundle.timestamp.astimezone(UTC)
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in bundle.names():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix: the mode below is read
            info.external_attr = 0o100644 << 16
            archive.writestr(info, bundle.files[name], compresslevel=6)
    return buffer.getvalue()


def write(bundle: Bundle, output: Path, folder: bool) -> Path:
    """Write the bundle as a zip file, or (``folder``) as files in an empty or new folder."""
    if not folder:
        data = zip_bytes(bundle)
        try:
            output.write_bytes(data)
        except OSError as error:
            raise BundleError(f"cannot write {output}: {error.strerror}") from None
        return output
    try:
        if output.exists() and (not output.is_dir() or any(output.iterdir())):
            raise BundleError(f"{output} is not an empty folder: give a new or empty folder for the bundle")
        output.mkdir(parents=True, exist_ok=True)
        top = output.resolve()
        for name in bundle.names():
            target = (top / name).resolve()
            if top not in target.parents:  # pragma: no cover - names are repository paths, checked by the walk
                raise BundleError(f"refusing to write {name!r} outside {output}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(bundle.files[name])
    except OSError as error:
        raise BundleError(f"cannot write into {output}: {error.strerror}") from None
    return output
