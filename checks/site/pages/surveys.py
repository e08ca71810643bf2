"""Surveys: the instruments and the results, and one page for each."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from ...load import responses_path
from ...model import Instrument, Result
from ..markup import box, bullets, code, table
from .customers import scores
from .findings import findings_table
from .registry import Family, Page
from .site import DASH, folder_of, slug_path, when

if TYPE_CHECKING:
    from .site import Site


def pages(site: Site) -> Iterator[Page]:
    yield Page("surveys/index.md", "Surveys", lambda here: surveys_index(site, here), menu="Surveys")
    for instrument in site.repository.instruments:
        yield Page(
            "surveys/instruments/" + slug_path(site.redact(instrument.source.path), folder_of("survey-instrument")),
            f"Survey instrument {instrument.id or instrument.source.path}",
            partial(instrument_page, site, instrument),
            record=instrument,
            shows=(instrument.source.path,),
            fixed=False,
        )
    for result in site.repository.results:
        beside = responses_path(result)  # the one resolution of path fields (checks.boundary)
        yield Page(
            "surveys/results/" + slug_path(site.redact(result.source.path), folder_of("satisfaction-result")),
            f"Satisfaction result {result.period or when(result.sent)}",
            partial(result_page, site, result),
            record=result,
            shows=(result.source.path, *([beside] if beside else [])),
            fixed=False,
        )


FAMILY = Family("Surveys", pages, types=("survey-instrument", "satisfaction-result"))


def surveyed(site: Site, result: Result, here: str) -> str:
    """The customers a result surveyed: those it names, or its tier's."""
    named = [site.customer_link(here, c) for c in result.customers]
    if result.tier:
        tier = [c.id for c in site.repository.customers if c.tier == result.tier and c.id not in result.customers]
        listed = ", ".join(site.customer_link(here, c) for c in tier) or "no customer in it"
        named.append(f"the {site.say(result.tier)} tier ({listed})")
    return ", ".join(named) or DASH


def surveys_index(site: Site, here: str) -> str:
    instruments = [
        [site.link(here, site.page_of(i), code(i.id or i.source.path)), site.say(i.version or DASH),
         site.say(i.method or DASH), str(i.scale) if i.scale is not None else DASH, str(len(i.questions)),
         str(len(site.results_by_instrument.get(i.id or "", [])))]
        for i in site.repository.instruments
    ]  # fmt: skip
    results = sorted(site.repository.results, key=lambda r: (r.sent or date.min, r.source.path), reverse=True)
    result_rows = [
        [site.link(here, site.page_of(r), site.say(r.period or when(r.sent))), when(r.sent),
         surveyed(site, r, here),
         site.say(r.instrument or DASH), scores(site, r),
         f"{r.responses if r.responses is not None else DASH} of {r.invited if r.invited is not None else DASH}"]
        for r in results
    ]  # fmt: skip
    return "\n".join(
        ["# Surveys", "", "## Instruments", "",
         table(["Instrument", "Version", "Method", "Scale", "Questions", "Results"], instruments,
               empty="No survey instruments."), "",
         "## Results", "",
         table(["Period", "Sent", "Customers", "Instrument", "Score", "Responses"], result_rows,
               empty="No satisfaction results."), ""]
    )  # fmt: skip


def instrument_page(site: Site, instrument: Instrument, here: str) -> str:
    results = site.results_by_instrument.get(instrument.id or "", [])
    card = [
        f"- **Id:** {code(instrument.id or DASH)}",
        f"- **Version:** {site.say(instrument.version or DASH)}",
        f"- **Method:** {site.say(instrument.method or DASH)}",
        f"- **Scale:** {instrument.scale if instrument.scale is not None else DASH}",
    ]
    return "\n".join(
        [f"# Survey instrument: {site.say(instrument.id or instrument.source.path)} "
         f"(version {site.say(instrument.version or DASH)})", "",
         box("abstract", "Instrument", "\n".join(card)), "",
         "## Questions", "", bullets((site.say(q) for q in instrument.questions), empty="No questions."), "",
         "## Notes", "", site.body(instrument), "",
         "## Results with this instrument", "",
         bullets((f"{site.link(here, site.page_of(r), site.say(r.period or r.source.path))}: "
                  f"{surveyed(site, r, here)}, sent {when(r.sent)}" for r in results), empty="None yet."), "",
         site.provenance([instrument.source.path])]
    )  # fmt: skip


def result_page(site: Site, result: Result, here: str) -> str:
    versions = site.instruments.get(result.instrument or "", [])
    instrument = next(
        (i for i in versions if i.version == result.instrument_version), versions[0] if versions else None
    )
    instrument_shown = (
        site.link(here, site.page_of(instrument), code(result.instrument or DASH))
        if instrument is not None
        else code(result.instrument or DASH)
    )
    rate = (f" ({100 * result.responses / result.invited:.0f}% response rate)"
            if result.invited and result.responses is not None else "")  # fmt: skip
    csv_path = responses_path(result)
    who = surveyed(site, result, here)
    names = [site.say(site.customers[c].label if c in site.customers else c) for c in result.customers]
    heading = ", ".join([*names, *([f"{site.say(result.tier)} tier"] if result.tier else [])]) or DASH
    card = [
        f"- **Customers:** {who}",
        f"- **Period:** {site.say(result.period or DASH)}",
        f"- **Instrument:** {instrument_shown} version {site.say(result.instrument_version or DASH)}",
        f"- **Sent:** {when(result.sent)} by {site.person(here, result.sent_by, with_role=False)}",
        f"- **Analysed by:** {site.person(here, result.analysed_by, with_role=False)}",
        f"- **Responses:** {result.responses if result.responses is not None else DASH} of "
        f"{result.invited if result.invited is not None else DASH} invited{rate}",
        f"- **Responses file:** {code(csv_path) if csv_path else DASH}",
        f"- **Scores:** {scores(site, result)}",
        "",
        "**Themes**",
        "",
        bullets((site.say(t) for t in result.themes), empty="No themes recorded."),
        "",
        "**Linked actions**",
        "",
        bullets((site.action_link(here, a) for a in result.actions), empty="No linked actions."),
    ]
    findings = [*site.findings_by_path.get(result.source.path, []), *site.findings_by_path.get(csv_path or "", [])]
    return "\n".join(
        [f"# Satisfaction result: {site.say(result.period or DASH)}, {heading}", "",
         box("abstract", "Result", "\n".join(card)), "",
         "## Analysis", "", site.body(result), "",
         "## Findings on this result", "", findings_table(site, findings, here, empty="No findings."), "",
         site.provenance([result.source.path, *([csv_path] if csv_path in site.repository.paths else [])])]
    )  # fmt: skip
