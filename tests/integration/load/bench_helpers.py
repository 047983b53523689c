"""Run `harness bench` in-process (as the CLI does) and read its JSON."""

from __future__ import annotations

import argparse
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.commands.bench import run_bench
from harness.load.cli import add_bench_arguments


@dataclass
class BenchRun:
    code: int
    stdout: str
    stderr: str
    result: dict[str, Any]

    def explain(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def bench(tmp_path: Path, url: str, *argv: str) -> BenchRun:
    parser = argparse.ArgumentParser(prog="harness bench")
    add_bench_arguments(parser)
    out_json = tmp_path / "result.json"
    args = parser.parse_args([url, *argv, "--json", str(out_json)])
    out, err = io.StringIO(), io.StringIO()
    code = run_bench(args, out=out, err=err)
    result = json.loads(out_json.read_text()) if out_json.exists() else {}
    return BenchRun(code, out.getvalue(), err.getvalue(), result)
