"""The one jinja2 environment of the HTML reports (check, bench, a class's grades).

What they show is untrusted text: an app's log, a check's evidence, a submission's folder
name. Every template is escaped (autoescape), and a name a template uses that its data
lacks is an error, not an empty cell (StrictUndefined): a renamed results field breaks a
test instead of quietly blanking a report. The templates ship in the package
(harness/reporters/templates), so a wheel renders them without this checkout.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import jinja2

from harness.reporters.junit import xml_safe


@dataclass(frozen=True)
class Cell:
    """A table cell that is more than its text: shown as code, or with a class (ok, bad, muted)."""

    text: str
    css: str = ""
    code: bool = False


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("harness.reporters", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Colour codes and control characters of a log are noise on a page (and invalid HTML).
    env.filters["clean"] = xml_safe
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
