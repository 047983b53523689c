"""`harness bench` arguments: every mistake is exit 4 with a message naming the option."""

from __future__ import annotations

import argparse
import io
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from harness.commands.bench import run_bench
from harness.load.cli import EXIT_USAGE, add_bench_arguments, configure
from harness.load.engine import Tick
from harness.load.terminal import ProgressPrinter


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="harness bench")
    add_bench_arguments(parser)
    return parser.parse_args(list(argv))


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_bench(_parse(*argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the block ends


URL = "http://127.0.0.1:9/"


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        ((URL,), "--rate: required"),
        ((URL, "--rate", "fast"), "--rate: 'fast' is not a rate"),
        ((URL, "--rate", "0"), "--rate: '0': the rate must be greater than 0"),
        ((URL, "--rate", "10", "--duration", "soon"), "--duration: 'soon' is not a duration"),
        ((URL, "--rate", "10", "--duration", "5s", "--ramp-up", "5s"),
         "--ramp-up: 5s leaves nothing of --duration 5s to measure"),
        ((URL, "--rate", "10", "--threshold", "p95<200"),
         "--threshold: bad threshold 'p95<200': a latency needs a unit"),
        ((URL, "--rate", "10", "--workers", "0"), "--workers: must be at least 1"),
        ((URL, "--rate", "10", "--tolerance", "lots"), "--tolerance: 'lots' is not a percentage"),
        (("localhost:8080", "--rate", "10"), "URL: 'localhost:8080' is not an http(s) URL"),
        ((URL, "--rate", "10", "--scenario", "/nonexistent/s.toml"),
         "--scenario /nonexistent/s.toml: no such scenario file"),
        ((URL, "--rate", "10", "--baseline", "/nonexistent/old.json"),
         "--baseline /nonexistent/old.json: no such file"),
    ],
)
def test_usage_errors_name_the_option(argv: tuple[str, ...], words: str) -> None:
    code, out, err = _run(*argv)
    assert code == EXIT_USAGE
    assert err.startswith("harness: error: ")
    assert words in err
    assert "Traceback" not in err and out == ""


def test_a_locust_file_cannot_run_the_open_model(tmp_path: Path) -> None:
    locustfile = tmp_path / "locustfile.py"
    locustfile.write_text("from locust import FastHttpUser\n")
    code, _, err = _run(URL, "--rate", "10", "--scenario", str(locustfile), "--model", "open")
    assert code == EXIT_USAGE
    assert "a Locust file runs Locust's closed model only" in err
    config = configure(_parse(URL, "--rate", "10", "--scenario", str(locustfile)))
    assert config.model == "closed"


def test_a_locust_file_with_a_syntax_error_is_a_usage_error(tmp_path: Path) -> None:
    locustfile = tmp_path / "locustfile.py"
    locustfile.write_text("def broken(:\n")
    code, _, err = _run(URL, "--rate", "10", "--scenario", str(locustfile))
    assert code == EXIT_USAGE
    assert f"--scenario {locustfile}: line 1" in err


def test_nothing_listening_is_reported_before_any_load() -> None:
    port = _closed_port()
    code, _, err = _run(f"http://127.0.0.1:{port}/", "--rate", "10", "--duration", "1s")
    assert code == EXIT_USAGE
    assert f"URL: nothing answers at 127.0.0.1:{port}" in err
    assert "start the app first" in err


def test_a_threshold_at_the_full_rate_gets_a_warning() -> None:
    config = configure(_parse(URL, "--rate", "1000", "--threshold", "rps>=1000"))
    assert "rps>=980" in config.warnings[0]


def test_the_configuration_carries_everything(tmp_path: Path) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text("[[route]]\npath = '/books'\n")
    config = configure(_parse("http://127.0.0.1:8080/api/", "--rate", "2k", "--duration", "1m",
                              "--ramp-up", "500ms", "--scenario", str(scenario), "--workers",
                              "2", "--max-lag", "25ms", "--threshold", "p99<1s",
                              "--model", "both"))
    assert config.spec.rate == 2000.0
    assert config.spec.duration == 60.0 and config.spec.ramp_up == 0.5
    assert config.spec.target == "http://127.0.0.1:8080"
    assert config.spec.routes[0].path == "/api/books"  # the URL's path prefixes routes
    assert config.workers == 2 and config.model == "both"
    assert config.limits.max_lag_p99_ms == 25.0
    assert config.thresholds[0].result_key == "p99_ms"


def test_the_parent_never_imports_gevent_or_locust() -> None:
    code = ("import sys, harness.load.cli, harness.load.engine, harness.load.report\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('gevent', 'locust', "
            "'geventhttpclient')]\n"
            "assert not bad, bad\n")
    root = Path(__file__).resolve().parents[3]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


def _tick(second: int) -> Tick:
    return Tick(second=second, target_rate=1000.0, sent=1000, completed=998, errors=2,
                p95_ms=12.5, cpu_percent=14.0)


def test_progress_is_one_line_per_second_off_a_terminal() -> None:
    stream = io.StringIO()
    printer = ProgressPrinter(stream, tty=False)
    printer(_tick(0))
    printer(_tick(1))
    printer.finish()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert "998 req/s" in lines[1] and "12.5 ms (last 1 s)" in lines[1]
    assert "errors 2 (0.2%)" in lines[1] and "\r" not in stream.getvalue()


def test_progress_rewrites_one_line_on_a_terminal() -> None:
    stream = io.StringIO()
    printer = ProgressPrinter(stream, tty=True)
    printer(_tick(0))
    printer(_tick(1))
    printer.finish()
    text = stream.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n") and text.count("\n") == 1


def test_more_urls_are_instances_the_open_model_takes_in_turn() -> None:
    config = configure(_parse("http://127.0.0.1:9/api", "http://127.0.0.1:10/api/", "--rate", "10"))
    assert config.spec.targets == ("http://127.0.0.1:9", "http://127.0.0.1:10")
    assert configure(_parse(URL, "--rate", "10")).spec.targets == ("http://127.0.0.1:9",)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("http://127.0.0.1:9/api", "http://127.0.0.1:10/v2", "--rate", "10"), "has another path"),
        ((URL, "127.0.0.1:10", "--rate", "10"), "'127.0.0.1:10' is not an http(s) URL"),
        ((URL, "http://127.0.0.1:10", "--rate", "10", "--model", "closed"), "for the open model only"),
    ],
)
def test_more_urls_are_checked(argv: tuple[str, ...], words: str) -> None:
    code, _, err = _run(*argv)
    assert code == EXIT_USAGE
    assert words in err
