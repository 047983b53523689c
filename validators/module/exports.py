"""The package loads both ways its users load it: import (ESM) and require (CommonJS)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from harness.outcomes import Failure, Passed
from harness.registry import CheckContext, check
from harness.runs import ProjectRun

from .hidden_suite import MODULE_ENV, package_name, placed

PROBE_BUDGET_S = 30.0
# What hidden/exports/sample.cjs reports for a package whose four functions work: the same
# through import and require. Its inputs avoid every behaviour the other checks judge (no
# odd keys, no rejected promise, one task at a time), so only loading can fail it.
EXPECTED: dict[str, Any] = {
    "kinds": {"retry": "function", "limit": "function", "memoize": "function", "groupBy": "function"},
    "groupBy": {"a": ["apple", "avocado"], "b": ["banana"]},
    "memoizeCalls": 1,
    "retry": ["ok", 2],
    "limit": [1, 2],
}
LOADERS = (("import", "probe.mjs", "await import('{m}')"), ("require", "probe.cjs", "require('{m}')"))


@dataclass(frozen=True)
class Probe:
    """What one probe printed: the sample's result, or why there is none."""

    result: dict[str, Any] | None = None
    load_error: str = ""
    call_error: str = ""


def read_probe(run: ProjectRun) -> Probe:
    """The probe's JSON line (its last), or a load error saying why it printed none."""
    for line in reversed(run.output.strip().splitlines()):
        try:
            found = json.loads(line)
        except ValueError:
            continue
        if isinstance(found, dict):
            result = found.get("result")
            return Probe(result if isinstance(result, dict) else None, str(found.get("loadError", "")),
                         str(found.get("callError", "")))
    if run.exit_code is None:
        return Probe(load_error=f"it did not finish within {PROBE_BUDGET_S:.0f} s")
    tail = " | ".join(run.output.strip().splitlines()[-3:])
    return Probe(load_error=f"node exited with code {run.exit_code}" + (f": {tail}" if tail else ""))


def problem(how: str, probe: Probe) -> str:
    """What is wrong with one way of loading the package, or "" when nothing is."""
    if probe.load_error:
        return f"{how} fails: {probe.load_error}"
    if probe.call_error:
        return f"{how} loads the package, but calling its functions throws {probe.call_error}"
    result = probe.result or {}
    kinds = result.get("kinds")
    if kinds != EXPECTED["kinds"]:
        shown = ", ".join(f"{k}: {v}" for k, v in kinds.items()) if isinstance(kinds, dict) else "nothing"
        return f"{how} gives {shown}, not the four functions"
    if result != EXPECTED:
        return f"{how} gives functions that answer differently: {json.dumps(result, sort_keys=True)}"
    return ""


def hint_for(loader: str, probe: Probe) -> str:
    error = probe.load_error
    if "ERR_PACKAGE_PATH_NOT_EXPORTED" in error or 'No "exports" main' in error:
        target = ('"require": "./dist/cjs/index.js" (the CommonJS copy npm run build makes)' if loader == "require"
                  else '"import": "./src/index.js"')
        return f'package.json "exports" has no "{loader}" condition: add {target} to exports["."].'
    if "ERR_REQUIRE_ESM" in error or "require() of ES Module" in error:
        return ('The "require" condition names an ES module, which require() cannot load in Node 20: point it at '
                "the CommonJS build, ./dist/cjs/index.js (npm run build writes it, with a package.json that says "
                "commonjs).")
    if "MODULE_NOT_FOUND" in error:
        return f'The file the "{loader}" condition names does not exist: check the path (and that npm run build ran).'
    return ("Export retry, limit, memoize and groupBy by name from src/index.js; the CommonJS copy is built from "
            "the same src/ by npm run build, so both give the same functions.")


@check("module.exports.dual", points=1, needs_app=False, timeout_s=120)
def import_and_require(ctx: CheckContext) -> Passed:
    """The package works through both import and require, by its name, through package.json "exports".

    Two probes in the project (hidden/exports/) load the package by its own name, one with
    `await import()`, one with `require()` in plain Node 20 (no flag): each must get the four
    functions, and calling them on simple inputs must give the right answers.
    """
    module = package_name(ctx)
    problems: list[tuple[str, Probe, str]] = []
    with placed(ctx, "exports") as folder:
        for loader, probe_file, how in LOADERS:
            run = ctx.app.run_command(["node", str(folder / probe_file)], timeout_s=PROBE_BUDGET_S,
                                      env={MODULE_ENV: module})
            probe = read_probe(run)
            wrong = problem(how.format(m=module), probe)
            if wrong:
                problems.append((loader, probe, wrong))
    if problems:
        first = problems[0][2]
        # A loader that fails to load says more about the fix than one whose functions throw.
        loader, probe, _ = next((p for p in problems if p[1].load_error), problems[0])
        raise Failure(
            first, expected=f"{' and '.join(how.format(m=module) for _, _, how in LOADERS)} both give the four "
                            "working functions",
            actual="\n".join(wrong for _, _, wrong in problems), hint=hint_for(loader, probe),
            reproduce=(f"node --input-type=module -e \"console.log(Object.keys(await import('{module}')))\" && "
                       f"node -e \"console.log(Object.keys(require('{module}')))\""),
        )
    return Passed(f"import and require of {module} both give the four working functions")
