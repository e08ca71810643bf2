"""How much does the brm plugin add to a MkDocs build? Not a pytest test: run it by hand.

For each size, a synthetic repository (``tests/perf/generate.py``) is built twice with
the project's own mkdocs.yml (Material, search):

* **plugin**: ``mkdocs build`` with the brm plugin, which reads and checks the evidence,
  asks git for provenance, and generates every page;
* **plain**: ``mkdocs build`` without the plugin, of the very same pages written out as
  static Markdown beforehand (same navigation, same theme, same page count).

The difference is what the plugin costs; the target is at most 15% over the plain
build (judged by wall time; the CPU time of the build process, steadier on a busy
machine, is shown beside it). The builds alternate, plain then plugin, best of
``--runs``. The plugin's own stages are also timed in-process (load, rules, git, pages).

    .venv/bin/python -m tests.perf.site_bench                     # 1000 and 10000 files
    .venv/bin/python -m tests.perf.site_bench --sizes 1000 --runs 3 --keep /tmp/site-bench
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from checks.load import load
from checks.rules import run
from checks.site.pages import Evidence, Site
from checks.site.provenance import read_history

from ..site_support import project_config
from .generate import AS_OF, customers_for, generate

ROOT = Path(__file__).resolve().parents[2]
TARGET = 0.15


def config(docs_dir: Path, site_dir: Path, evidence: Path | None, nav: list[Any] | None) -> dict[str, Any]:
    """The project's mkdocs.yml, with or without the brm plugin."""
    settings = project_config()  # mkdocs.yml, its `!ENV` site_url unset
    settings["docs_dir"] = str(docs_dir)
    settings["site_dir"] = str(site_dir)
    plugins = []
    for plugin in settings["plugins"]:
        if isinstance(plugin, dict) and "brm" in plugin:
            if evidence is None:
                continue
            plugin = {"brm": {**(plugin["brm"] or {}), "root": str(evidence), "as_of": AS_OF.isoformat()}}
        plugins.append(plugin)
    settings["plugins"] = plugins
    if nav is not None:
        settings["nav"] = nav
        settings["not_in_nav"] = "*"  # as the plugin marks the pages its index pages list
    return settings


def timed_build(config_file: Path) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one build, in a fresh process as `make site` runs it."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    environment.pop("BRM_AS_OF", None)
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--config-file", str(config_file)]
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=environment)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise SystemExit(f"mkdocs build failed ({config_file}):\n{err.read().decode(errors='replace')[-3000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


def commit_all(root: Path) -> None:
    """Put the generated repository under git, so provenance has a history to read."""
    environment = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "PATH": os.environ["PATH"],
                   "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
                   "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}  # fmt: skip
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "synthetic evidence"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=environment)


def stages(evidence: Path, as_of: date) -> tuple[dict[str, float], Site]:
    """The plugin's work, stage by stage, in this process."""
    took: dict[str, float] = {}
    started = time.perf_counter()
    loaded = load(evidence)
    took["load"] = time.perf_counter() - started
    started = time.perf_counter()
    findings = run(loaded, as_of)
    took["rules"] = time.perf_counter() - started
    started = time.perf_counter()
    history = read_history(evidence)
    took["git"] = time.perf_counter() - started
    started = time.perf_counter()
    site = Site(Evidence(loaded, findings, as_of, history=history))
    site.pages()
    site.calendar_ics()
    site.navigation()
    took["render"] = time.perf_counter() - started
    return took, site


def bench(size: int, work: Path, runs: int, years: int, git: bool) -> dict[str, Any]:
    evidence = work / f"files-{size}"
    if evidence.exists():
        shutil.rmtree(evidence)
    files = generate(evidence, customers_for(size, years), years)
    if git:
        commit_all(evidence)
    took, site = stages(evidence, AS_OF)
    pages = site.pages()

    plain_docs = work / f"plain-docs-{size}"
    if plain_docs.exists():
        shutil.rmtree(plain_docs)
    shutil.copytree(ROOT / "checks/site/docs", plain_docs)
    for path, content in pages.items():
        target = plain_docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    (plain_docs / "calendar.ics").write_bytes(site.calendar_ics())

    plugin_config = work / f"mkdocs-plugin-{size}.yml"
    plain_config = work / f"mkdocs-plain-{size}.yml"
    plugin_config.write_text(
        yaml.safe_dump(config(ROOT / "checks/site/docs", work / f"site-plugin-{size}", evidence, None)), "utf-8"
    )
    plain_config.write_text(
        yaml.safe_dump(config(plain_docs, work / f"site-plain-{size}", None, site.navigation())), "utf-8"
    )
    # Interleaved, so a slow spell of a busy machine falls on both builds alike; best of runs.
    plain, plugin = [], []
    for _ in range(runs):
        plain.append(timed_build(plain_config))
        plugin.append(timed_build(plugin_config))
    return {
        "size": size,
        "files": files,
        "pages": len(pages),
        "plain": min(w for w, _ in plain),
        "plugin": min(w for w, _ in plugin),
        "plain_cpu": min(c for _, c in plain),
        "plugin_cpu": min(c for _, c in plugin),
        **took,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.site_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="evidence files per repository (default: 1000,10000)")
    parser.add_argument("--runs", type=int, default=1, help="builds per measurement; the best counts (default: 1)")
    parser.add_argument("--years", type=int, default=2, help="years of history per customer (default: 2)")
    parser.add_argument("--no-git", action="store_true", help="do not commit the generated repository to git")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary folder)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    work = args.keep or Path(tempfile.mkdtemp(prefix="brm-site-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"mkdocs build --strict, best of {args.runs}; git history: {'no' if args.no_git else 'yes'}; in {work}")
    header = (f"{'files':>7} {'pages':>7} {'plain s':>9} {'plugin s':>9} {'overhead':>9} {'by cpu':>8}  "
              f"{'load':>6} {'rules':>6} {'git':>6} {'pages':>6}  target <= {TARGET:.0%}")  # fmt: skip
    print(header)
    try:
        for size in sizes:
            r = bench(size, work, args.runs, args.years, not args.no_git)
            overhead = (r["plugin"] - r["plain"]) / r["plain"]
            by_cpu = (r["plugin_cpu"] - r["plain_cpu"]) / r["plain_cpu"]
            verdict = "met" if overhead <= TARGET else "MISSED"
            print(
                f"{r['files']:>7} {r['pages']:>7} {r['plain']:>9.1f} {r['plugin']:>9.1f} "
                f"{overhead:>9.1%} {by_cpu:>8.1%}  "
                f"{r['load']:>6.1f} {r['rules']:>6.1f} {r['git']:>6.1f} {r['render']:>6.1f}  {verdict}",
                flush=True,
            )
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
