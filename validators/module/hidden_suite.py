"""The lab's hidden node files, run on the learner's module.

A node module lab ships tests (`hidden/*.test.mjs`), a type-test program and probes; each
check places the ones it needs in the project (hidden_files.py) and runs them there. From
there they load the package by its own name, which Node and TypeScript resolve through the
package.json "exports" (a package may import itself by name from inside its folder), so every
check uses the package as its users do.

The hidden tests run with `node --test --test-reporter=tap`: the failing tests are named with
their error lines (harness/runner/testlog.py), their files shown at the lab's path, and the
reproduce line copies the file in and runs the first failing test alone.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass

from harness.outcomes import Failure, Passed
from harness.registry import CheckContext
from harness.runner.confined import OutsideProject, read_inside
from harness.runner.testlog import FailureDigest
from harness.runs import ProjectRun

# Re-exported: the node checks and their tests import the placing from here, where it was first written.
from .hidden_files import HIDDEN as HIDDEN
from .hidden_files import lab_hidden as lab_hidden
from .hidden_files import placed as placed

# The environment variable the hidden files read the package's name from.
MODULE_ENV = "LAB_MODULE"
SUITE_BUDGET_S = 60.0
MANIFEST_BYTES = 1024 * 1024
# An npm package name (scoped or not), which also keeps the name harmless in a shell line and a
# TypeScript string.
_NAME = re.compile(r"^(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*$")
_JS_SPECIAL = re.compile(r"[\\^$.*+?()[\]{}|/]")
_CRASH = re.compile(r"^# [A-Za-z]*Error\b")
_COUNT = re.compile(r"^# (tests|pass|fail|cancelled) (\d+)$", re.MULTILINE)


def package_name(ctx: CheckContext) -> str:
    """The project's package name, read from its package.json, which must also have "exports"."""
    try:
        manifest = json.loads(read_inside(ctx.app.project_dir, "package.json", MANIFEST_BYTES))
    except FileNotFoundError:
        raise Failure("the project has no package.json", hint="Start from the lab's starter: it has one.") from None
    except (OSError, OutsideProject, ValueError) as exc:
        raise Failure(f"package.json could not be read: {exc}", hint="Keep package.json a plain JSON file.") from None
    name = manifest.get("name") if isinstance(manifest, dict) else None
    if not isinstance(name, str) or not _NAME.match(name):
        raise Failure(f"package.json has no usable \"name\" (found {name!r})", expected="an npm package name",
                      hint="Keep the starter's \"name\": \"foundation-utils\".")
    if not isinstance(manifest, dict) or "exports" not in manifest:
        raise Failure("package.json has no \"exports\": the package cannot be imported by its name",
                      expected='"exports": { ".": { "types": ..., "import": ..., "require": ... } }',
                      hint="Keep the starter's \"exports\" and add to it: every check loads the package through it.")
    return name


@dataclass(frozen=True)
class SuiteResult:
    run: ProjectRun
    counts: dict[str, int]
    failures: str  # the failing tests, named with their error lines, at the lab's paths
    first_failing: str
    # The error that stopped the file itself (its import of the package failed, a syntax
    # error): node:test then reports one failure named by the file, and prints the error as
    # `# ` comment lines before it.
    crash: str


def run_suite(ctx: CheckContext, file: str, module: str) -> SuiteResult:
    """Run the lab's hidden/<file> with node --test on the project's package."""
    project = ctx.app.project_dir
    with placed(ctx, file) as relative:
        run = ctx.app.run_command(["node", "--test", "--test-reporter=tap", str(relative)],
                                  timeout_s=SUITE_BUDGET_S, env={MODULE_ENV: module})
    shown = run.output.replace(f"{project}/{HIDDEN}/", f"{lab_hidden(ctx)}/")
    digest = FailureDigest()
    for line in shown.splitlines():
        digest.add(line)
    counts = {key: int(value) for key, value in _COUNT.findall(shown)}
    failed = digest.failures()
    crashed = any(test.name.endswith(f"/{file}") for test in failed)
    crash = crash_lines(shown) if crashed else ""
    first = "" if crashed else (failed[0].name if failed else "")
    return SuiteResult(run, counts, digest.summary(), first, crash)


def judge_suite(ctx: CheckContext, file: str, subject: str, hint: str) -> Passed:
    """Pass when every hidden test of `file` passes; else fail naming the tests that did not."""
    module = package_name(ctx)
    result = run_suite(ctx, file, module)
    run, counts = result.run, result.counts
    reproduce = _reproduce(ctx, file, module, result.first_failing)
    if run.exit_code is None:
        raise Failure(f"the hidden tests of {subject} did not finish within {SUITE_BUDGET_S:.0f} s (stopped)",
                      actual=result.failures or _tail(run.output),
                      hint="A promise that never settles keeps a test waiting: " + hint, reproduce=reproduce)
    if result.crash:
        raise Failure(f"the hidden tests of {subject} could not run: {result.crash.splitlines()[0]}",
                      expected=f"{file} imports {module} and its tests run", actual=result.crash,
                      hint=('Node could not load the package by its name: check package.json "name" and the files its '
                            '"exports" names (import: ./src/index.js), and that src/index.js loads: '
                            f"node --input-type=module -e \"await import('{module}')\""),
                      reproduce=reproduce)
    total = counts.get("tests", 0)
    if run.passed and total and counts.get("pass") == total:
        return Passed(f"all {total} hidden tests of {subject} pass")
    bad = counts.get("fail", 0) + counts.get("cancelled", 0)
    first = f": {result.first_failing}" if result.first_failing else ""
    raise Failure(
        f"{bad} of {total} hidden tests of {subject} fail{first}" if total and bad
        else f"the hidden tests of {subject} did not run (node --test exited with code {run.exit_code})",
        expected=f"every test in {file} passes",
        actual=result.failures or _tail(run.output),
        hint=hint, reproduce=reproduce,
    )


def crash_lines(output: str, most: int = 8) -> str:
    """The error node printed for a file that stopped before its tests: from its `# ...Error` line,
    the comment lines up to node's version line or the file's result."""
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines) if _CRASH.match(line)), None)
    if start is None:
        return ""
    kept = []
    for line in lines[start:]:
        if not line.startswith("# ") or line.startswith(("# Node.js", "# Subtest")):
            break
        if not line[2:].lstrip().startswith("at "):  # the stack is node's own frames: its first line says it
            kept.append(line[2:])
    return "\n".join(kept[:most])


def _reproduce(ctx: CheckContext, file: str, module: str, test_name: str) -> str:
    source = lab_hidden(ctx) / file
    only = f" --test-name-pattern={shlex.quote('^' + js_escape(test_name) + '$')}" if test_name else ""
    return (f"mkdir -p {HIDDEN} && cp {shlex.quote(str(source))} {HIDDEN}/ && "
            f"{MODULE_ENV}={module} node --test{only} {HIDDEN}/{file}")


def js_escape(text: str) -> str:
    """`text` as a JavaScript regular expression that matches only it (what --test-name-pattern takes)."""
    return _JS_SPECIAL.sub(lambda m: "\\" + m[0], text)


def _tail(output: str, lines: int = 15) -> str:
    return "\n".join(output.strip().splitlines()[-lines:])
