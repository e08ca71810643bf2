"""Shared by the site tests: a real ``mkdocs build --strict``, and a fixture with planted script.

Not a test module: the build and browser tests import it.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from playwright.sync_api import Browser, Playwright

from checks.schema import TYPES

from .conftest import ROOT, dedent, write_repo

AS_OF = "2026-11-23"
# Debian's chromium (installed by .ci/run); on GitHub's Ubuntu runners, the preinstalled Chrome.
CHROMIUM = os.environ.get("BRM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGUMENTS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
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


#: A register file in a register's folder, with a record that breaks its schema (a BRM002 about the file).
PLANTED_REGISTER_FILE = "registers/actions/ACT-0099.yaml"


def planted_repository(root: Path) -> Path:
    """The small fixture repository of conftest, plus the planted minutes and a broken action file."""
    broken = "id: ACT-0099\ntitle: Planted\nowner: alex-morgan\nraised: 2026-11-01\ndue: soon\n"
    return write_repo(root, {PLANTED: PLANTED_MINUTES, PLANTED_REGISTER_FILE: broken})


# --- hostile evidence: a payload in every string field of every record type -------------------

SCHEMAS = ROOT / "checks/schemas"
#: Where a record of each Markdown type is written (as its schema says; registers: checks.load.REGISTERS).
MARKDOWN_FOLDERS = {
    t.name: f"{t.folder}/2026" if t.subfolders else t.folder for t in TYPES.values() if t.register is None
}
#: What marks a planted payload: each field gets its own number (``brmxss12``), so a leak names its field.
MARK = "brmxss"
#: The payloads' markup, as it would appear if it reached a page unescaped. (A quote that breaks out of
#: an attribute is found by parsing the page: the attribute it opens is an event handler.)
UNESCAPED = ("<img src=x onerror=", "<img/src=x/onerror=", "<script>alert(", "</title><script>",
             "<svg onload=", "<svg/onload=", "<iframe srcdoc=")  # fmt: skip


def contacts_of_example() -> tuple[list[str], list[str]]:
    """Every e-mail address and phone number in the example's people and customer registers."""
    emails, phones = [], []
    people = yaml.safe_load((ROOT / "registers/people.yaml").read_text(encoding="utf-8"))
    customers = yaml.safe_load((ROOT / "registers/customers.yaml").read_text(encoding="utf-8"))
    for person in [*people, *(r for c in customers for r in c.get("representatives", []))]:
        emails += [person["email"]] if person.get("email") else []
        phones += [str(person["phone"])] if person.get("phone") else []
    return emails, phones


