"""The JSON Schemas (data in ``schemas/``), bundled and compiled once.

Stored schemas are record-level and share ``common.schema.json`` by ``$ref``; the
bundle inlines those definitions, so every exported schema is self-contained (what
editors want). Validation has two speeds: a compiled fastjsonschema validator for
the common case of a valid record, and jsonschema's full error report only for the
records that fail, so every problem is found with its path.
"""

from __future__ import annotations

import copy
import hashlib
import json
import marshal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import CodeType
from typing import TYPE_CHECKING, Any

import fastjsonschema

from . import __version__
from . import cache as user_cache
from .reader import JsonPath

if TYPE_CHECKING:  # jsonschema is imported only when a record fails (a tenth of a second saved)
    import jsonschema

DRAFT = "http://json-schema.org/draft-07/schema#"
_COMMON = "common.schema.json"


@dataclass(frozen=True)
class RecordType:
    """A record type, as its schema declares it: its name and where its files stand (``x-brm-files``).

    A register (``{"register": "actions"}``) is ``registers/actions.yaml`` (or ``.yml``), or
    the YAML files of the folder ``registers/actions/``: each file holds a record or a list
    of them. Markdown documents (``{"folder": "reviews", "subfolders": true}``) are the
    ``.md`` files of a folder, and of its subfolders if it says so: each holds one record
    in its front-matter.
    """

    name: str
    register: str | None
    folder: str
    subfolders: bool

    def globs(self) -> list[str]:
        """The files it covers, as an editor's glob patterns (VS Code's ``yaml.schemas``)."""
        if self.register is not None:
            base = f"registers/{self.register}"
            return [f"{base}.yaml", f"{base}.yml", f"{base}/**/*.yaml", f"{base}/**/*.yml"]
        return [f"{self.folder}/**/*.md" if self.subfolders else f"{self.folder}/*.md"]


def _types() -> dict[str, RecordType]:
    """Every record type: one per schema file in ``schemas/`` (the one list of them), in the model's order."""
    from .model import RECORD_TYPES

    folder = resources.files("checks").joinpath("schemas")
    names = sorted(p.name.removesuffix(".schema.json") for p in folder.iterdir() if p.name.endswith(".schema.json"))
    found = {}
    for name in (n for n in names if n != _COMMON.removesuffix(".schema.json")):
        where = _read(f"{name}.schema.json").get("x-brm-files") or {}
        register = where.get("register")
        found[name] = RecordType(
            name,
            register,
            f"registers/{register}" if register else where.get("folder", name),
            bool(where.get("subfolders")),
        )
    unbound = sorted(set(found) ^ set(RECORD_TYPES))
    if unbound:  # pragma: no cover - a schema without its record class (or the reverse) is a bug
        raise AssertionError(f"record types without both a schema and a record class in checks/model.py: {unbound}")
    return {name: found[name] for name in RECORD_TYPES}


