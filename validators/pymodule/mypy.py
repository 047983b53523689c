"""The package's types: mypy --strict clean, and precise enough for the lab's type tests."""

from __future__ import annotations

import re
import shlex
from pathlib import Path, PurePosixPath

from harness.outcomes import Failure, Passed
from harness.registry import CheckContext, check
from harness.runner.confined import OutsideProject, read_inside

from ..module import typetests
from ..module.hidden_files import HIDDEN, lab_hidden, placed
from ..module.typetests import CheckerError
from .pytest_suite import ASYNC_PACKAGE, PACKAGE, PYTHON, python_of

MYPY_BUDGET_S = 90.0
TYPES = "types"
CONSUMER = "consumer.py"
_ERROR = re.compile(r"^(?P<file>[^:\s][^:]*):(?P<line>\d+):(?:\d+:)? error: (?P<text>.*?)(?:\s+\[(?P<code>[\w-]+)\])?$")
_IGNORE = re.compile(r"#\s*type:\s*ignore\[(?P<codes>[\w, -]+)\]")
UNUSED_IGNORE = "unused-ignore"


def parse_errors(output: str) -> list[CheckerError]:
    """mypy's errors (`file:line: error: text  [code]`), its notes and summary left out."""
    return typetests.parse_errors(output, _ERROR)


def explain(error: CheckerError, consumer: list[str], consumer_path: str) -> str:
    """One error in the learner's words: a type test names the code it checked and what it expected."""
    inside = str(PurePosixPath(HIDDEN) / TYPES / CONSUMER)
    if not error.file.endswith(inside) or not 0 < error.line <= len(consumer):
        return f"{error.file}:{error.line}: {error.text}" + (f" [{error.code}]" if error.code else "")
    source = consumer[error.line - 1].strip()
    code = _IGNORE.sub("", source).strip()
    if error.code == UNUSED_IGNORE:
        expected = _IGNORE.search(source)
        kind = f" ({expected['codes']})" if expected else ""
        return f"{consumer_path}:{error.line}: `{code}` must be a type error{kind}, but your types accept it"
    return f"{consumer_path}:{error.line}: `{code}`: {error.text}" + (f" [{error.code}]" if error.code else "")


@check("pymodule.mypy.strict", points=2, needs_app=False, timeout_s=180)
def types_strict(ctx: CheckContext) -> Passed:
    """The package is mypy --strict clean and types the lab's uses of it precisely.

    The lab's hidden type tests (hidden/types/consumer.py) import shelfkit as a user would,
    and the project's own mypy checks them together with the package under the lab's
    mypy.ini (strict; the project's own mypy configuration is not read): an
    error in the package fails, and so does a type test. The tests check inferred types with
    assert_type (the decorated function keeps its parameters and result, the generators are
    iterators of what they yield) and mark misuses with `# type: ignore[code]`, which strict
    mode reports when nothing needed ignoring: types that accept a misuse (Any, a lost
    signature) fail, as do types that refuse a correct use.
    """
    return judge_types(ctx, PACKAGE, hint=(
        "Type every function as LAB.md does: retry with a ParamSpec and a TypeVar so the decorated "
        "function keeps its parameters and result, Iterator[...] for the generators, "
        "Literal['w', 'wb'] for atomic_write's mode, and no Any where LAB.md has none."))


@check("pymodule.mypy.async_strict", points=2, needs_app=False, timeout_s=180)
def async_types_strict(ctx: CheckContext) -> Passed:
    """The asyncio package is mypy --strict clean and types the lab's uses of it precisely.

    As pymodule.mypy.strict, on shelfasync (python/week-04): the lab's type tests await each
    utility and assert what it gives (gather_limited a list of the awaitables' type,
    with_timeout and a retry_async-decorated coroutine function their own result, run_pipeline
    a list of the handler's, a Pool generic in what its factory makes and lends), and mark
    misuses `# type: ignore[code]`: a decorated function called with a wrong argument, a sync
    sleep or a sync function given to retry_async, a handler that does not take the source's
    items, a factory that is not async. Callable[..., ...] or Any where LAB.md has types fails.
    """
    return judge_types(ctx, ASYNC_PACKAGE, hint=(
        "Type every function as LAB.md does: TypeVars so each result is the awaitables' own type, "
        "retry_async with a ParamSpec (Callable[P, Awaitable[R]] in and out), Callable[[T], Awaitable[R]] "
        "for the handler, class Pool(Generic[T]) with acquire() giving an AbstractAsyncContextManager[T], "
        "and no Any where LAB.md has none."))


def judge_types(ctx: CheckContext, package: str, hint: str) -> Passed:
    """Run the project's mypy on `package` and the lab's hidden type tests, with the lab's mypy.ini."""
    python = python_of(ctx)
    project = ctx.app.project_dir
    shown_path = lab_hidden(ctx) / TYPES / CONSUMER
    with placed(ctx, TYPES) as folder:
        try:
            lines = read_inside(project, str(folder / CONSUMER), 1024 * 1024).splitlines()
        except (OSError, OutsideProject):
            lines = []
        run = ctx.app.run_command([python, "-m", "mypy", "--config-file", str(folder / "mypy.ini"),
                                   "--no-pretty", "--no-color-output", package, str(folder / CONSUMER)],
                                  timeout_s=MYPY_BUDGET_S)
    reproduce = reproduce_line(lab_hidden(ctx) / TYPES, package)
    if run.exit_code is None:
        raise Failure(f"mypy did not finish within {MYPY_BUDGET_S:.0f} s (stopped)", reproduce=reproduce,
                      hint="Run it yourself: a first run without .mypy_cache takes a few seconds, not minutes.")
    if not run.passed:
        errors = parse_errors(run.output)
        if not errors and "No module named mypy" in run.output:
            raise Failure("mypy is not installed in the project's .venv",
                          expected="mypy in requirements.txt, installed by the [app] install",
                          hint="Keep the starter's requirements.txt (pytest and mypy).", reproduce=reproduce)
        problems = [explain(e, lines, str(shown_path)) for e in errors]
        raise typetests.problems_failure(
            run, problems, found="mypy --strict finds {n} problem{s}",
            unparsed=f"mypy could not check {package} (exit code {run.exit_code})",
            hint=hint, reproduce=reproduce,
        )
    refused = sum(1 for line in lines if _IGNORE.search(line))
    return Passed(f"mypy --strict is clean on {package} and the lab's type tests ({refused} misuses refused)")


def reproduce_line(types: Path, package: str = PACKAGE) -> str:
    folder = PurePosixPath(HIDDEN) / TYPES
    return (f"mkdir -p {HIDDEN} && cp -r {shlex.quote(str(types))} {HIDDEN}/ && "
            f"{PYTHON} -m mypy --config-file {folder}/mypy.ini {package} {folder}/{CONSUMER}")
