"""Jinja2 rendering of the release's text files (``CHANGELOG.md``, ``LICENSE.md``) from
``warehouse/release/templates/``.

Markdown is not HTML, so autoescape is off: values reach the text as they are, and a template puts a value that
may hold Markdown syntax in a code span with the ``code`` filter (:func:`code_span`).
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

CODE_SPAN_LIMIT = 300        # characters of a value shown in a code span; longer ones are cut with "…"


def code_span(value: str | None, limit: int = CODE_SPAN_LIMIT) -> str:
    """A value as one Markdown code span: ``NULL`` (bare) for None, line breaks shown as ``\\n`` / ``\\r``,
    cut at ``limit`` characters with "…", fenced with double backticks (and spaces) when it holds a backtick."""
    if value is None:
        return "NULL"
    text = value.replace("\r", "\\r").replace("\n", "\\n")
    if len(text) > limit:
        text = text[:limit] + "…"
    if "`" in text:
        return f"`` {text} ``"
    return f"`{text}`"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja2 environment of ``warehouse/release/templates/``: no autoescape (Markdown), block tags take their line
    with them (``trim_blocks``, ``lstrip_blocks``), a file's final newline is kept, an undefined name raises
    ``jinja2.UndefinedError``; filter ``code`` = :func:`code_span`."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("warehouse.release", "templates"), autoescape=False,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["code"] = code_span
    return env


def render(template: str, **context: Any) -> str:
    """Render ``warehouse/release/templates/<template>`` with ``context``. Raises ``jinja2.TemplateNotFound`` for an
    unknown template and ``jinja2.UndefinedError`` when the template uses a name not in ``context``."""
    return environment().get_template(template).render(**context)
