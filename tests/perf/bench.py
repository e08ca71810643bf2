"""Benchmark `brm check` against the cost of merely parsing the evidence, and against check-jsonschema.

    python -m tests.perf.bench [--sizes 1000,10000] [--keep DIR] [--runs 3] [--latency-only]

For each size, a synthetic repository of about that many evidence files is generated
(tests/perf/generate.py), then three things are timed, each as a fresh subprocess,
best of ``--runs``:

- check: ``brm check ROOT --as-of 2026-11-23 --format json --output /dev/null``,
  with its peak resident memory (ru_maxrss of that one child, from os.wait4);
- parse floor: a ``python -c`` script that only loads every YAML file and every
  Markdown front-matter with PyYAML's C loader (interpreter start-up included);
- check-jsonschema over the YAML registers with the schemas ``brm schema --export``
  writes, one invocation per register (the Markdown front-matter it cannot read).

Then the cache and ``--base`` (issue 10), each against the parse floor, with the peak
memory of each: a cold check (an empty cache), a warm one (nothing changed), one after
editing one file, and ``--base HEAD`` with one changed file (the repository is made a
git repository with one commit): the first such run against that commit, and the runs
after it. Last, the latency the pre-commit hook pays on a small repository: ``brm
check`` on a copy of the bundled example, with and without ``--base HEAD``, against
``python -c "import yaml"`` (the median of 10 each, wall and CPU time), with the
bytecode Python compiles kept as an installed package's is (and, when
PYTHONDONTWRITEBYTECODE is set where the benchmark runs, again as it leaves it). Every
brm process uses a cache folder of the benchmark's own (never ``~/.cache``).

The numbers are printed as a table with the targets beside them, then the exact
commands. Missing targets are reported, not failed: the exit status is 0 unless a
tool is missing or crashes.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.perf.generate import AS_OF, customers_for, generate

BIN = Path(sys.executable).parent
BRM = BIN / "brm"
CHECK_JSONSCHEMA = BIN / "check-jsonschema"

#: Targets printed beside the numbers.
FLOOR_RATIO_TARGET = 1.5
PEAK_MB_TARGET = 300
COLD_TARGET = 1.15  # a check with an empty cache: no slower than before the cache (1.03-1.15x the floor)
WARM_TARGET = 0.15  # nothing changed
BASE_TARGET = 0.3  # --base HEAD with one changed file, warm cache
LATENCY_TARGET = 0.15  # seconds above `python -c "import yaml"` on the bundled example
BASE_LATENCY_TARGET = 0.3  # the same with --base HEAD
LATENCY_RUNS = 10
#: The bundled example's evidence folders (this repository's own), copied for the latency runs.
EXAMPLE = ("registers", "reviews", "surveys", "procedures")
CJS_TARGET_FROM = 10_000  # "check faster than check-jsonschema" is judged from this size up

#: Register name (file stem or folder under registers/) -> schema type, as in FORMAT.md's layout.
REGISTER_TYPES = {
    "people": "person",
    "services": "service",
    "customers": "customer",
    "requirements": "requirements",
    "actions": "action",
    "complaints": "complaint",
    "waivers": "waiver",
}

#: The parse floor: read every YAML file and every Markdown front-matter, build nothing else.
PARSE_FLOOR = """\
import os, sys, yaml
loader = yaml.CSafeLoader
count = 0
for folder, dirs, names in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(names):
        path = os.path.join(folder, name)
        if name.endswith((".yaml", ".yml")):
            with open(path, encoding="utf-8") as handle:
                yaml.load(handle.read(), Loader=loader)
            count += 1
        elif name.endswith(".md"):
            with open(path, encoding="utf-8") as handle:
                lines = handle.read().split("\\n")
            if lines[0].rstrip() == "---":
                for end in range(1, len(lines)):
                    if lines[end].rstrip() == "---":
                        yaml.load("\\n".join(lines[1:end]), Loader=loader)
                        count += 1
                        break
