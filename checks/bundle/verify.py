"""``brm verify BUNDLE``: is this bundle the one that was made, and is it the repository's?

Three checks, each independent of the others:

1. **Integrity.** Every file listed in ``SHA256SUMS`` and in ``manifest.json`` is
   there with the SHA-256 (and size) they give; any other file is *added*, any listed
   file that is not there is *missing*, any that differs is *changed*. A zip with two
   entries of one name is refused (which one a tool unpacks is anybody's guess).
2. **The repository** (run inside it): each evidence file, and each file the manifest
   lists as withheld, matches the file at the recorded commit, read from git's objects.
3. **The signature** (``--allowed-signers FILE``): ``manifest.json.sig`` is a good
   ``brm-bundle`` signature of the manifest by a key the file allows.

The bundle is untrusted input: names are shown escaped, nothing is unpacked or written,
no file is read past a size limit, and a bad manifest is a problem reported, not a crash.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..findings import display
from .build import FORMAT, MANIFEST, SIGNATURE, SUMS

#: No file of a bundle is read past this size (a zip bomb is a file too large, not a hang).
MAX_FILE = 1 << 30


class VerifyError(Exception):
    """The bundle cannot be read at all: one line (exit 2)."""


@dataclass
class Verdict:
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # a sentence each: the manifest, the sums, the signature
    notes: list[str] = field(default_factory=list)  # facts that are not problems
    checked: int = 0
    repository: str | None = None  # what the comparison with git found, as a sentence
    signature: str | None = None

    @property
    def ok(self) -> bool:
        return not (self.changed or self.added or self.missing or self.problems)


def _shown(name: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in display(name))[:300]


class _Contents:
    """The files of a bundle (a zip or a folder): name -> SHA-256, size and, for the manifest and signature, bytes."""

    KEEP = (MANIFEST, SIGNATURE, SUMS)

    def __init__(self, bundle: Path) -> None:
        self.digests: dict[str, tuple[str, int]] = {}
        self.kept: dict[str, bytes] = {}
        self.problems: list[str] = []
        if bundle.is_dir():
            self._folder(bundle)
        elif bundle.is_file():
            self._zip(bundle)
        else:
            raise VerifyError(f"no bundle at {bundle}: give the bundle's zip file or its folder")

    def _add(self, name: str, stream: IO[bytes]) -> None:
        digest, size = hashlib.sha256(), 0
        kept: list[bytes] | None = [] if name in self.KEEP else None
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            size += len(chunk)
            if size > MAX_FILE:
                self.problems.append(f"{_shown(name)} is larger than {MAX_FILE} bytes: not read")
                return
            digest.update(chunk)
            if kept is not None:
                kept.append(chunk)
        self.digests[name] = (digest.hexdigest(), size)
        if kept is not None:
            self.kept[name] = b"".join(kept)

    def _zip(self, bundle: Path) -> None:
        try:
            archive = zipfile.ZipFile(bundle)
        except (zipfile.BadZipFile, OSError) as error:
            raise VerifyError(f"{bundle} is not a zip file ({error}): give the bundle's zip or its folder") from None
        with archive:
            seen: set[str] = set()
            for info in archive.infolist():
                name = info.filename
                if info.is_dir():
                    continue
                if name in seen:
                    self.problems.append(f"the zip holds two entries named {_shown(name)}: a tampered bundle")
                    continue
                seen.add(name)
                if info.file_size > MAX_FILE:
                    self.problems.append(f"{_shown(name)} is larger than {MAX_FILE} bytes: not read")
                    continue
                try:
                    with archive.open(info) as member:
                        self._add(name, member)
                # A damaged member, an encrypted one (RuntimeError), one packed by a method zipfile
                # cannot unpack (NotImplementedError) or cut short (EOFError): a problem of the bundle.
                except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as error:
                    self.problems.append(f"{_shown(name)} cannot be read from the zip ({error})")

    def _folder(self, bundle: Path) -> None:
        top = bundle.resolve()
        for folder, folders, names in os.walk(top, followlinks=False):
            folders.sort()
            for name in sorted(names):
                full = Path(folder) / name
                relative = full.relative_to(top).as_posix()
                try:
                    mode = full.lstat().st_mode
                except OSError as error:
                    self.problems.append(f"{_shown(relative)} cannot be inspected ({error.strerror})")
                    continue
                if not stat.S_ISREG(mode):
                    self.problems.append(f"{_shown(relative)} is not a regular file (a link or a device): not read")
                    continue
                try:
                    with open(full, "rb") as handle:
                        self._add(relative, handle)
                except OSError as error:
                    self.problems.append(f"{_shown(relative)} cannot be read ({error.strerror})")
            for name in list(folders):
                if (Path(folder) / name).is_symlink():
                    self.problems.append(f"{_shown((Path(folder) / name).relative_to(top).as_posix())} is a link")
                    folders.remove(name)


def parse_sums(text: str) -> tuple[dict[str, str], list[str]]:
    """``SHA256SUMS`` lines (GNU format, escaped names too) -> name: digest, and the lines that are not one."""
    found: dict[str, str] = {}
    bad: list[str] = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line:
            continue
        escaped = line.startswith("\\")
        body = line[1:] if escaped else line
        digest, space, name = body.partition(" ")
        if not space or len(digest) != 64 or not name or name[0] not in " *":
            bad.append(f"SHA256SUMS line {number} is not '<sha256>  <file>'")
            continue
        name = name[1:]
        if escaped:
            name = name.replace("\\\\", "\0").replace("\\n", "\n").replace("\\r", "\r").replace("\0", "\\")
        found[name] = digest.lower()
    return found, bad


def verify(bundle: Path, root: Path | None = None, allowed_signers: Path | None = None) -> Verdict:
    """Check a bundle; ``root`` (the evidence repository) also compares it with the recorded commit."""
    contents = _Contents(bundle)
    verdict = Verdict(problems=list(contents.problems))
    present = contents.digests
    sums_text = contents.kept.get(SUMS)
    sums: dict[str, str] = {}
    if sums_text is None:
        verdict.problems.append("there is no SHA256SUMS: this is not a complete bundle")
    else:
        sums, bad = parse_sums(sums_text.decode("utf-8", "replace"))
        verdict.problems += bad
    manifest = _manifest(contents.kept.get(MANIFEST), verdict)
    listed: dict[str, dict[str, Any]] = {}
    for entry in manifest.get("files", []) if isinstance(manifest.get("files"), list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("path"), str):
            listed[entry["path"]] = entry
    for name in sorted(set(sums) | set(listed)):
        found = present.get(name)
        if found is None:
            verdict.missing.append(name)
            continue
        digest, size = found
        verdict.checked += 1
        entry = listed.get(name)
        listed_digest = entry.get("sha256") if entry is not None else None
        if (name in sums and sums[name] != digest) or (
            entry is not None and (listed_digest != digest or entry.get("size") != size)
        ):
            verdict.changed.append(name)
        elif name in sums and entry is not None and sums[name] != listed_digest:
            verdict.problems.append(f"SHA256SUMS and the manifest disagree about {_shown(name)}")
        if name not in sums and name != SUMS:
            verdict.problems.append(f"{_shown(name)} is in the manifest but not in SHA256SUMS")
    for name in sorted(present):
        if name == SUMS:
            continue
        if name not in sums and name not in listed:
            verdict.added.append(name)
        elif name not in listed and name not in (MANIFEST, SIGNATURE):
            verdict.problems.append(f"{_shown(name)} is in SHA256SUMS but not in the manifest")
    withheld = [e for e in manifest.get("files", []) if isinstance(e, dict) and "path" not in e]
    if withheld:
        verdict.notes.append(
            f"{len(withheld)} evidence file(s) are listed in the manifest but not included "
            "(contact details withheld, or unreadable): compared with the repository when run inside it"
        )
    _signature(contents, allowed_signers, verdict)
    if root is not None:
        _repository(manifest, root, verdict)
    return verdict


def _manifest(raw: bytes | None, verdict: Verdict) -> dict[str, Any]:
    if raw is None:
        verdict.problems.append("there is no manifest.json: this is not a complete bundle")
        return {}
    try:
        manifest = json.loads(raw)
    except ValueError as error:
        verdict.problems.append(f"manifest.json is not JSON ({error})")
        return {}
    if not isinstance(manifest, dict):
        verdict.problems.append("manifest.json is not a JSON object")
        return {}
    if manifest.get("format") != FORMAT:
        verdict.problems.append(f"manifest.json is not of the format {FORMAT}: this brm cannot vouch for it")
    return manifest


def _signature(contents: _Contents, allowed_signers: Path | None, verdict: Verdict) -> None:
    from .signing import check

    signature = contents.kept.get(SIGNATURE)
    manifest = contents.kept.get(MANIFEST)
    if allowed_signers is None:
        verdict.signature = (
            "signed, not checked: give --allowed-signers FILE to check the signature"
            if signature is not None
            else "not signed"
        )
        return
    if signature is None or manifest is None:
        verdict.problems.append("the bundle is not signed (no manifest.json.sig), and --allowed-signers asks for it")
        return
    good, sentence = check(manifest, signature, allowed_signers)
    verdict.signature = sentence
    if not good:
        verdict.problems.append(f"the signature does not check: {sentence}")


def _repository(manifest: dict[str, Any], root: Path, verdict: Verdict) -> None:
    """Compare each file the manifest names with the file at the recorded commit."""
    from ..baseline import BaseError, resolve
    from ..boundary import Refused
    from ..gittree import GitTree

    commit = manifest.get("commit")
    sha = commit.get("sha") if isinstance(commit, dict) else None
    if not isinstance(sha, str) or not sha:
        verdict.repository = "not compared with git: the bundle records no commit"
        return
    root = _evidence_root(root, commit.get("folder") if isinstance(commit, dict) else None)
    try:
        base = resolve(root, sha)
    except BaseError as error:
        verdict.repository = f"not compared with git: {str(error).replace('--base', 'the commit')}"
        return
    tree = GitTree(root, base.tree)
    matched, differ, absent = 0, [], []
    try:
        for entry in manifest.get("files", []):
            if not isinstance(entry, dict) or not isinstance(entry.get("source"), str) or "sha256" not in entry:
                continue
            if entry.get("committed") is False:
                continue  # not committed when it was bundled: no commit vouches for it, and the manifest says so
            raw = tree.raw(entry["source"])
            if isinstance(raw, Refused) or not isinstance(raw, bytes):
                absent.append(entry["source"])
            elif hashlib.sha256(raw).hexdigest() != entry["sha256"]:
                differ.append(entry["source"])
            else:
                matched += 1
    finally:
        tree.close()
    short = sha[:12]
    if differ or absent:
        for path in differ:
            verdict.problems.append(f"{_shown(path)} differs from the file at commit {short}")
        for path in absent:
            verdict.problems.append(f"{_shown(path)} is not in commit {short}")
    verdict.repository = f"{matched} evidence file(s) match commit {short}" + (
        f"; {len(differ)} differ, {len(absent)} are not in it" if differ or absent else ""
    )


def _evidence_root(root: Path, folder: object) -> Path:
    """The evidence root the bundle was made of: its folder in the git work tree ``root`` is in, if it is there."""
    if not isinstance(folder, str) or not folder or folder.startswith("/") or ".." in folder.split("/"):
        folder = ""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return root
    top = done.stdout.strip()
    if done.returncode != 0 or not top:
        return root
    found = Path(top) / folder
    return found if found.is_dir() else root


def render(bundle: str, verdict: Verdict) -> str:
    """The verdict as text: every problem, then one line that says whether the bundle is verified."""
    lines = [f"brm verify: {_shown(bundle)}"]
    lines += [f"  changed  {_shown(n)} (its SHA-256 is not the one listed)" for n in verdict.changed]
    lines += [f"  added    {_shown(n)} (listed in neither SHA256SUMS nor the manifest)" for n in verdict.added]
    lines += [f"  missing  {_shown(n)} (listed, not in the bundle)" for n in verdict.missing]
    lines += [f"  problem  {p}" for p in verdict.problems]
    lines += [f"  note     {n}" for n in verdict.notes]
    lines.append(f"  files    {verdict.checked} checked against SHA256SUMS and the manifest")
    if verdict.repository is not None:
        lines.append(f"  git      {verdict.repository}")
    if verdict.signature is not None:
        lines.append(f"  signed   {verdict.signature}")
    if verdict.ok:
        lines.append("verified: every file is as listed")
    else:
        counts = [
            f"{len(verdict.changed)} changed",
            f"{len(verdict.added)} added",
            f"{len(verdict.missing)} missing",
            f"{len(verdict.problems)} other problem(s)",
        ]
        lines.append("NOT VERIFIED: " + ", ".join(counts))
    return "\n".join(lines) + "\n"
