"""The commands are the top floor: nothing below them imports harness.commands.

A lower floor reaching up (grading importing a command's option group) makes the command
line and the engine import each other; shared option groups live in commands/options.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import harness

HARNESS = Path(harness.__file__).resolve().parent
BELOW_COMMANDS = ("grading", "runner", "services", "load")


def _imports(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _upward(package: str) -> list[str]:
    wrong = []
    for path in sorted((HARNESS / package).rglob("*.py")):
        for line, module in _imports(path):
            if module == "harness.commands" or module.startswith("harness.commands."):
                wrong.append(f"{path.relative_to(HARNESS.parent)}:{line} imports {module}")
    return wrong


def test_nothing_below_the_commands_imports_them() -> None:
    wrong = [hit for package in BELOW_COMMANDS for hit in _upward(package)]
    assert not wrong, ("these modules reach up into harness/commands; move what they need down "
                       "(shared option groups: harness/commands/options.py, used by commands only):\n"
                       + "\n".join(wrong))


def test_the_scan_sees_an_upward_import(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("import os\nfrom harness.commands.options import service_options\n"
                      "def f():\n    import harness.commands.grade\n")
    modules = [m for _, m in _imports(source)]
    assert "harness.commands.options" in modules and "harness.commands.grade" in modules


def test_every_command_lives_in_commands() -> None:
    from harness.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert commands is not None
    for name, sub in commands.items():
        handler = sub.get_default("handler")
        assert handler.__module__.startswith("harness.commands."), f"{name}: its entry is {handler.__module__}"