print(count, "documents parsed")
"""


class BenchError(Exception):
    """A tool is missing or failed: the benchmark cannot produce a number."""


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system: steadier than wall time on a busy machine
    peak_mb: float
    exit_code: int
    stdout: str
    stderr: str


@dataclass
class Measure:
    """Best wall time over several runs, and the highest peak memory seen."""

    command: str
    runs: list[Run] = field(default_factory=list)

    @property
    def best(self) -> float:
        return min(run.seconds for run in self.runs)

    @property
    def best_cpu(self) -> float:
        return min(run.cpu_seconds for run in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(run.peak_mb for run in self.runs)


@dataclass
class Result:
    size: int
    root: Path
    files: int
    customers: int
    generate_seconds: float
    check: Measure
    first: Measure  # with an empty cache, as the first run on a new machine
    findings: str
    floor: Measure
    cjs: Measure | None
    cjs_files: int
    cjs_note: str
    commands: list[str]
    cache: dict[str, Measure] = field(default_factory=dict)  # cold, warm, edited, base-first, base


def _maxrss_mb(rusage_maxrss: int) -> float:
    # Linux reports kilobytes, macOS bytes.
    return rusage_maxrss / (1024 * 1024) if sys.platform == "darwin" else rusage_maxrss / 1024


def timed(args: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run ``args`` once as a fresh process: wall time and that child's own peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        try:
            process = subprocess.Popen(list(args), stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd, env=env)
        except OSError as error:
            raise BenchError(f"cannot run {args[0]}: {error.strerror}") from None
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
            process.returncode = code = os.waitstatus_to_exitcode(status)
            peak = _maxrss_mb(usage.ru_maxrss)
            cpu = usage.ru_utime + usage.ru_stime
        else:  # pragma: no cover - no wait4: the largest child so far is the best we can say
            import resource

            code = process.wait()
            seconds = time.perf_counter() - started
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            peak, cpu = _maxrss_mb(children.ru_maxrss), float("nan")
        out.seek(0)
        err.seek(0)
        return Run(seconds, cpu, peak, code, out.read().decode(errors="replace"), err.read().decode(errors="replace"))


def _tail(text: str, lines: int = 12) -> str:
    return "\n".join("    " + line for line in text.strip().splitlines()[-lines:])


def require_tools() -> None:
    if not BRM.exists():
        raise BenchError(
            f"`brm` not found at {BRM}.\n"
            "  The benchmark runs the brm console script installed next to this Python.\n"
            "  Install the project first: `make dev` (or `python -m pip install -e '.[dev]'`), "
            "then run `.venv/bin/python -m tests.perf.bench`."
        )


def export_schemas(directory: Path) -> None:
    run = timed([str(BRM), "schema", "--export", str(directory)])
    if run.exit_code != 0 or not any(directory.glob("*.schema.json")):
        raise BenchError(f"`brm schema --export {directory}` failed (exit {run.exit_code}):\n{_tail(run.stderr)}")


def register_groups(root: Path) -> dict[str, list[str]]:
    """YAML register files per schema type, relative to ``root``, in a stable order."""
    groups: dict[str, list[str]] = {}
    for register, type_name in REGISTER_TYPES.items():
        files = [f"registers/{register}{suffix}" for suffix in (".yaml", ".yml")]
        found = [f for f in files if (root / f).is_file()]
        folder = root / "registers" / register
        if folder.is_dir():
            found += sorted(p.relative_to(root).as_posix() for p in folder.rglob("*") if p.suffix in (".yaml", ".yml"))
        if found:
            groups[type_name] = found
    return groups


def shown_files(root: Path, files: list[str]) -> list[str]:
    """The file arguments as a shell would write them: a folder's `*.yaml` when it is exactly that."""
    shown: list[str] = []
    by_folder: dict[str, list[str]] = {}
    for f in files:
        by_folder.setdefault(f.rsplit("/", 1)[0], []).append(f)
    for folder, members in by_folder.items():
        everything = sorted(p.relative_to(root).as_posix() for p in (root / folder).glob("*.yaml"))
        if len(members) > 1 and sorted(members) == everything:
            shown.append(f"{folder}/*.yaml")
        else:
            shown += [shlex.quote(m) for m in members]
    return shown


