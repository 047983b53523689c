"""How to fix a security finding in the learner's stack: the checks grade an Express project
(node/week-21, and the capstone built on it), and say it in Spring Security's words for a
java project (java/week-19, the Spring Security lab, is planned: its proof does not fit CI yet)."""

from __future__ import annotations

from harness.registry import CheckContext


def in_stack(ctx: CheckContext, general: str, *, node: str, java: str) -> str:
    """`general`, then Spring's words for a java lab and node's for any other (the node labs, the
    capstone, a context that names no lab): node's were the only words before, and general + " " +
    node is still each of those hints as it was. Unlike ctx.hint, the general text alone is never
    the hint: it is the first half of a sentence."""
    return f"{general} {java if ctx.track == 'java' else node}"
