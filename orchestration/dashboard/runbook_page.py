"""A runbook as a page of its own (/runbooks/<measure>), the absolute link every alert carries."""

import re

import markupsafe

from orchestration.alerting.runbooks import Runbook
from orchestration.dashboard.page import render

_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*([^*]+)\*\*")


def render_runbook(runbook: Runbook) -> str:
    return render("runbook.html", "", {}, runbook=runbook, text=inline_markdown(runbook.text))


def inline_markdown(text: str) -> markupsafe.Markup:
    """The README's inline Markdown (code spans, bold) as HTML; everything else escaped."""
    html = str(markupsafe.escape(text))
    html = _CODE.sub(r"<code>\1</code>", html)
    return markupsafe.Markup(_BOLD.sub(r"<strong>\1</strong>", html))
