"""The management report as one self-contained HTML page (``brm report --format html``).

The Markdown of :mod:`.markdown`, with every piece of evidence escaped by the site's
:func:`checks.site.markup.text` and the trend drawn as inline SVG, rendered by
cmark-gfm. The only raw HTML in that Markdown is the chart, made by
:mod:`checks.site.charts` from escaped values. The page carries the bundle's stylesheet
and a content security policy that lets nothing be fetched and nothing run.
"""

from __future__ import annotations

import html

import cmarkgfm
from cmarkgfm.cmark import Options

from ..bundle.document import stylesheet
from ..site.markup import text
from . import markdown
from .figures import ManagementReport


def render(report: ManagementReport) -> str:
    body = cmarkgfm.markdown_to_html_with_extensions(
        markdown.render(report, escape=text, svg=True),
        options=Options.CMARK_OPT_UNSAFE,  # the chart's SVG: every value in it is escaped by charts.py
        extensions=["table"],
    )
    title = f"Business relationship management: management report, {report.period.label}"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            "img-src 'none'; script-src 'none'; form-action 'none'; base-uri 'none'\">",
            f"<title>{html.escape(title)}</title>",
            f"<style>\n{stylesheet()}\n</style>",
            "</head>",
            "<body>",
            body,
            "</body>",
            "</html>",
            "",
        ]
    )
