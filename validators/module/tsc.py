"""The module's TypeScript types: strict-clean, and precise enough for the lab's type tests."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from harness.outcomes import Failure, Passed
from harness.registry import CheckContext, check
from harness.runner.confined import OutsideProject, read_inside
from harness.runs import ProjectRun

from . import typetests
from .hidden_suite import HIDDEN, lab_hidden, package_name, placed
from .typetests import CheckerError

TSC = "node_modules/typescript/bin/tsc"
TSC_BUDGET_S = 90.0
CONSUMER = "consumer.ts"
PLACEHOLDER = "__PACKAGE__"
_ERROR = re.compile(r"^(?P<file>[^\s(][^(]*)\((?P<line>\d+),(?P<col>\d+)\): error (?P<code>TS\d+): (?P<text>.*)$")
_EXPECT = re.compile(r"//\s*@ts-expect-error\s*(?P<why>.*)$")
UNUSED_EXPECT = "TS2578"


def parse_errors(output: str) -> list[CheckerError]:
    """tsc's errors (--pretty false: one `file(line,col): error TSnnnn: text` line each)."""
    return typetests.parse_errors(output, _ERROR)


def explain(error: CheckerError, consumer: list[str], consumer_path: str) -> str:
    """One error in the learner's words: a type test names the code it compiled and what it expected."""
    if not error.file.endswith(f"{HIDDEN}/types/{CONSUMER}") or not 0 < error.line <= len(consumer):
        return f"{error.file}:{error.line}: {error.code} {error.text}"
    source = consumer[error.line - 1].strip()
    if error.code == UNUSED_EXPECT:
        why = _EXPECT.search(source)
        code = consumer[error.line].strip() if error.line < len(consumer) else ""
        reason = f" ({why['why']})" if why and why["why"] else ""
        return f"{consumer_path}:{error.line + 1}: `{code}` must be a type error{reason}, but your types accept it"
    return f"{consumer_path}:{error.line}: `{source}`: {error.code} {error.text}"


@check("module.tsc.strict", points=2, needs_app=False, timeout_s=240)
def types_strict(ctx: CheckContext) -> Passed:
    """The package's types compile with tsc --strict --noEmit and type the lab's uses of it precisely.

    The lab's hidden type tests (hidden/types/consumer.ts) import the package by its name, so
    its declarations resolve through package.json "exports" ("types") as a user's would, and
    the project's own TypeScript compiles them with strict, noEmit and no skipLibCheck: an
    error in the learner's .d.ts files fails, and so does a type test. The type tests use each
    function as the README types it and mark misuses with @ts-expect-error: types that accept
    a misuse (any, a missing generic) fail, as do types that reject a correct use. (One tsc
    run: the project's own tsconfig.json is the learner's, for `npm run typecheck`.)
    """
    module = package_name(ctx)
    project = ctx.app.project_dir
    if not (project / TSC).is_file():
        raise Failure("TypeScript is not installed in the project (no node_modules/typescript)",
                      expected='"typescript" in package.json devDependencies, installed by npm ci',
                      hint="Keep the starter's devDependencies and package-lock.json.", reproduce="npm ci")
    shown_path = lab_hidden(ctx) / "types" / CONSUMER
    with placed(ctx, "types") as folder:
        consumer = project / folder / CONSUMER
        consumer.write_text(consumer.read_text(encoding="utf-8").replace(PLACEHOLDER, module), encoding="utf-8")
        try:
            lines = read_inside(project, str(folder / CONSUMER), 1024 * 1024).splitlines()
        except (OSError, OutsideProject):
            lines = []
        run = ctx.app.run_command(["node", TSC, "-p", str(folder / "tsconfig.json"), "--pretty", "false"],
                                  timeout_s=TSC_BUDGET_S)
    if not run.passed:
        problems = [explain(e, lines, str(shown_path)) for e in parse_errors(run.output)]
        _fail(run, "your types", problems, reproduce=_reproduce(lab_hidden(ctx) / "types", module))
    return Passed(f"tsc --strict --noEmit is clean on your types and the lab's type tests "
                  f"({sum(1 for line in lines if '@ts-expect-error' in line)} misuses refused)")


def _fail(run: ProjectRun, where: str, problems: list[str], *, reproduce: str) -> None:
    if run.exit_code is None:
        raise Failure(f"tsc did not finish on {where} within {TSC_BUDGET_S:.0f} s (stopped)", reproduce=reproduce)
    raise typetests.problems_failure(
        run, problems, found=f"tsc --strict finds {{n}} problem{{s}} in {where}",
        unparsed=f"tsc --strict finds 0 problems in {where} (exit code {run.exit_code})",
        hint=("Type each function as the README does: generics that carry the callback's parameters and result "
              "(retry<T>, limit's task<T>, memoize<A, R>, groupBy<T, K extends PropertyKey>), an options "
              "interface with only the README's keys, and no any."),
        reproduce=reproduce,
    )


def _reproduce(types: Path, module: str) -> str:
    return (f"mkdir -p {HIDDEN} && cp -r {shlex.quote(str(types))} {HIDDEN}/ && "
            f"sed -i 's/{PLACEHOLDER}/{module}/' {HIDDEN}/types/{CONSUMER} && "
            f"npx tsc -p {HIDDEN}/types/tsconfig.json")
