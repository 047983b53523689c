"""module-info.java: the module exports its API package and hides the rest (java/week-05).

The install compiles the project (`mvn test` with a filter that runs nothing), so
target/classes holds the compiled module-info.class. The check asks the lab's JDK what that
module descriptor says (`java --module-path target/classes --describe-module NAME`), as the
JVM itself will read it, rather than parsing the source: a module-info.java that does not
compile, or a comment that looks like an export, cannot mislead it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from harness.outcomes import Failure, Passed
from harness.registry import CheckContext, check

from .maven_suite import error_lines, tail

MODULE = "dev.shelf.fanout"
API = "dev.shelf.fanout"
CLASSES = Path("target/classes")
SOURCE = Path("src/main/java/module-info.java")
DESCRIBE_BUDGET_S = 60.0
JVM_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")  # a JVM that lives a second: the quick JIT only
_LINE = re.compile(r"^(qualified )?(exports|opens) (\S+)(?: to (.+))?$")


@dataclass(frozen=True)
class Descriptor:
    open: bool
    exports: dict[str, str]  # package -> "" (to everyone) or the modules it is exported to
    opens: dict[str, str]
    contains: tuple[str, ...]


def parse_description(text: str, module: str = MODULE) -> Descriptor | None:
    """`java --describe-module` output: `NAME[@VERSION] location [open]`, then one line per directive."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # `dev.shelf.fanout@1.0.0 file:///...`: Maven records the project's version in the descriptor.
    head = next((i for i, line in enumerate(lines) if line.split()[0].split("@")[0] == module), None)
    if head is None:
        return None
    exports: dict[str, str] = {}
    opens: dict[str, str] = {}
    contains: list[str] = []
    for line in lines[head + 1:]:
        match = _LINE.match(line)
        if match:
            (exports if match.group(2) == "exports" else opens)[match.group(3)] = match.group(4) or ""
        elif line.startswith("contains "):
            contains.append(line.split()[1])
    return Descriptor(open=lines[head].split()[-1] == "open", exports=exports, opens=opens, contains=tuple(contains))


def compiled_module(ctx: CheckContext) -> Path:
    """target/classes with the module's compiled descriptor, or a Failure saying what is missing."""
    project = ctx.app.project_dir
    if not (project / SOURCE).is_file():
        raise Failure(f"there is no {SOURCE}: the project is not a module",
                      expected=f"{SOURCE} declaring `module {MODULE} {{ exports {API}; }}`",
                      hint="Keep module-info.java at the root of the source folder, beside dev/.")
    if not (project / CLASSES / "module-info.class").is_file():
        raise Failure(f"{CLASSES}/module-info.class is missing after the install (mvn compiles the project)",
                      expected=f"{SOURCE} compiled into {CLASSES}",
                      hint="Run `mvn -B test` and fix what it reports; keep Maven's default output folder.",
                      reproduce="mvn -B compile && ls target/classes")
    return CLASSES


def describe_command() -> list[str]:
    return ["java", *JVM_FLAGS, "--module-path", CLASSES.as_posix(), "--describe-module", MODULE]


@check("jmodule.module.exports", points=2, needs_app=False, timeout_s=120)
def module_exports(ctx: CheckContext) -> Passed:
    """module-info.java declares the module dev.shelf.fanout, which exports dev.shelf.fanout and
    nothing else.

    Reads the compiled descriptor with the JDK: `java --module-path target/classes
    --describe-module dev.shelf.fanout`. The API package must be exported to every module; any
    other export (dev.shelf.fanout.internal, also a qualified `exports ... to`), an `opens` of a
    package other than the API, or an `open module` fails: each lets code outside the module
    reach the implementation (opens at run time, through reflection).
    """
    compiled_module(ctx)
    reproduce = " ".join(describe_command())
    run = ctx.app.run_command(describe_command(), timeout_s=DESCRIBE_BUDGET_S)
    descriptor = parse_description(run.output)
    if run.exit_code != 0 or descriptor is None:
        raise Failure(f"the JDK finds no module {MODULE} in {CLASSES}",
                      expected=f"module-info.java declares `module {MODULE}`",
                      actual=error_lines(run.output) or tail(run.output, 6),
                      hint=f"The module's name is the README's: `module {MODULE} {{ ... }}`.", reproduce=reproduce)
    shown = tail(run.output, 12)
    if API not in descriptor.exports or descriptor.exports[API]:
        raise Failure(f"the module does not export its API package {API} to every module",
                      expected=f"exports {API};", actual=shown,
                      hint="Without it no code outside the module can use FanOut.", reproduce=reproduce)
    others = sorted(package for package in descriptor.exports if package != API)
    if others:
        raise Failure(f"the module exports {', '.join(others)} besides its API: code outside it can depend on "
                      "the implementation",
                      expected=f"exports {API}; and no other exports", actual=shown,
                      hint="Remove the other exports lines: a package that is not exported is the module's own, "
                           "and can change without breaking any caller.", reproduce=reproduce)
    opened = sorted(package for package in descriptor.opens if package != API)
    if descriptor.open or opened:
        what = "the whole module is open" if descriptor.open else f"it opens {', '.join(opened)}"
        raise Failure(f"{what}: any code can reach the implementation through reflection",
                      expected=f"a plain `module {MODULE}` with no opens but, if any, of {API}", actual=shown,
                      hint="Drop `open` before `module` and the opens lines of internal packages.",
                      reproduce=reproduce)
    hidden = [package for package in descriptor.contains if package != API]
    kept = f" and keeps {', '.join(hidden)} to itself" if hidden else ""
    return Passed(f"module {MODULE} exports {API} only{kept}")
