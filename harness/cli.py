"""The command line, and its one error boundary: errors become messages and exit codes."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence

from harness import __version__
from harness.errors import ExitCode, HarnessError, UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see: {self.prog} --help)")


COMMANDS = ("check", "labs", "start", "doctor", "bench", "grade")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with `command` (one of COMMANDS), only that command's: each command's
    module imports what it runs (the load engine, the grader), and a check run that imported
    them all would pay a tenth of a second more, every run."""
    parser = _Parser(prog="harness", description="Hands-on backend labs, checked against real databases.")
    parser.add_argument("--version", action="version", version=f"harness {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in (command,) if command in COMMANDS else COMMANDS:
        importlib.import_module(f"harness.commands.{name}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list or os.environ.get("HARNESS_DEBUG") == "1"
    try:
        parser = build_parser(args_list[0] if args_list else None)
        args = parser.parse_args(args_list)
        code: int = args.handler(args)
        return code
    except HarnessError as exc:
        print(f"harness: error: {exc.render()}", file=sys.stderr)
        if debug:
            traceback.print_exc()
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("harness: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        return int(ExitCode.OK)
    except ModuleNotFoundError as exc:
        if _ours(exc.name):
            return _internal(exc, debug)
        # Not a bug: this Python lacks one of the harness's dependencies (pyproject.toml), as when
        # `python3 -m harness.cli` runs in a checkout on the machine's own Python.
        missing = HarnessError(
            f"the module {exc.name!r}, which the harness needs, is not installed for {sys.executable}",
            fixes=["Install the harness into an environment of its own, with its dependencies: "
                   "`uv tool install .` or `pipx install .` in the checkout (README: Install)",
                   "Or run scripts/try in the checkout: it makes .venv and installs the harness there"])
        print(f"harness: error: {missing.render()}", file=sys.stderr)
        if debug:
            traceback.print_exc()
        return int(missing.exit_code)
    except Exception as exc:
        return _internal(exc, debug)


def _ours(module: str | None) -> bool:
    """Whether a module that is missing is one of the harness's own (a packaging bug), or unnamed."""
    return module is None or module.split(".", 1)[0] in ("harness", "validators")


def _internal(exc: Exception, debug: bool) -> int:
    print(f"harness: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
    print("This is a harness bug. Run again with --debug and report the traceback.", file=sys.stderr)
    if debug:
        traceback.print_exc()
    return int(ExitCode.INTERNAL)


if __name__ == "__main__":
    sys.exit(main())