def _read(name: str) -> dict[str, Any]:
    text = resources.files("checks").joinpath("schemas", name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def choices(type_name: str, *path: str) -> tuple[str, ...]:
    """The values a field may take, as its schema lists them (``enum``), at ``path`` in the record's schema.

    ``choices("survey-instrument", "properties", "method")`` is every survey method: code
    that needs such a list asks the schema, which is the one place it is written.
    """
    node: Any = _read(f"{type_name}.schema.json")
    for part in path:
        node = node[part]
    return tuple(node["enum"])


#: Every record type, by name (the schemas say which there are and where their files stand).
TYPES: dict[str, RecordType] = _types()


def editor_schemas(folder: str = "./.vscode/schemas") -> dict[str, list[str]]:
    """VS Code's ``yaml.schemas`` setting: each exported schema and the files it covers."""
    return {f"{folder}/{t.name}.schema.json": t.globs() for t in TYPES.values()}


@cache
def record_schema(type_name: str) -> dict[str, Any]:
    """The self-contained draft-07 schema of one record."""
    if type_name not in TYPES:
        raise KeyError(type_name)
    schema = {k: v for k, v in _read(f"{type_name}.schema.json").items() if not k.startswith("x-brm-")}
    common = _read(_COMMON).get("definitions", {})
    used: dict[str, Any] = {}
    _inline(schema, common, used)
    definitions = dict(schema.get("definitions", {}))
    definitions.update(used)
    if definitions:
        schema["definitions"] = definitions
    schema["$schema"] = DRAFT
    return schema


def _inline(node: Any, common: dict[str, Any], used: dict[str, Any]) -> None:
    """Point ``common.schema.json#/definitions/X`` refs at a local copy of X."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_COMMON + "#/definitions/"):
            name = ref.rsplit("/", 1)[1]
            node["$ref"] = f"#/definitions/{name}"
            if name not in used:
                used[name] = copy.deepcopy(common[name])
                _inline(used[name], common, used)
        for value in node.values():
            _inline(value, common, used)
    elif isinstance(node, list):
        for value in node:
            _inline(value, common, used)


@cache
def file_schema(type_name: str) -> dict[str, Any]:
    """The schema of a whole file: a register file holds one record or a list of them."""
    record = record_schema(type_name)
    if TYPES[type_name].register is None:
        return record
    body = {k: v for k, v in record.items() if k not in ("$schema", "$id", "definitions")}
    definitions = dict(record.get("definitions", {}))
    definitions["record"] = body
    return {
        "$schema": DRAFT,
        "$id": record.get("$id", "").replace(".schema.json", "-register.schema.json") or None,
        "title": f"{record.get('title', type_name)} register",
        "description": f"One {type_name} record, or a list of them. " + record.get("description", ""),
        "definitions": definitions,
        "anyOf": [
            {"$ref": "#/definitions/record"},
            {"type": "array", "items": {"$ref": "#/definitions/record"}},
        ],
    }


@dataclass(frozen=True)
class Violation:
    """One way a record breaks its schema, at a JSON path inside the record."""

    json_path: JsonPath
    message: str


class Validator:
    def __init__(self, type_name: str) -> None:
        self.type_name = type_name
        self._fast = _compiled(type_name)
        self._full: jsonschema.Draft7Validator | None = None

    def valid(self, record: Any) -> bool:
        """Whether the record matches its schema (the fast path only: no explanation)."""
        try:
            self._fast(record, _FAST_FORMATS)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    def violations(self, record: Any) -> list[Violation]:
        if self.valid(record):
            return []
        found = sorted(self._full_validator().iter_errors(record), key=lambda e: list(map(str, e.absolute_path)))
        # A malformed date fails both its pattern and its format: say it once.
        unique = dict.fromkeys(v for error in found for v in _explain(error))
        return list(unique) or [Violation((), "does not match its schema")]

    def _full_validator(self) -> jsonschema.Draft7Validator:
        if self._full is None:
            import jsonschema

            checker = jsonschema.FormatChecker(formats=())
            checker.checks("date")(lambda v: not isinstance(v, str) or _date_ok(v))
            checker.checks("date-time")(lambda v: not isinstance(v, str) or _instant_ok(v))
            self._full = jsonschema.Draft7Validator(
                copy.deepcopy(record_schema(self.type_name)), format_checker=checker
            )
        return self._full


@cache
def validator(type_name: str) -> Validator:
    return Validator(type_name)


FastValidator = Callable[[Any, dict[str, Callable[[str], bool]]], Any]


def _compiled(type_name: str) -> FastValidator:
    """fastjsonschema's validator of one record type, its code cached between runs.

    Generating the code of all eleven validators takes a fifth of a second, longer than
    checking a thousand files. The compiled code is kept in the user's cache directory
    (``$XDG_CACHE_HOME/brm-evidence``), keyed by the schemas, brm, fastjsonschema and
    Python; anything wrong with the cache only means compiling again.
    """
    for code, name in _candidates(type_name):
        scope: dict[str, Any] = {}
        try:
            exec(code, scope)  # noqa: S102 - code generated by fastjsonschema from our own schemas
            validate: FastValidator = scope[name]
        except Exception:  # noqa: BLE001 - a cache from elsewhere: compile afresh
            continue
        return validate
    raise AssertionError("fastjsonschema generated no validator")  # pragma: no cover


def _candidates(type_name: str) -> Iterator[tuple[Any, str]]:
    yield _validator_code()[type_name]
    yield _generate(type_name)  # only when the cached code would not run


@cache
def _validator_code() -> dict[str, tuple[Any, str]]:
    """Every record type's compiled validator: from the cache, else generated and cached."""
    name = _cache_name()
    stored = user_cache.read(name)
    if stored is not None:
        try:
            loaded = marshal.loads(stored)
            if (
                isinstance(loaded, dict)
                and set(loaded) == set(TYPES)
                and all(
                    isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], CodeType) and isinstance(v[1], str)
                    for v in loaded.values()
                )
            ):
                return loaded
        except (EOFError, ValueError, TypeError):
            pass
    code = {type_name: _generate(type_name) for type_name in TYPES}
    user_cache.write(name, marshal.dumps(code))
    return code


