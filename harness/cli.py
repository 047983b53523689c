"""The command line, and its one error boundary: errors become messages and exit codes."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence

from harness import __version__
from harness.errors import ExitCode, HarnessError, UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see: {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="harness", description="Hands-on backend labs, checked against real databases.")
    parser.add_argument("--version", action="version", version=f"harness {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    from harness.commands import bench, check, doctor, grade, labs, start

    check.add_parser(sub)
    labs.add_parser(sub)
    start.add_parser(sub)
    doctor.add_parser(sub)
    bench.add_parser(sub)
    grade.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list or os.environ.get("HARNESS_DEBUG") == "1"
    try:
        parser = build_parser()
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
    except Exception as exc:
        print(f"harness: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("This is a harness bug. Run again with --debug and report the traceback.", file=sys.stderr)
        if debug:
            traceback.print_exc()
        return int(ExitCode.INTERNAL)


if __name__ == "__main__":
    sys.exit(main())
