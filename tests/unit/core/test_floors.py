"""The engine's floors: a module imports its own floor and the floors below it, never above.

A floor reaching up makes two parts import each other (services importing the runner while
the runner's session imports services), and then neither can be used, tested or changed
without the other. Imports inside functions count: a late import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import harness
import harness.validators

HARNESS = Path(harness.__file__).resolve().parent
ROOT = HARNESS.parent

# Top to bottom. The parts on one floor may import each other; each line says why it sits there.
FLOORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("the error boundary", ("cli",)),
    ("the commands: arguments in, an engine call, exit codes out", ("commands",)),
    ("whole runs: a class's submissions, a pytest session", ("grading", "pytest_plugin")),
    ("one check run: the learner's app, the session, the checks", ("runner",)),
    ("what a run reads and writes: labs, reports, the load generator", ("catalog", "reporters", "load")),
    ("what a check is written with: @check and the registry, the context it receives",
     ("registry", "context", "expect")),
    ("probes of the databases the harness owns", ("introspect",)),
    ("PostgreSQL, Redis, MongoDB: docker | local | external", ("services",)),
    ("processes, their logs, their owner, cleanup: /proc and cgroups", ("proc",)),
    ("values and small helpers every floor may use",
     ("harness", "errors", "durations", "paths", "params", "config", "outcomes", "runs", "limits", "layers",
      "cache", "systools", "httpclient", "httpcap", "progress", "loopback")),
)
# The checks are loaded by the runner and written against the floors below it; the ones
# that read the learner's files use runner/confined.py, so they sit on the runner's floor.
VALIDATORS_FLOOR = "runner"
WHERE_TO_MOVE = ("move what the lower module needs down to its floor or below (a value or helper to "
                 "the bottom floor, a process helper to harness/proc/), or pass it in from above; "
                 "the floors are in FLOORS here and in the README's Layout")

LEVEL = {part: level for level, (_, parts) in enumerate(FLOORS) for part in parts}


def _imports(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _part(module: str) -> str | None:
    """The floor table's name for a harness module: its subpackage or top-level module."""
    names = module.split(".")
    if names[0] != "harness":
        return None
    if len(names) == 1 or names[1] == "__version__":
        return "harness"
    # Anything else is a name in harness/__init__.py, imported as `from harness import x`;
    # that statement is also seen as an import of `harness` itself.
    return names[1] if names[1] in LEVEL else None


def _part_of_file(path: Path) -> str:
    relative = path.relative_to(HARNESS)
    return "harness" if relative == Path("__init__.py") else relative.parts[0].removesuffix(".py")


def _reaching_up(path: Path, own: str) -> list[tuple[int, str, str]]:
    """(line, module, its part) for each import in `path` of a floor above `own`'s."""
    hits: dict[tuple[int, str], str] = {}
    for line, module in _imports(path):
        target = _part(module)
        if target in LEVEL and LEVEL[target] < LEVEL[own]:
            hits.setdefault((line, target), module)  # `from a import b` once, not as a and a.b
    return [(line, module, target) for (line, target), module in hits.items()]


def _upward(path: Path, own: str) -> list[str]:
    return [f"{path.relative_to(ROOT)}:{line} ({own}) imports {module} ({FLOORS[LEVEL[target]][0]})"
            for line, module, target in _reaching_up(path, own)]


def test_every_part_of_the_engine_has_a_floor() -> None:
    parts = {_part_of_file(p) for p in HARNESS.glob("*.py")} | {
        p.name for p in HARNESS.iterdir() if (p / "__init__.py").is_file()}
    missing = sorted(parts - set(LEVEL))
    assert not missing, f"give these a floor in FLOORS (by what they import and what imports them): {missing}"
    gone = sorted(set(LEVEL) - parts)
    assert not gone, f"FLOORS names parts that no longer exist: {gone}"


def test_no_import_reaches_up_a_floor() -> None:
    wrong = [hit for path in sorted(HARNESS.rglob("*.py")) for hit in _upward(path, _part_of_file(path))]
    assert not wrong, "these imports reach up a floor; " + WHERE_TO_MOVE + ":\n" + "\n".join(wrong)


def test_the_checks_do_not_reach_above_the_runner() -> None:
    # Wherever the checks are installed from (a checkout's validators/, or inside a wheel).
    validators = Path(next(iter(harness.validators.__path__)))
    assert any(validators.rglob("*.py")), f"no check module under {validators}"
    wrong = [hit for path in sorted(validators.rglob("*.py")) for hit in _upward(path, VALIDATORS_FLOOR)]
    assert not wrong, "checks reach above the runner; " + WHERE_TO_MOVE + ":\n" + "\n".join(wrong)


def test_the_scan_sees_an_upward_import(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("import os\nfrom harness.proc import owner\nfrom harness.runner.session import Session\n"
                      "def f():\n    import harness.commands.grade\n")
    hits = {(line, target) for line, _, target in _reaching_up(source, "services")}
    assert hits == {(3, "runner"), (5, "commands")}


def test_every_command_lives_in_commands() -> None:
    from harness.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert commands is not None
    for name, sub in commands.items():
        handler = sub.get_default("handler")
        assert handler.__module__.startswith("harness.commands."), f"{name}: its entry is {handler.__module__}"
