"""How much does the brm plugin add to a MkDocs build? Not a pytest test: run it by hand.

For each size, a synthetic repository (``tests/perf/generate.py``) is built with the
project's own mkdocs.yml (Material, search), four ways:

* **plain**: ``mkdocs build`` without the plugin, of the very same pages written out as
  static Markdown beforehand (same navigation, same theme, same page count);
* **cold**: ``mkdocs build`` with the brm plugin and an empty cache, as a first build on
  a fresh machine (CI) runs: it reads and checks the evidence, asks git for provenance,
  builds every customer's bundle, judges each month end of the report and generates
  every page;
* **warm**: the same build again with the cache the builds before it filled (``mkdocs
  serve``, a second build of the same commit): readings, bundles and month ends are
  kept, every file is still read and hashed;
* **edited**: the build after one more review was changed (``mkdocs serve`` after an
  edit, or CI with the cache the last build of ``main`` left): that file is read afresh,
  and the bundles and month ends are made again.

Each plugin build is compared with the plain one; the target is at most 15% over it for
the warm and the edited builds, by wall time, with the CPU time of the build process
(user + system, steadier on a busy machine) beside it. Every build keeps its bytecode,
as an installed package does. The builds alternate (plain, cold, warm, edited), best
of ``--runs``; every run's figures are printed under the table. brm's cache lives in
the work folder (``XDG_CACHE_HOME=DIR/cache-<size>``, and a new empty folder for each
cold build), never in ``~/.cache``. The plugin's own stages are also timed in-process
(load, rules, git, pages), with the cache empty.

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


def timed_build(config_file: Path, cache: Path | None = None) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one build, in a fresh process as `make site` runs it."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    environment.pop("BRM_AS_OF", None)
    environment.pop("BRM_NO_CACHE", None)
    # As installed: Python keeps the bytecode it compiles (in a folder of the bench's own), for both builds.
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    environment["PYTHONPYCACHEPREFIX"] = str(config_file.parent / "pycache")
    if cache is not None:
        environment["XDG_CACHE_HOME"] = str(cache)
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
    cache = work / f"cache-{size}"
    shutil.rmtree(cache, ignore_errors=True)
    os.environ["XDG_CACHE_HOME"] = str(cache)  # the in-process stages too: an empty cache of the bench's own
    os.environ.pop("BRM_NO_CACHE", None)
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
    timed_build(plugin_config, cache)  # untimed: fills the cache the warm builds find
    # Interleaved, so a slow spell of a busy machine falls on all three alike; best of runs.
    measured: dict[str, list[tuple[float, float]]] = {"plain": [], "cold": [], "warm": [], "edited": []}
    reviews = sorted((evidence / "reviews").rglob("*.md"))
    for number in range(runs):
        measured["plain"].append(timed_build(plain_config, cache))
        empty = Path(tempfile.mkdtemp(prefix=f"cache-{size}-cold-", dir=work))
        try:
            measured["cold"].append(timed_build(plugin_config, empty))
        finally:
            shutil.rmtree(empty, ignore_errors=True)
        measured["warm"].append(timed_build(plugin_config, cache))
        # `mkdocs serve` after an edit, or CI with the cache of the last build: one review changed.
        with reviews[number % len(reviews)].open("a", encoding="utf-8") as handle:
            handle.write("\nEdited for the bench.\n")
        measured["edited"].append(timed_build(plugin_config, cache))
    result: dict[str, Any] = {"size": size, "files": files, "pages": len(pages), "measured": measured, **took}
    for kind, times in measured.items():
        result[kind] = min(w for w, _ in times)
        result[f"{kind}_cpu"] = min(c for _, c in times)
    return result


def overhead(r: dict[str, Any], kind: str) -> tuple[float, float]:
    """What the plugin build ``kind`` adds to the plain build: by wall time, and by CPU time."""
    return (r[kind] - r["plain"]) / r["plain"], (r[f"{kind}_cpu"] - r["plain_cpu"]) / r["plain_cpu"]


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
    header = (f"{'files':>7} {'pages':>7} {'build':>6} {'plain s':>8} {'cpu':>6} {'plugin s':>9} {'cpu':>6} "
              f"{'overhead':>9} {'by cpu':>7}  {'load':>5} {'rules':>5} {'git':>5} {'pages':>5}  "
              f"target: warm, edited <= {TARGET:.0%}")  # fmt: skip
    print(header)
    results = []
    try:
        for size in sizes:
            r = bench(size, work, args.runs, args.years, not args.no_git)
            results.append(r)
            for kind in ("cold", "warm", "edited"):
                wall, cpu = overhead(r, kind)
                verdict = ("met" if wall <= TARGET else "MISSED") if kind != "cold" else "(empty cache)"
                parts = f"{r['load']:>5.1f} {r['rules']:>5.1f} {r['git']:>5.1f} {r['render']:>5.1f}"
                print(
                    f"{r['files']:>7} {r['pages']:>7} {kind:>6} {r['plain']:>8.1f} {r['plain_cpu']:>6.1f} "
                    f"{r[kind]:>9.1f} {r[f'{kind}_cpu']:>6.1f} {wall:>9.1%} {cpu:>7.1%}  "
                    f"{parts if kind == 'cold' else '':>23}  {verdict}",
                    flush=True,
                )
        print("\nEvery run, wall s / cpu s:")
        for r in results:
            for kind, times in r["measured"].items():
                runs = ", ".join(f"{wall:.1f}/{cpu:.1f}" for wall, cpu in times)
                print(f"{r['files']:>7} {kind:>6}: {runs}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