def measure_check(root: Path, runs: int, report: Path) -> tuple[Measure, str, str]:
    """Best-of-``runs`` wall time and peak RSS of brm check; and the findings of one untimed run.

    Each run has a cache of compiled validators and holiday calendars but no readings or
    kept findings (``BRM_NO_CACHE`` would drop the validators too): it reads and judges
    every file, as before the parse cache.
    """
    as_of = AS_OF.isoformat()
    untimed = [str(BRM), "check", str(root), "--as-of", as_of, "--format", "json", "--output", str(report)]
    # The untimed run keeps the findings, and fails loudly if brm cannot check at all.
    cache = report.with_name(report.stem + "-cache")
    first = timed(untimed, env={**os.environ, "XDG_CACHE_HOME": str(cache)})
    if first.exit_code not in (0, 1):
        raise BenchError(f"`brm check` exited {first.exit_code} on {root}:\n{_tail(first.stderr)}")
    try:
        summary = json.loads(report.read_text(encoding="utf-8"))["summary"]
        findings = f"{summary.get('errors', 0)}E/{summary.get('warnings', 0)}W"
    except (OSError, ValueError, KeyError, TypeError):
        findings = "unreadable"
    command = [str(BRM), "check", str(root), "--as-of", as_of, "--format", "json", "--output", os.devnull]
    measure = Measure("XDG_CACHE_HOME=CACHE " + shlex.join(command) + "   # readings and findings dropped first")
    for _ in range(runs):
        for kept in (cache / "brm-evidence").glob("entries-*"):
            kept.unlink()
        run = timed(command, env={**os.environ, "XDG_CACHE_HOME": str(cache)})
        if run.exit_code not in (0, 1):
            raise BenchError(f"`brm check` exited {run.exit_code} on {root}:\n{_tail(run.stderr)}")
        measure.runs.append(run)
    return measure, findings, shlex.join(untimed)


def measure_floor(root: Path, runs: int) -> Measure:
    command = [sys.executable, "-c", PARSE_FLOOR, str(root)]
    measure = Measure(shlex.join(command))
    for _ in range(runs):
        run = timed(command)
        if run.exit_code != 0:
            raise BenchError(f"the parse-floor script failed (exit {run.exit_code}):\n{_tail(run.stderr)}")
        measure.runs.append(run)
    return measure


def measure_cjs(root: Path, runs: int, schemas: Path) -> tuple[Measure | None, int, str]:
    """check-jsonschema over the YAML registers: the sum of one invocation per register, best of ``runs``."""
    if not CHECK_JSONSCHEMA.exists():
        return None, 0, f"check-jsonschema not installed at {CHECK_JSONSCHEMA} (python -m pip install check-jsonschema)"
    groups = register_groups(root)
    commands = []
    shown = []
    for type_name, files in groups.items():
        schema = schemas / f"{type_name}.schema.json"
        commands.append([str(CHECK_JSONSCHEMA), "--schemafile", str(schema), *files])
        shown.append(
            f"(cd {shlex.quote(str(root))} && "
            + shlex.join([str(CHECK_JSONSCHEMA), "--schemafile", str(schema)])
            + " "
            + " ".join(shown_files(root, files))
            + ")"
        )
    measure = Measure("\n".join(shown))
    invalid: list[str] = []
    for attempt in range(runs):
        total, cpu, peak = 0.0, 0.0, 0.0
        for type_name, command in zip(groups, commands, strict=True):
            run = timed(command, cwd=root)
            if run.exit_code not in (0, 1):
                raise BenchError(f"check-jsonschema exited {run.exit_code} on {type_name}:\n{_tail(run.stderr)}")
            if run.exit_code == 1 and attempt == 0:
                invalid.append(f"  {type_name}: check-jsonschema reports invalid files:\n{_tail(run.stdout)}")
            total += run.seconds
            cpu += run.cpu_seconds
            peak = max(peak, run.peak_mb)
        measure.runs.append(Run(total, cpu, peak, 0, "", ""))
    return measure, sum(len(f) for f in groups.values()), "\n".join(invalid)