class Hostile:
    """Plants payloads, one numbered marker per field (``markers``: marker -> where it was planted)."""

    def __init__(self) -> None:
        self.common = json.loads((SCHEMAS / "common.schema.json").read_text(encoding="utf-8"))["definitions"]
        self.markers: dict[str, str] = {}
        self.emails, self.phones = contacts_of_example()

    def marker(self, field: str) -> str:
        for existing, where in self.markers.items():
            if where == field:
                return existing
        mark = f"{MARK}{len(self.markers) + 1}"
        self.markers[mark] = field
        return mark

    def contact(self, n: int) -> str:
        """An e-mail address and a phone number of the example's registers, written every way there is."""
        email, phone = self.emails[n % len(self.emails)], self.phones[n % len(self.phones)]
        return " ".join([email, f"mailto:{email}", email.replace("@", "%40"), phone, phone.replace(" ", "/"),
                         phone.replace(" ", "-")])  # fmt: skip

    def prose(self, field: str, contact: str | None = None) -> str:
        """Free text carrying every kind of markup attack, and a contact (``contact``, or one of the example's)."""
        m = self.marker(field)
        number = int(m.removeprefix(MARK))
        return (f"{m}'\"><img src=x onerror=alert('{m}')> <script>alert('{m}')</script> "
                f"</title><script>alert('{m}')</script> \"><svg onload=alert('{m}')> ' onmouseover='alert(\"{m}\")' "
                f"[x](javascript:alert('{m}')) <iframe srcdoc=\"<script>alert('{m}')</script>\"></iframe> "
                # Markdown's own ways in: attributes (attr_list), and entities a careless sink would decode twice.
                f"{{: onclick=\"alert('{m}')\" }} {{#x onmouseover=alert('{m}')}} "
                f"&lt;/title&gt;&lt;script&gt;alert('{m}')&lt;/script&gt; "
                f"{contact or self.contact(number)}")  # fmt: skip

    def url(self, field: str, linked: bool) -> str:
        """A value for a link field: an https URL that breaks out of quotes (``linked``), or another scheme."""
        m = self.marker(field)
        email = self.emails[int(m.removeprefix(MARK)) % len(self.emails)]
        if linked:
            encoded = email.replace("@", "%40")
            return f"https://evidence.example/{m}'\"><svg/onload=alert('{m}')><img/src=x/onerror=alert('{m}')>?to={encoded}"
        return f"javascript:alert('{m}')//{email}" if len(self.markers) % 2 else f"mailto:{email}?subject={m}'\"><b>"

    def file_name(self, kind: str) -> str:
        """A file name (no slash) with markup and an e-mail address in it."""
        m = self.marker(f"file name of a {kind}")
        number = int(m.removeprefix(MARK))
        return f"2026-11-21 {m}'\"><img src=x onerror=alert('{m}')> {self.emails[number % len(self.emails)]}"

    # ------------------------------------------------------------------ schemas

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = {**self.common[schema["$ref"].rsplit("/", 1)[-1]], **{k: v for k, v in schema.items()
                                                                          if k != "$ref"}}  # fmt: skip
        return schema

    def is_string(self, schema: dict[str, Any]) -> bool:
        kind = schema.get("type")
        if kind == "string" or (isinstance(kind, list) and "string" in kind):
            return True
        return any(self.is_string(self.resolve(s)) for s in schema.get("anyOf", []) + schema.get("oneOf", []))

    @staticmethod
    def is_free(schema: dict[str, Any]) -> bool:
        """Text the schema accepts whatever it says (no pattern, enumeration, constant or format)."""
        return not any(key in schema for key in ("pattern", "enum", "const", "format", "anyOf", "oneOf"))

    def is_link(self, schema: dict[str, Any], original: dict[str, Any]) -> bool:
        return original.get("$ref", "").endswith("/url_or_path")

    def plant(self, schema: dict[str, Any], value: Any, field: str, everything: bool) -> Any:
        """``value`` with a payload in every string field ``schema`` describes (in free text only, unless
        ``everything``: then ids, dates and enumerations too, and a hostile key in every open mapping)."""
        original = schema
        schema = self.resolve(schema)
        if self.is_string(schema):
            if everything or self.is_free(schema):
                if self.is_link(schema, original):
                    return self.url(field, linked=not everything)
                # A phone number stays inside its payload: the redactor knows the numbers the registers hold.
                return self.prose(field, value if field.endswith(".phone") and isinstance(value, str) else None)
            return value
        kind = schema.get("type")
        if kind == "array" or "items" in schema:
            items = schema.get("items", {})
            current = value if isinstance(value, list) and value else [None]
            free_text = self.is_string(self.resolve(items)) and self.is_free(self.resolve(items))
            if not everything and not isinstance(value, list) and not free_text:
                return value
            planted = [self.plant(items, item, f"{field}[]", everything) for item in current]
            return [p for p in planted if p is not None] or value
        if kind == "object" or "properties" in schema:
            record = dict(value) if isinstance(value, dict) else {}
            for name, sub in schema.get("properties", {}).items():
                planted = self.plant(sub, record.get(name), f"{field}.{name}", everything)
                if planted is not None:
                    record[name] = planted
            extra = schema.get("additionalProperties")
            if everything and isinstance(extra, dict) and "propertyNames" in schema:
                key = self.prose(f"{field} (a key)")
                filler = self.plant(extra, None, f"{field}.*", everything)
                record[key] = filler if filler is not None else {}
            return record if (record or value is not None) else None
        return value

    def record(self, kind: str, value: Any, everything: bool = False) -> Any:
        schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
        return self.plant(schema, value, kind, everything)


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def _markdown(data: dict[str, Any], body: str) -> str:
    return f"---\n{_yaml(data)}---\n{body}"


