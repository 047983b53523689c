"""Locust's closed model: local, distributed (master + workers), and from a Locust file."""

from __future__ import annotations

from pathlib import Path

from .bench_helpers import bench
from .conftest import StartTarget

LOCUSTFILE = '''
from locust import FastHttpUser, constant_throughput, task


class Reader(FastHttpUser):
    wait_time = constant_throughput(10)

    @task
    def home(self):
        self.client.get("/", name="home")

    @task
    def broken(self):
        self.client.get("/status/503", name="broken")
'''


def test_distributed_master_and_two_workers(tmp_path: Path, start_target: StartTarget) -> None:
    url = start_target()
    run = bench(tmp_path, url, "--model", "closed", "--workers", "2", "--rate", "400",
                "--duration", "4s", "--ramp-up", "1s")
    result = run.result
    assert run.code in (0, 1), run.explain()
    roles = sorted(p["role"].split()[1] for p in result["generator"]["processes"])
    assert roles == ["master", "worker", "worker"], result["generator"]["processes"]
    # The workers' measurements reached the master (Locust's report_to_master).
    assert result["requests"] > 0.7 * 400 * 3, run.explain()
    assert result["latency_measured_from"] == "actual send"
    assert result["closed_p95_ms"] == result["p95_ms"]
    assert result["verdict"] != "fail", run.explain()
    assert "[closed]" in run.stderr  # live progress, one line per second


def test_a_locust_file_runs_the_closed_model(tmp_path: Path, start_target: StartTarget) -> None:
    url = start_target()
    locustfile = tmp_path / "locustfile.py"
    locustfile.write_text(LOCUSTFILE)
    run = bench(tmp_path, url, "--scenario", str(locustfile), "--rate", "200", "--duration",
                "3s", "--per-user-rate", "10", "--threshold", "errors<1%", "--quiet")
    result = run.result
    assert result["model"] == "closed", run.explain()
    assert set(result["routes"]) == {"home", "broken"}
    assert result["errors_by_kind"].get("HTTP 503", 0) > 0, result["errors_by_kind"]
    # Half the requests fail: the threshold misses, and that is the app's failure.
    assert result["verdict"] in ("fail", "inconclusive"), run.explain()
    assert run.code == 1


def test_a_locust_file_that_fails_to_import_is_a_usage_error(
    tmp_path: Path, start_target: StartTarget
) -> None:
    url = start_target()
    locustfile = tmp_path / "locustfile.py"
    locustfile.write_text("from locust import FastHttpUser\nimport no_such_module_here\n")
    run = bench(tmp_path, url, "--scenario", str(locustfile), "--rate", "10", "--duration",
                "2s", "--quiet")
    assert run.code == 4, run.explain()
    assert run.stderr.startswith(f"harness: error: --scenario {locustfile}: ")
    assert "No module named 'no_such_module_here'" in run.stderr
    assert "Traceback" not in run.stderr