def _git(root: Path, *args: str) -> None:
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@provider.example",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@provider.example",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    done = subprocess.run(["git", *args], cwd=root, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"git {' '.join(args)} failed in {root}:\n{_tail(done.stderr)}")


def _edit(path: Path, mark: str) -> None:
    """One changed file: a line added to a review's minutes (evidence, still valid)."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\nMinutes amended ({mark}).\n")


def _timed_check(command: list[str], cache: Path, root: Path) -> Run:
    run = timed(command, env={**os.environ, "XDG_CACHE_HOME": str(cache)})
    if run.exit_code not in (0, 1):
        raise BenchError(f"`{shlex.join(command)}` exited {run.exit_code} on {root}:\n{_tail(run.stderr)}")
    return run


def measure_cache(root: Path, runs: int, cache: Path) -> dict[str, Measure]:
    """Cold, warm, after one edit, and --base HEAD with one changed file, in one cache folder of their own.

    The repository is committed first (untimed): HEAD is the generated evidence. Each
    "edited" and "base" run first changes one more review (a line added to its minutes),
    so every one of them meets exactly one file the cache has not seen.
    """
    as_of = AS_OF.isoformat()
    command = [str(BRM), "check", str(root), "--as-of", as_of, "--format", "json", "--output", os.devnull]
    shown = "XDG_CACHE_HOME=CACHE " + shlex.join(command)
    _git(root, "init", "--quiet", "--initial-branch=main")
    _git(root, "add", "--all")
    _git(root, "commit", "--quiet", "--no-verify", "--message", "generated evidence")
    reviews = sorted((root / "reviews").rglob("*.md"))
    edits = iter(reviews)
    measures = {
        "cold": Measure("XDG_CACHE_HOME=$(mktemp -d) " + shlex.join(command)),
        "warm": Measure(shown + "   # again, nothing changed"),
        "edited": Measure(shown + "   # after appending a line to one review"),
        "base-first": Measure(shown + " --base HEAD   # one review changed; the first check against HEAD"),
        "base": Measure(shown + " --base HEAD   # one more review changed; HEAD judged before"),
    }
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="brm-empty-cache-") as empty:
            measures["cold"].runs.append(_timed_check(command, Path(empty), root))
    _timed_check(command, cache, root)  # fills the cache
    for _ in range(runs):
        measures["warm"].runs.append(_timed_check(command, cache, root))
    for index in range(runs):
        _edit(next(edits), f"edit {index}")
        measures["edited"].runs.append(_timed_check(command, cache, root))
    _edit(next(edits), "first --base")
    measures["base-first"].runs.append(_timed_check([*command, "--base", "HEAD"], cache, root))
    for index in range(runs):
        _edit(next(edits), f"base {index}")
        measures["base"].runs.append(_timed_check([*command, "--base", "HEAD"], cache, root))
    return measures


@dataclass
class Latency:
    """Median wall and CPU times on a small repository, in seconds: (wall, cpu) each."""

    python: tuple[float, float]
    check: tuple[float, float]
    base: tuple[float, float]
    commands: list[str]
    bytecode: str  # how the interpreter found brm's bytecode


def _median(command: list[str], environment: dict[str, str]) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(LATENCY_RUNS):
        run = timed(command, env=environment)
        if run.exit_code not in (0, 1):
            raise BenchError(f"`{shlex.join(command)}` exited {run.exit_code}:\n{_tail(run.stderr)}")
        walls.append(run.seconds)
        cpus.append(run.cpu_seconds)
    return statistics.median(walls), statistics.median(cpus)


def installed_environment(base: Path) -> dict[str, str]:
    """The environment as an installed hook runs in: Python keeps the bytecode it compiles.

    pip compiles a package's bytecode when it installs it (pre-commit's environment
    included); a PYTHONDONTWRITEBYTECODE set where the benchmark runs would make every
    run compile brm again. The bytecode goes to a folder of the benchmark's own.
    """
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    environment["PYTHONPYCACHEPREFIX"] = str(base / "pycache")
    return environment


def measure_latency(base: Path, environment: dict[str, str], bytecode: str) -> Latency:
    """What the pre-commit hook pays on every commit: the bundled example, a committed git repository."""
    root, cache = base / "example", base / "example-cache"
    if not root.exists():
        repository = Path(__file__).resolve().parents[2]
        for name in EXAMPLE:
            shutil.copytree(repository / name, root / name)
        _git(root, "init", "--quiet", "--initial-branch=main")
        _git(root, "add", "--all")
        _git(root, "commit", "--quiet", "--no-verify", "--message", "example")
    python = [sys.executable, "-c", "import yaml"]
    check = [str(BRM), "check", str(root), "--as-of", AS_OF.isoformat()]
    cached = {**environment, "XDG_CACHE_HOME": str(cache)}
    _median(python, environment)  # the first runs fill the caches, as the hook's earlier commits did
    _median(check, cached)
    _median([*check, "--base", "HEAD"], cached)
    return Latency(
        _median(python, environment),
        _median(check, cached),
        _median([*check, "--base", "HEAD"], cached),
        [shlex.join(python), "XDG_CACHE_HOME=CACHE " + shlex.join(check), "... --base HEAD"],
        bytecode,
    )


def bench_size(size: int, years: int, runs: int, seed: int, base: Path, schemas: Path) -> Result:
    root = base / f"files-{size}"
    if root.exists() and any(root.iterdir()):
        raise BenchError(f"{root} is not empty: choose another --keep folder or empty it")
    customers = customers_for(size, years)
    print(f"[{size}] generating {customers} customers x {years} years into {root} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    files = generate(root, customers, years, seed)
    generate_seconds = time.perf_counter() - started
    print(f"[{size}] brm check x{runs + 1} ...", file=sys.stderr, flush=True)
    check, findings, untimed = measure_check(root, runs, base / f"findings-{size}.json")
    print(f"[{size}] parse floor x{runs} ...", file=sys.stderr, flush=True)
    floor = measure_floor(root, runs)
    print(f"[{size}] check-jsonschema x{runs} ...", file=sys.stderr, flush=True)
    cjs, cjs_files, cjs_note = measure_cjs(root, runs, schemas)
    # Last: it makes ROOT a git repository (the floor's walk would read .git) and edits reviews.
    print(f"[{size}] the cache and --base: cold x{runs}, warm, edited, --base HEAD ...", file=sys.stderr, flush=True)
    cache = measure_cache(root, runs, base / f"cache-{size}")
    first = cache["cold"]  # with an empty cache each run, as the first run on a new machine
    commands = [
        f"generate: {shlex.join([sys.executable, '-m', 'tests.perf.generate', os.fspath(root)])} "
        f"--customers {customers} --years {years} --seed {seed}",
        f"findings (untimed): {untimed}",
        f"check (timed): {check.command}",
        f"parse floor (timed): {floor.command}",
    ]
    if cjs is not None:
        commands.append("check-jsonschema (timed, the sum of):\n  " + cjs.command.replace("\n", "\n  "))
    commands += [f"{name} (timed): {measure.command}" for name, measure in cache.items()]
    return Result(
        size,
        root,
        files,
        customers,
        generate_seconds,
        check,
        first,
        findings,
        floor,
        cjs,
        cjs_files,
        cjs_note,
        commands,
        cache,
    )


def _ratio(a: float, b: float | None) -> str:
    return "n/a" if not b else f"{a / b:.2f}x"


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def report(results: list[Result], runs: int) -> None:
    header = (
        "size",
        "files",
        "gen s",
        "check s",
        "check cpu",
        "check MB",
        "empty-cache s",
        "findings",
        "floor s",
        "cjs s",
        "cjs files",
        "check/floor",
        "check/cjs",
    )
    rows = []
    for r in results:
        rows.append(
            (
                str(r.size),
                str(r.files),
                f"{r.generate_seconds:.1f}",
                f"{r.check.best:.2f}",
                f"{r.check.best_cpu:.2f}",
                f"{r.check.peak_mb:.0f}",
                f"{r.first.best:.2f}",
                r.findings,
                f"{r.floor.best:.2f}",
                f"{r.cjs.best:.2f}" if r.cjs else "n/a",
                f"{r.cjs_files}/{r.files}" if r.cjs else "n/a",
                _ratio(r.check.best, r.floor.best),
                _ratio(r.check.best, r.cjs.best if r.cjs else None),
            )
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    print()
    print(f"brm check benchmark, as of {AS_OF.isoformat()}; times are the best of {runs} fresh processes")
    print()
    print("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
    print()
    print('check-jsonschema (cjs) validates the YAML registers only ("cjs files" of all files): it cannot')
    print("read Markdown front-matter, and it runs no cross-file rules; brm check reads every file and runs")
    print('every rule. "findings" is errors/warnings of brm check on the generated repository. "check" runs')
    print("with brm's cache of compiled validators and holiday calendars in place but no readings or kept")
    print('findings (every file read and judged, as before the parse cache); "empty-cache" is the first run')
    print("on a machine (the cache is rebuilt in a new empty folder).")
    print()
    print("Targets:")
    for r in results:
        ratio = r.check.best / r.floor.best
        cpu_ratio = r.check.best_cpu / r.floor.best_cpu if r.floor.best_cpu else float("nan")
        print(
            f"  [{r.size}] check <= {FLOOR_RATIO_TARGET}x parse floor: {ratio:.2f}x  "
            f"{_verdict(ratio <= FLOOR_RATIO_TARGET)}  (by CPU time: {cpu_ratio:.2f}x; "
            f"first run, empty cache: {r.first.best / r.floor.best:.2f}x)"
        )
        if r.cjs is None:
            print(f"  [{r.size}] check faster than check-jsonschema: n/a ({r.cjs_note})")
        elif r.size >= CJS_TARGET_FROM:
            print(
                f"  [{r.size}] check faster than check-jsonschema: {r.check.best:.2f} s vs {r.cjs.best:.2f} s  "
                f"{_verdict(r.check.best < r.cjs.best)}"
            )
        else:
            print(
                f"  [{r.size}] check vs check-jsonschema: {r.check.best:.2f} s vs {r.cjs.best:.2f} s  "
                f"(judged from {CJS_TARGET_FROM} files up)"
            )
        print(
            f"  [{r.size}] check peak < {PEAK_MB_TARGET} MB: {r.check.peak_mb:.0f} MB  "
            f"{_verdict(r.check.peak_mb < PEAK_MB_TARGET)}"
        )
        if r.cjs_note and r.cjs is not None:
            print(r.cjs_note)
    report_cache(results)
    print()
    print("Commands:")
    for r in results:
        print(f"  [{r.size}] repository: {r.root}")
        for command in r.commands:
            print("    " + command.replace("\n", "\n    "))


_CACHE_COLUMNS = (
    ("cold", "cold (empty cache)"),
    ("warm", "warm (nothing changed)"),
    ("edited", "warm, one file edited"),
    ("base-first", "--base HEAD, first against HEAD"),
    ("base", "--base HEAD, one change"),
)


def report_cache(results: list[Result]) -> None:
    """The cache and --base: CPU seconds (best run), the ratio to the parse floor's CPU time, and peak MB."""
    print()
    print("The cache and --base (CPU seconds of the best run, x the parse floor's CPU time, peak MB of all runs):")
    print()
    header = ["size", "floor cpu", *(title for _, title in _CACHE_COLUMNS)]
    rows = []
    for r in results:
        floor = r.floor.best_cpu
        cells = [str(r.size), f"{floor:.2f}"]
        for name, _ in _CACHE_COLUMNS:
            measure = r.cache[name]
            cells.append(f"{measure.best_cpu:.2f} {measure.best_cpu / floor:.2f}x {measure.peak_mb:.0f}MB")
        rows.append(cells)
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    print("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
    print()
    print("Targets (by CPU time):")
    for r in results:
        floor = r.floor.best_cpu
        for name, target in (("cold", COLD_TARGET), ("warm", WARM_TARGET), ("base", BASE_TARGET)):
            ratio = r.cache[name].best_cpu / floor
            print(f"  [{r.size}] {name} <= {target}x parse floor: {ratio:.2f}x  {_verdict(ratio <= target)}")
        peak = max(m.peak_mb for m in r.cache.values())
        print(f"  [{r.size}] peak of these < {PEAK_MB_TARGET} MB: {peak:.0f} MB  {_verdict(peak < PEAK_MB_TARGET)}")


def report_latency(latency: Latency) -> None:
    (python, python_cpu), (check, check_cpu), (base, base_cpu) = latency.python, latency.check, latency.base
    print()
    print(f"Small repository (the bundled example), median of {LATENCY_RUNS} runs, {latency.bytecode}:")
    print(f"  python -c 'import yaml': {python:.3f} s wall, {python_cpu:.3f} s CPU")
    for name, (wall, cpu), target in (
        ("brm check:            ", (check, check_cpu), LATENCY_TARGET),
        ("brm check --base HEAD:", (base, base_cpu), BASE_LATENCY_TARGET),
    ):
        above, above_cpu = wall - python, cpu - python_cpu
        print(
            f"  {name}   {wall:.3f} s wall (+{above:.3f} s), {cpu:.3f} s CPU (+{above_cpu:.3f} s); "
            f"target +{target} s: wall {_verdict(above <= target)}, CPU {_verdict(above_cpu <= target)}"
        )
    for command in latency.commands:
        print("    " + command)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1000,10000", help="approximate evidence files per repository (default: 1000,10000)"
    )
    parser.add_argument(
        "--keep", type=Path, help="generate into DIR/files-<size> and keep it (default: a temporary folder)"
    )
    parser.add_argument("--runs", type=int, default=3, help="timed runs per measurement; the best counts (default: 3)")
    parser.add_argument("--years", type=int, default=2, help="years of history per repository (default: 2)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default: 0)")
    parser.add_argument(
        "--latency-only", action="store_true", help="only the small-repository latency (no generated repositories)"
    )
    args = parser.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes takes comma-separated numbers, not {args.sizes!r}")
    if not sizes or min(sizes) < 1 or args.runs < 1 or args.years < 1:
        parser.error("--sizes, --runs and --years must be positive")
    try:
        require_tools()
        with tempfile.TemporaryDirectory(prefix="brm-bench-") as temporary:
            base = args.keep.resolve() if args.keep else Path(temporary)
            base.mkdir(parents=True, exist_ok=True)
            schemas = base / "schemas"
            schemas.mkdir(exist_ok=True)
            export_schemas(schemas)
            sizes = [] if args.latency_only else sizes
            results = [bench_size(size, args.years, args.runs, args.seed, base, schemas) for size in sizes]
            print("[latency] the bundled example ...", file=sys.stderr, flush=True)
            latencies = [measure_latency(base, installed_environment(base), "bytecode kept, as installed")]
            if os.environ.get("PYTHONDONTWRITEBYTECODE"):
                latencies.append(
                    measure_latency(base, dict(os.environ), "PYTHONDONTWRITEBYTECODE set: compiled each run")
                )
            if results:
                report(results, args.runs)
            for latency in latencies:
                report_latency(latency)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
