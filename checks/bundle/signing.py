"""Signing a bundle's manifest with an SSH key, and checking it, with OpenSSH's ``ssh-keygen -Y``.

``brm bundle --sign KEY`` signs ``manifest.json`` (namespace ``brm-bundle``) into
``manifest.json.sig``; the manifest holds the SHA-256 of every other file, so the
signature vouches for the whole bundle. ``brm verify --allowed-signers FILE`` checks it
against an allowed-signers file (``ssh-keygen(1)``, ALLOWED SIGNERS: one line per
principal and public key), offline. KEY may be a private key file, or the public key
of a key held by ``ssh-agent``.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from .build import BundleError

NAMESPACE = "brm-bundle"


def _run(arguments: list[str], data: bytes) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["ssh-keygen", *arguments],
            input=data,
            capture_output=True,
            timeout=120,
            check=False,
            env={**os.environ, "SSH_ASKPASS_REQUIRE": "never"},
        )
    except FileNotFoundError:
        raise BundleError("signing needs ssh-keygen (OpenSSH 8.1 or later): install openssh-client") from None
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BundleError(f"ssh-keygen could not run ({error})") from None


def _said(done: subprocess.CompletedProcess[bytes]) -> str:
    text = (done.stderr or done.stdout).decode("utf-8", "replace").strip()
    return (text.splitlines() or ["no message"])[-1][:200]


def sign(manifest: bytes, key: Path) -> bytes:
    """The SSH signature of ``manifest`` with ``key`` (armoured text), or a one-line BundleError."""
    if not key.is_file():
        raise BundleError(f"--sign: no key file {key}: give an SSH private key (or the public key of an agent's key)")
    done = _run(["-Y", "sign", "-q", "-f", str(key), "-n", NAMESPACE], manifest)
    if done.returncode != 0 or not done.stdout.startswith(b"-----BEGIN SSH SIGNATURE-----"):
        raise BundleError(
            f"--sign: ssh-keygen could not sign with {key} ({_said(done)}); a key with a passphrase needs "
            "ssh-agent: ssh-add the key, then give its .pub file"
        )
    return done.stdout


def check(manifest: bytes, signature: bytes, allowed_signers: Path) -> tuple[bool, str]:
    """Whether ``signature`` is a good ``brm-bundle`` signature of ``manifest`` by an allowed signer, and a sentence."""
    if not allowed_signers.is_file():
        return False, f"no allowed-signers file {allowed_signers}"
    with tempfile.TemporaryDirectory(prefix="brm-verify-") as scratch:
        signature_file = Path(scratch) / "manifest.json.sig"
        signature_file.write_bytes(signature)
        found = _run(["-Y", "find-principals", "-s", str(signature_file), "-f", str(allowed_signers)], b"")
        principals = [p for p in found.stdout.decode("utf-8", "replace").split("\n") if p.strip()]
        if found.returncode != 0 or not principals:
            return False, f"the signature is by no key in {allowed_signers} ({_said(found)})"
        for principal in principals:
            done = _run(
                [
                    "-Y", "verify", "-f", str(allowed_signers), "-I", principal, "-n", NAMESPACE,
                    "-s", str(signature_file),
                ],
                manifest,
            )  # fmt: skip
            if done.returncode == 0:
                return True, f"the manifest is signed by {principal} (namespace {NAMESPACE})"
        return False, f"the signature does not match the manifest ({_said(done)})"
