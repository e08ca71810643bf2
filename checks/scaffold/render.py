"""A draft as the text of its file, read back before it is written, and written only if new.

The YAML is PyYAML's (``safe_dump``), in the style of FORMAT.md's examples: fields in
the order the kind builds them, block mappings, lists of plain values in flow style
(``customers: [retailco]``), dates and instants unquoted, and every value YAML 1.1
would retype (``no``, ``12:30``, ``010``) quoted. No anchors or aliases (the strict
reader refuses them). The only comment is the first line, which points an editor at
the schema. Before anything is written the text is read back by the strict reader and
validated against its schema: a scaffolded file is evidence ``brm check`` accepts.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from ..writing import EXISTS, WriteError, write_new
from .core import Draft, ScaffoldError

#: Where the editor schemas are exported (``brm schema --export .vscode/schemas``).
SCHEMA_DIR = ".vscode/schemas"


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # a value used twice is written out twice: the reader refuses aliases

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # a list under a key is indented, as in FORMAT.md


def _sequence(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flat = all(not isinstance(v, (dict, list)) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


def _timestamp(dumper: yaml.SafeDumper, data: date) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", data.isoformat())


_Dumper.add_representer(list, _sequence)
_Dumper.add_representer(date, _timestamp)
_Dumper.add_representer(datetime, _timestamp)


def prune(value: Any) -> Any:
    """The record as written and read back: no empty optional fields (None), dates as their ISO text."""
    if isinstance(value, dict):
        return {k: prune(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [prune(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _fields(record: dict[str, Any]) -> str:
    kept = _drop_none(record)
    text: str = yaml.dump(
        kept, Dumper=_Dumper, default_flow_style=False, sort_keys=False, allow_unicode=True, width=2**31 - 1
    )
    return text


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def render(draft: Draft, root: Path) -> str:
    """The file's text: the schema line, then the fields (as front-matter before a Markdown body)."""
    schema = os.path.relpath(root / SCHEMA_DIR / f"{draft.type_name}.schema.json", (root / draft.path).parent)
    modeline = f"# yaml-language-server: $schema={Path(schema).as_posix()}\n"
    if draft.body is None:
        return modeline + _fields(draft.record)
    return "---\n" + modeline + _fields(draft.record) + "---\n" + draft.body.rstrip("\n") + "\n"


def verify(draft: Draft, text: str) -> None:
    """Read the file back as ``brm check`` will, and validate it against its schema."""
    from ..reader import Problem, parse_yaml, read_markdown
    from ..schema import validator

    document = read_markdown(text, draft.path) if draft.body is not None else parse_yaml(text, draft.path)
    if isinstance(document, Problem):
        raise ScaffoldError(f"the new file would not be readable (line {document.line}: {document.message})")
    expected = prune(draft.record)
    if document.data != expected:
        raise ScaffoldError(f"the new file would not read back as written: {document.data!r} != {expected!r}")
    for violation in validator(draft.type_name).violations(document.data):
        raise ScaffoldError(f"the new {draft.type_name} would not match its schema: {violation.message}")


def write(root: Path, path: str, text: str) -> None:
    """Write the new file ``path`` inside ``root`` whole or not at all, never over another.

    :func:`checks.writing.write_new` does it for ``brm init`` and ``brm import`` too: a
    temporary file in the same folder, hard-linked to its name (which refuses a name
    that exists, even a dangling link); a folder that leads outside the repository is
    refused; a failed write (a full disk) leaves neither file nor new folder behind.
    """
    try:
        outcome = write_new(root, path, text)
    except WriteError as error:
        raise ScaffoldError(str(error)) from None
    if outcome == EXISTS:
        raise ScaffoldError(f"{path} already exists: not overwriting it")
