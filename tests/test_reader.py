"""The strict reader: every malformed, hostile or surprising file is a BRM001 with its line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.reader import MAX_BYTES, Problem, _Loader, decode, parse_yaml, read_file, read_markdown

from .conftest import ROOT, check, codes

# (name, file content, expected line, a phrase the message must contain)
BAD_YAML = [
    ("tab indentation", "- id: a\n\tname: b\n", 2, "tabs"),
    ("bad indentation", "- id: a\n  name: b\n name2: c\n", 3, "indentation"),
    ("duplicate key", "- id: a\n  name: b\n  id: c\n", 3, "duplicate key 'id' (first at line 1)"),
    ("anchor and alias", "- id: a\n  name: &n Bob\n- id: b\n  name: *n\n", 2, "anchor"),
    ("merge key", "- id: a\n  name: b\n- <<: {id: c}\n  name: d\n", 3, "merge key"),
    ("yes retyped", "- id: a\n  name: b\n  in_scope: yes\n", 3, "quote it"),
    ("on retyped", "- id: a\n  name: on\n", 2, "read by YAML 1.1 as true or false"),
    ("sexagesimal time", "- id: a\n  start: 12:30\n", 2, "'12:30'"),
    ("octal", "- id: a\n  code: 0755\n", 2, "'0755'"),
    ("impossible date", "- id: a\n  since: 2026-02-30\n", 2, "not a real date"),
    ("impossible instant", "- id: a\n  at: 2026-10-14T25:00:00+01:00\n", 2, "not a real date"),
    ("explicit tag", "- id: !!python/object:os.system a\n", 1, "tag"),
    ("binary tag", "- id: !!binary aGVsbG8=\n", 1, "tag"),
    ("two documents", "- id: a\n---\n- id: b\n", 2, "more than one YAML document"),
    ("unterminated quote", '- id: "a\n', 2, "YAML syntax error"),
    ("stray colon", "- id: a: b\n", 1, "quote"),
    ("value starting with @", "- id: @a\n", 1, "quote"),
    ("complex key", "- ? [a, b]\n  : c\n", 1, "key must be plain text"),
]


@pytest.mark.parametrize(("name", "text", "line", "phrase"), BAD_YAML, ids=[c[0] for c in BAD_YAML])
def test_bad_yaml_is_a_problem_at_its_line(name: str, text: str, line: int, phrase: str) -> None:
    problem = parse_yaml(text)
    assert isinstance(problem, Problem), name
    assert problem.line == line
    assert phrase.lower() in problem.message.lower()


@pytest.mark.parametrize(
    ("raw", "line", "phrase"),
    [
        (b"- id: a\n- id: caf\xe9\n", 2, "not UTF-8"),
        (b"- id: a\n\x00\x01\x02junk", 2, "NUL byte"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, "NUL byte"),
        (b"- id: a\n- id: \x07bell\n", 2, "control character"),
    ],
    ids=["latin-1", "nul", "png", "control character"],
)
def test_undecodable_bytes(raw: bytes, line: int, phrase: str) -> None:
    text = decode(raw)
    problem = text if isinstance(text, Problem) else parse_yaml(text)
    assert isinstance(problem, Problem)
    assert problem.line == line
    assert phrase in problem.message


def test_bom_and_crlf_are_fine() -> None:
    text = decode(b"\xef\xbb\xbf- id: a\r\n  name: b\r\n- id: c\r\n")
    assert isinstance(text, str)
    document = parse_yaml(text)
    assert not isinstance(document, Problem)
    assert document.data == [{"id": "a", "name": "b"}, {"id": "c"}]
    assert document.where(1, "id") == (3, 3)


def test_keys_are_their_text_even_where_yaml_1_1_would_retype_them() -> None:
    # FORMAT.md's own example: approvals: - {by: dana-whitfield, on: 2026-03-20}
    document = parse_yaml("approvals:\n  - by: dana\n    on: 2026-03-20\n  - {by: priya, on: 2026-03-18}\n2026: x\n")
    assert not isinstance(document, Problem)
    assert document.data == {
        "approvals": [{"by": "dana", "on": "2026-03-20"}, {"by": "priya", "on": "2026-03-18"}],
        "2026": "x",
    }
    duplicate = parse_yaml('on: 1\n"on": 2\n')
    assert isinstance(duplicate, Problem) and "duplicate key 'on'" in duplicate.message


def test_dates_stay_iso_text_and_quoted_words_stay_text() -> None:
    document = parse_yaml('a: 2026-10-14\nb: 2026-10-14T09:30:00+01:00\nc: "no"\nd: "12:30"\ne: true\nf: 3\n')
    assert not isinstance(document, Problem)
    assert document.data == {
        "a": "2026-10-14",
        "b": "2026-10-14T09:30:00+01:00",
        "c": "no",
        "d": "12:30",
        "e": True,
        "f": 3,
    }


def test_alias_bomb_is_refused_in_milliseconds() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 30):
        previous, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    started = time.perf_counter()
    problem = parse_yaml("\n".join(lines) + "\n")
    elapsed = time.perf_counter() - started
    assert isinstance(problem, Problem)
    assert problem.line == 1 and "anchor" in problem.message
    assert elapsed < 0.5


#: Our sentence for nesting too deep, whatever the parser (or its release) would say.
TOO_DEEP = "lists or mappings nested more than 100 levels deep: flatten the structure"


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        # libyaml's C composer segfaults somewhere past 20,000 nested flow levels.
        ("a: " + "[" * 50_000 + "]" * 50_000 + "\n", 1, 104),
        ("a: " + "{b: " * 101 + "1" + "}" * 101 + "\n", 1, 3 + 101 * 4 - 3),
        # libyaml 0.2.5 refuses past 1,000 block levels in its own words; below that the
        # walk would run out of stack: both are refused here first, at level 101.
        ("".join(" " * i + "a:\n" for i in range(2_000)) + " " * 2_000 + "b: 1\n", 101, 101),
        ("".join(" " * i + "a:\n" for i in range(900)) + " " * 900 + "b: 1\n", 101, 101),
        ("".join("  " * i + "- a:\n" for i in range(400)), 100, 199),
        ("- " * 300 + "x\n", 1, 1),
    ],
    ids=["flow-50000", "flow-mappings-101", "block-2000", "block-900", "list-of-mappings-400", "compact-lists-300"],
)
def test_deep_nesting_is_refused_in_our_words_at_its_line(text: str, line: int, column: int) -> None:
    problem = parse_yaml(text)
    assert problem == Problem(line, column, TOO_DEEP)


def test_deep_nesting_in_front_matter_names_the_file_line() -> None:
    front = "".join(" " * i + "a:\n" for i in range(300))
    problem = read_markdown("---\n" + front + "---\n# body\n")
    assert problem == Problem(102, 101, TOO_DEEP)


@pytest.mark.parametrize(
    "text",
    [
        "".join(" " * i + "a:\n" for i in range(99)) + " " * 99 + "b: 1\n",  # 100 levels
        "".join("  " * i + "- a:\n" for i in range(99)),  # 198 levels, estimated 99
        "a: " + "[" * 100 + "]" * 100 + "\n",
        "- id: a\n  notes: |\n" + "".join("    " + " " * i + "step\n" for i in range(50)),
    ],
    ids=["block-100", "list-of-mappings-99", "flow-100", "staircase-prose"],
)
def test_nesting_at_the_limit_is_read(text: str) -> None:
    assert not isinstance(parse_yaml(text), Problem)


def test_many_shallow_lists_are_fine() -> None:
    document = parse_yaml("a: [" + ", ".join("[x]" for _ in range(500)) + "]\n")
    assert not isinstance(document, Problem)


@pytest.mark.parametrize(
    ("text", "line", "phrase"),
    [
        ("# Minutes\n\nNo front-matter here.\n", 1, "front-matter missing"),
        ("---\ntype: performance-review\ndate: 2026-10-14\n# Minutes\n", 1, "not terminated"),
        ("---\n- a\n- b\n---\nbody\n", 2, "not a mapping"),
        ("---\n---\nbody\n", 1, "empty"),
        ("---\njust text\n---\n", 2, "not a mapping"),
        ("---\ntype: x\ndate: 2026-02-30\n---\n", 3, "not a real date"),
        ("---\ntype: x\n  bad: indent\n---\n", 3, "YAML syntax error"),
        ("", 1, "front-matter missing"),
    ],
    ids=["missing", "unterminated", "list", "empty", "scalar", "bad date", "syntax", "empty file"],
)
def test_front_matter_problems_name_the_file_line(text: str, line: int, phrase: str) -> None:
    problem = read_markdown(text)
    assert isinstance(problem, Problem)
    assert problem.line == line
    assert phrase in problem.message


def test_front_matter_lines_are_file_lines() -> None:
    document = read_markdown("---\ntype: x\nattendees:\n  - a\n  - b\n---\n# Title\nText\n")
    assert not isinstance(document, Problem)
    assert document.where("attendees", 1) == (5, 5)
    assert document.body == "# Title\nText\n"
    assert document.body_line == 7


def test_large_file_is_refused_without_reading_it_as_yaml(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"- id: a\n  name: " + b"x" * (10 * 1024 * 1024) + b"\n")
    assert big.stat().st_size > MAX_BYTES
    started = time.perf_counter()
    problem = read_file(tmp_path, "big.yaml", markdown=False)
    assert isinstance(problem, Problem)
    assert problem.line == 1 and "limited to" in problem.message
    assert time.perf_counter() - started < 1.0


CORPUS = {
    "registers/people.yaml": ("- id: a\n\tname: b\n", 2),
    "registers/services.yaml": ("- id: s\n  name: S\n  id: t\n", 3),
    "registers/actions.yaml": (b"\xff\xfe- id: ACT-0001\n", 1),
    "registers/complaints.yaml": ("", 1),
    "reviews/2026/broken.md": ("# no front-matter\n", 1),
    "surveys/results/2026/junk.md": (bytes(range(256)) * 4, 1),
}


@pytest.mark.parametrize("path", list(CORPUS), ids=list(CORPUS))
def test_each_bad_file_is_one_brm001_finding_in_a_full_check(repo, path: str) -> None:
    content, line = CORPUS[path]
    root = repo({path: content})
    findings = [f for f in check(root, select=("BRM001",)) if f.path == path]
    assert [(f.rule, f.line) for f in findings] == [("BRM001", line)]
    assert findings[0].message  # a sentence that says how to fix it


def test_ten_megabyte_file_in_a_full_check(repo) -> None:
    root = repo({"registers/actions.yaml": "- id: ACT-0001\n" + "#" * (10 * 1024 * 1024) + "\n"})
    findings = [f for f in check(root) if f.path == "registers/actions.yaml"]
    assert codes(findings) == ["BRM001"]
    assert findings[0].line == 1


def test_reader_never_writes(repo) -> None:
    root = repo({"registers/people.yaml": "- id: a\n  name: on\n"})
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    mtimes = {p: p.stat().st_mtime_ns for p in before}
    check(root)
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert after == before
    assert {p: p.stat().st_mtime_ns for p in after} == mtimes


@settings(max_examples=400, derandomize=True, deadline=None)
@given(
    st.one_of(
        st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
        st.sampled_from(["yes", "No", "on", "OFF", "~", "null", "12:30", "010", "0x1F", "1e3", ".inf", "2026-11-23",
                         "2026-11-23 10:00:00", "<<", "=", "!", "&", "*", "-", "+1", "Tuesday", "ACT-0042", ""]),
    )
)  # fmt: skip
def test_the_memoised_resolver_types_every_plain_scalar_as_yaml_does(value: str) -> None:
    # The shortcuts (text by its first character, the memo) must give PyYAML's own tag, every time.
    ours, theirs = _Loader(""), yaml.SafeLoader("")
    for _ in range(2):  # the second time from the memo
        assert ours.resolve(yaml.ScalarNode, value, (True, False)) == theirs.resolve(
            yaml.ScalarNode, value, (True, False)
        )
    assert ours.resolve(yaml.ScalarNode, value, (False, True)) == "tag:yaml.org,2002:str"


# -- positions, read from the parser's events --------------------------------------------


def _composed_positions(text: str, offset: int) -> dict[tuple[str | int, ...], tuple[int, int]]:
    """Where each key and value stands, from the composed node tree (what positions were before events)."""
    lines: dict[tuple[str | int, ...], tuple[int, int]] = {}

    def walk(node: yaml.Node, path: tuple[str | int, ...]) -> None:
        lines.setdefault(path, (node.start_mark.line + 1 + offset, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = (*path, key_node.value)
                if child not in lines:
                    lines[child] = (key_node.start_mark.line + 1 + offset, key_node.start_mark.column + 1)
                    walk(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*path, index))

    node = yaml.compose(text, Loader=_Loader)  # noqa: S506 - the strict loader
    if node is not None:
        walk(node, ())
    return lines


EXAMPLE_YAML = {
    path.relative_to(ROOT).as_posix(): path
    for folder in ("registers", "reviews", "surveys", "procedures")
    for path in sorted((ROOT / folder).rglob("*"))
    if path.suffix in (".yaml", ".md")
}
TRICKY = [
    "a: 1\nb: [x, {c: 2, d: [3, 4]}]\ne:\n  - f: |\n      text\n      more\n    g: null\n  - - nested\n    - list\n",
    "- {a: 1}\n- [b, c]\n-\n- 'quoted: key'\n",
    "? complex\n: value\nplain: 'x'\n\"quoted key\": {}\nempty: []\n",
    "just text\n",
    "",
    "# only a comment\n",
    "a:\n  b:\n    c:\n      d: deep\n  e: 1\nf: >\n  folded\n",
]


@pytest.mark.parametrize("path", sorted(EXAMPLE_YAML))
def test_positions_of_every_example_file_are_where_the_composed_tree_puts_them(path: str) -> None:
    document = read_file(ROOT, path, markdown=path.endswith(".md"))
    assert not isinstance(document, Problem)
    text = EXAMPLE_YAML[path].read_text(encoding="utf-8")
    front = text.split("---\n")[1] if path.endswith(".md") else text
    assert document.lines == _composed_positions(front, document.line_offset)
    assert document.lines


@pytest.mark.parametrize("text", TRICKY)
def test_positions_of_tricky_yaml_are_where_the_composed_tree_puts_them(text: str) -> None:
    document = parse_yaml(text, "x.yaml")
    assert not isinstance(document, Problem)
    assert document.lines == _composed_positions(text, 0)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["JavaScript", "vbSCRIPT", "Data", "data", " ", "\t", "\n", ":", "x", "<", "a", "é", "ſ"]),
        max_size=12,
    ).map("".join)
)
def test_the_quick_markup_test_finds_what_the_case_folding_pattern_finds(text: str) -> None:
    import re

    from checks.reader import may_hold_markup

    scheme = re.search(r"(?:javascript|vbscript|data)\s*:", text, re.IGNORECASE) is not None
    tag = re.search(r"<\s*[a-zA-Z]", text) is not None
    lowered = text.lower()
    assert may_hold_markup(text) == (tag or (("script" in lowered or "data" in lowered) and scheme))
