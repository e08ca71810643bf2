"""Shared by the site tests: a real ``mkdocs build --strict``, and a fixture with planted script.

Not a test module: the build and browser tests import it.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from .conftest import ROOT, dedent, write_repo

AS_OF = "2026-11-23"
PLANTED = "reviews/2026/2026-11-20-retailco-planted.md"
#: Minutes as an attacker would submit them: script, an event handler, a javascript:
#: link, an iframe, a remote image, and a representative's contact details in prose.
PLANTED_MINUTES = dedent(
    """
    ---
    type: performance-review
    customers: [retailco]
    services: [cloud-hosting]
    date: 2026-11-20
    period: "2026-11"
    attendees: [sam-patel, alex-morgan]
    report: https://reports.provider.example/2026-11-retailco.pdf
    kpis:
      - {name: Availability, target: "99.9%", actual: "99.97%", met: true}
    decisions:
      - "<script>window.__pwned = 'front-matter'</script>Keep the maintenance window."
    actions: [ACT-0001]
    next_review: 2026-12-18
    ---
    # Planted minutes

    Sam Patel opened the review.

    <script>window.__pwned = 'script';</script>

    <img src="x" onerror="window.__pwned = 'onerror'">

    <img src="https://tracker.invalid/pixel.png" alt="">

    <a href="javascript:window.__pwned='link'" id="planted-link">a planted link</a>

    <iframe src="https://evil.invalid/"></iframe>

    Write to sam.patel@retailco.example or call +44 20 7946 0101.

    ```
    a code block

    with a blank line and <b>markup</b> *inside*
    ```

    The minutes end here.
    """
)


def planted_repository(root: Path) -> Path:
    """The small fixture repository of conftest, plus the planted minutes."""
    return write_repo(root, {PLANTED: PLANTED_MINUTES})


def mkdocs_config(root: Path, destination: Path, **options: Any) -> dict[str, Any]:
    """The project's own mkdocs.yml, pointed at another evidence root and site folder."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str((ROOT / config["docs_dir"]).resolve())
    config["site_dir"] = str(destination)
    plugins = []
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "brm" in plugin:
            plugin = {"brm": {**(plugin["brm"] or {}), "root": str(root), "as_of": AS_OF, **options}}
        plugins.append(plugin)
    config["plugins"] = plugins
    return config


def build(config_dir: Path, root: Path, destination: Path, **options: Any) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``root`` into ``destination``, in a subprocess like `make site`."""
    config_dir.mkdir(parents=True, exist_ok=True)
    config_file = config_dir / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(mkdocs_config(root, destination, **options)), encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if k != "BRM_AS_OF"}
    environment["NO_MKDOCS_2_WARNING"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config_file)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )


def build_example(destination: Path) -> subprocess.CompletedProcess[str]:
    """The bundled example, with the repository's mkdocs.yml as it is."""
    environment = {**os.environ, "BRM_AS_OF": AS_OF, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(destination)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve a built site on 127.0.0.1 from a thread; yields its base URL."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