def hostile_repository(root: Path) -> Hostile:
    """The bundled example, copied to ``root``, with a payload in every string field of every record.

    Every record keeps its structure, with every free-text field replaced (names, titles,
    periods, decisions, KPI names, themes, links ...); and each record type gets one more
    record in which every string field, ids, dates and file name included, is hostile.
    Every record type with a schema in checks/schemas/ is covered: a new type or field is
    planted without editing this function.
    """
    from checks.load import REGISTERS

    hostile = Hostile()
    for evidence in ("registers", "reviews", "surveys", "procedures"):
        shutil.copytree(ROOT / evidence, root / evidence)
    kinds = {p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json")} - {"common"}
    register_of = {type_name: name for name, (type_name, _build, _attribute) in REGISTERS.items()}
    unplaced = kinds - set(register_of) - set(MARKDOWN_FOLDERS)
    assert not unplaced, f"say in tests/site_support.py where a record of type {unplaced} is written"
    # The first record of each type keeps its structure (so it is judged, charted and put in the
    # calendar) with its free text planted; the pages stay a size a browser loads quickly.
    for kind in sorted(kinds):
        if kind in register_of:
            name = register_of[kind]
            single, folder = root / f"registers/{name}.yaml", root / f"registers/{name}"
            first = single if single.is_file() else min(folder.glob("*.yaml"))
            data = yaml.safe_load(first.read_text(encoding="utf-8"))
            if isinstance(data, list) and data:
                data[0] = hostile.record(kind, data[0])
            elif isinstance(data, dict):
                data = hostile.record(kind, data)
            first.write_text(_yaml(data), encoding="utf-8")
            folder.mkdir(exist_ok=True)
            extra = hostile.record(kind, None, everything=True)
            (folder / f"{hostile.file_name(kind)}.yaml").write_text(_yaml(extra), encoding="utf-8")
        else:
            folder = root / MARKDOWN_FOLDERS[kind]
            first = min(folder.glob("*.md"))
            data, body = _front_matter(first.read_text(encoding="utf-8"))
            first.write_text(_markdown(hostile.record(kind, data), body), encoding="utf-8")
            data = hostile.record(kind, None, everything=True)
            body = f"# {hostile.prose(f'{kind} body heading')}\n\n{hostile.prose(f'{kind} body')}\n"
            (folder / f"{hostile.file_name(kind)}.md").write_text(_markdown(data, body), encoding="utf-8")
    return hostile


class _MkDocsLoader(yaml.SafeLoader):
    """Reads mkdocs.yml as MkDocs does, but an ``!ENV`` value is left unset (the tests set what they need)."""


_MkDocsLoader.add_constructor("!ENV", lambda loader, node: None)


def project_config() -> dict[str, Any]:
    """The project's mkdocs.yml, as data."""
    config: dict[str, Any] = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_MkDocsLoader)
    return config


def mkdocs_config(root: Path, destination: Path, site_url: str | None = None, **options: Any) -> dict[str, Any]:
    """The project's own mkdocs.yml, pointed at another evidence root and site folder (and address)."""
    config = project_config()
    config["docs_dir"] = str((ROOT / config["docs_dir"]).resolve())
    config["site_dir"] = str(destination)
    config["site_url"] = site_url
    plugins = []
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "brm" in plugin:
            plugin = {"brm": {**(plugin["brm"] or {}), "root": str(root), "as_of": AS_OF, **options}}
        plugins.append(plugin)
    config["plugins"] = plugins
    return config


def build(
    config_dir: Path, root: Path, destination: Path, site_url: str | None = None, **options: Any
) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``root`` into ``destination``, in a subprocess like `make site`."""
    config_dir.mkdir(parents=True, exist_ok=True)
    config_file = config_dir / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(mkdocs_config(root, destination, site_url, **options)), encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if k not in ("BRM_AS_OF", "BRM_SITE_URL")}
    environment["NO_MKDOCS_2_WARNING"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config_file)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )


def build_example(destination: Path, site_url: str | None = None) -> subprocess.CompletedProcess[str]:
    """The bundled example, with the repository's mkdocs.yml as it is (published at ``site_url``, if given)."""
    environment = {k: v for k, v in os.environ.items() if k != "BRM_SITE_URL"}
    environment.update(
        {"BRM_AS_OF": AS_OF, "NO_MKDOCS_2_WARNING": "1", **({"BRM_SITE_URL": site_url} if site_url else {})}
    )
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(destination)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, in one line; None when Chromium is there."""
    if os.access(CHROMIUM, os.X_OK) and Path(CHROMIUM).is_file():
        return None
    return (
        f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium) "
        "or point BRM_CHROMIUM at a Chromium or Chrome executable"
    )


def launch(playwright: Playwright) -> Browser:
    """The headless Chromium the browser tests drive."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGUMENTS)


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
