"""The lab's hidden files, run on the learner's module.

A module lab ships files the learner never gets in the project: tests (`hidden/*.test.mjs`),
a type-test program, probes. A check copies the ones it needs into `<project>/.harness/hidden/`
(inside the project, so that a grading jail, which binds the project folder, sees them at the
same path), runs them there through the app's launcher (`ctx.app.run_command`: the
submission's account and jail), and removes them. From there they load the package by its own
name, which Node and TypeScript resolve through the package.json "exports" (a package may
import itself by name from inside its folder), so every check uses the package as its users do.

The hidden tests run with `node --test --test-reporter=tap`: the failing tests are named with
their error lines (harness/runner/testlog.py), their files shown at the lab's path, and the
reproduce line copies the file in and runs the first failing test alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from harness.catalog import Catalog
from harness.outcomes import CannotCheck, Failure, Passed
from harness.registry import CheckContext
from harness.runner.confined import OutsideProject, read_inside
from harness.runner.testlog import FailureDigest
from harness.runs import ProjectRun

SCRATCH = Path(".harness")
HIDDEN = SCRATCH / "hidden"
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


def lab_hidden(ctx: CheckContext) -> Path:
    """The lab's own hidden/ folder (in the checkout or the installed wheel)."""
    for lab in Catalog.load().labs:
        if lab.id == ctx.lab_id and (lab.folder / "hidden").is_dir():
            return lab.folder / "hidden"
    raise CannotCheck(f"the lab {ctx.lab_id or '(none)'} ships no hidden/ folder for this check")


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


@contextlib.contextmanager
def placed(ctx: CheckContext, name: str) -> Iterator[Path]:
    """The lab's hidden/<name> (a file or a folder) copied to <project>/.harness/hidden/<name>;
    yields its path relative to the project, and removes it afterwards."""
    source = lab_hidden(ctx) / name
    project = ctx.app.project_dir
    # The harness writes here with its own rights (root when grading): a submission that ships
    # .harness or .harness/hidden as a link elsewhere must not steer the copy.
    for path in (project / SCRATCH, project / HIDDEN):
        if path.is_symlink() or path.is_file():
            path.unlink()
    target = project / HIDDEN / name
    _remove(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copyfile(source, target)
    _readable(project, target)
    try:
        yield HIDDEN / name
    finally:
        _remove(target)
        for folder in (project / HIDDEN, project / SCRATCH):
            try:
                folder.rmdir()
            except OSError:
                break


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def _readable(project: Path, copied: Path) -> None:
    """A jailed run reads the copy as the project's account: the grader's umask (077) must not hide it.

    Only the two folders on the way and what was just copied are opened up. The submission may
    ship other entries in .harness, links among them, and os.chmod follows a link: walking the
    whole folder as root would make a linked /etc/shadow readable to everyone."""
    for folder in (project / SCRATCH, project / HIDDEN):
        if folder.is_symlink() or not folder.is_dir():
            raise CannotCheck(f"{folder.relative_to(project)} changed while the harness prepared it")
        os.chmod(folder, 0o755)
    if copied.is_symlink():
        raise CannotCheck(f"{copied.relative_to(project)} changed while the harness prepared it")
    if copied.is_file():
        os.chmod(copied, 0o644)
        return
    for root, _dirs, files in os.walk(copied):  # the lab's own files: os.walk does not enter links
        os.chmod(root, 0o755)
        for name in files:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                os.chmod(path, 0o644)


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
