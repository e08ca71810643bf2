"""The README's walkthrough works as written, on a copy of the bundled example."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

from .conftest import BRM, ROOT, brm

EVIDENCE = ("registers", "reviews", "surveys", "procedures", ".vscode")


def _section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"### {title}\n")
    end = text.index("\n### ", start + 1)
    return text[start:end]


def _commands(section: str) -> list[list[str]]:
    blocks = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    commands = []
    for block in blocks:
        joined = re.sub(r"\\\n\s*", " ", block.strip())
        for line in joined.splitlines():
            words = shlex.split(line, comments=True)
            if words:
                commands.append(words)
    return commands


def test_submitting_review_minutes_walkthrough(tmp_path: Path) -> None:
    root = tmp_path / "evidence"
    for name in EVIDENCE:
        shutil.copytree(ROOT / name, root / name)
    commands = _commands(_section("Submitting review minutes"))
    assert [c[:3] for c in commands] == [[".venv/bin/brm", "new", "review"], [".venv/bin/brm", "new", "action"]]
    env = {"BRM_AS_OF": "2026-11-27"}
    written = []
    for command in commands:
        result = subprocess.run(
            [str(BRM), *command[1:]], cwd=root, capture_output=True, text=True, timeout=60, input="",
            env={**_environment(), **env},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        written.append(result.stdout.split("wrote ", 1)[1].split()[0])
    minutes, action = (root / w for w in written)
    assert minutes.name == "2026-11-27-retailco.md"
    action_id = action.stem
    assert re.fullmatch(r"ACT-\d{4}", action_id)
    # Step 4: the id goes into the minutes' actions list and a task line.
    text = minutes.read_text(encoding="utf-8")
    text = text.replace("actions: [", f"actions: [{action_id}, ", 1)
    text += f"- [ ] {action_id} Send the November capacity report (jordan-lee, due 2026-12-15)\n"
    minutes.write_text(text, encoding="utf-8")
    # Step 5: the check is clean of errors.
    result = brm("check", str(root), "--format", "json", env=env)
    assert result.returncode == 0, result.stdout


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("BRM_AS_OF", "GITHUB_STEP_SUMMARY")}