def _generate(type_name: str) -> tuple[Any, str]:
    schema = copy.deepcopy(record_schema(type_name))  # fastjsonschema rewrites the $refs it is given
    source = fastjsonschema.compile_to_code(schema, formats=_FAST_FORMATS, use_default=False)
    # The root validator is the first function generated; the others serve its $refs.
    name = source.split("\ndef ", 1)[1].split("(", 1)[0]
    return compile(source, f"<{type_name} validator>", "exec"), name


def _cache_name() -> str:
    digest = hashlib.sha256()
    for name in sorted([*TYPES, _COMMON.split(".")[0]]):
        file = name if name.endswith(".json") else f"{name}.schema.json"
        digest.update(resources.files("checks").joinpath("schemas", file).read_bytes())
    digest.update(f"{__version__} {fastjsonschema.VERSION} {sys.version}".encode())
    return f"validators-{digest.hexdigest()[:20]}.marshal"


def _date_ok(value: str) -> bool:
    from .dates import parse_date

    return len(value) == 10 and parse_date(value) is not None


def _instant_ok(value: str) -> bool:
    from .dates import parse_instant

    return parse_instant(value) is not None


_FAST_FORMATS: dict[str, Callable[[str], bool]] = {"date": _date_ok, "date-time": _instant_ok}

_JSON_TYPES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of fields",
    "null": "empty",
}


def _what(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "empty"


def _field(path: JsonPath) -> str:
    if not path:
        return "the record"
    parts = [str(p) if isinstance(p, str) else f"[{p}]" for p in path]
    return "'" + ".".join(parts).replace(".[", "[") + "'"


def _explain(error: jsonschema.ValidationError) -> Iterator[Violation]:
    """Turn one jsonschema error into sentences that say how to fix the record."""
    path: JsonPath = tuple(error.absolute_path)
    kind = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    value = error.instance
    if kind == "required":
        present = value if isinstance(value, dict) else {}
        for name in error.validator_value:
            if name not in present:
                yield Violation(path, f"{_field(path)} is missing the required field '{name}': add it")
        return
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extra = [k for k in (value if isinstance(value, dict) else {}) if k not in allowed]
        for name in extra:
            hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
            yield Violation(
                (*path, name), f"unknown field '{name}' in {_field(path)}: remove it or fix its spelling{hint}"
            )
        return
    if kind == "type":
        wanted = error.validator_value
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        expected = " or ".join(_JSON_TYPES.get(n, n) for n in names)
        fix = ""
        if "string" in names and isinstance(value, (int, float, bool)):
            fix = f': quote it ("{_yaml_text(value)}")'
        yield Violation(path, f"{_field(path)} must be {expected}, not {_what(value)}{fix}")
        return
    if kind in ("enum", "const"):
        options = error.validator_value if kind == "enum" else [error.validator_value]
        yield Violation(
            path,
            f"{_field(path)} is {value!r}; it must be one of: {', '.join(map(str, options))}",
        )
        return
    if kind in ("pattern", "format"):
        form = schema.get("title") or schema.get("description") or f"in the form {error.validator_value}"
        yield Violation(path, f"{_field(path)} is {value!r}, which is not {_lower(form)}")
        return
    if kind in ("minItems", "minLength", "minProperties"):
        yield Violation(path, f"{_field(path)} is empty: give at least one value")
        return
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        yield Violation(path, f"{_field(path)} is {value!r}, out of range ({kind} {error.validator_value})")
        return
    if kind in ("oneOf", "anyOf") and error.context:
        from jsonschema.exceptions import best_match

        best = best_match(error.context)
        yield from _explain(best)
        return
    if kind == "not":
        yield Violation(path, f"{_field(path)}: {schema.get('description') or error.message}")
        return
    yield Violation(path, f"{_field(path)}: {error.message}")


def _lower(text: str) -> str:
    text = text.rstrip(".")
    return text[:1].lower() + text[1:]


def _yaml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
