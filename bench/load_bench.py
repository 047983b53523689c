"""How fast is the open-model generator, next to wrk, on this machine? (under ~1 minute)

    python bench/load_bench.py [--quick]

Prints, in one run:
* the open-model generator's maximum sustained rate on one core (pinned with
  sched_setaffinity), "sustained" meaning the engine's own honesty rules hold:
  schedule lag p99 <= 10 ms, >= 97% of the rate sent, < 90% of a core;
* wrk's rate on the same target (``wrk -t1 -c50 -d5s``, pinned to the same core);
* the ratio, and the generator's CPU at 1000 req/s.

The target is nginx (``return 200``, one worker, pinned to the other core) when the
binary exists, otherwise the stdlib demo target (then the target, not the generator,
may be the bottleneck, and the script says so). wrk measures a closed loop flat out;
the generator keeps a schedule and measures every request from its intended send, so
the ratio is the price of honest latencies, not a like-for-like race.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from harness.load.engine import LoadRun  # noqa: E402
from harness.load.result import Limits, build_result  # noqa: E402
from harness.load.scenario import scenario_for_url  # noqa: E402
from harness.load.spec import RunSpec  # noqa: E402
from harness.proc.ports import free_port  # noqa: E402

GENERATOR_CORE, TARGET_CORE = 0, 1
NGINX_CONF = """worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 8192; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  keepalive_requests 10000000;
  server {{ listen 127.0.0.1:{port} backlog=4096; location / {{ return 200 "ok\\n"; }} }}
}}
"""


def _wait_port(port: int, timeout: float = 5.0) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the target did not listen on 127.0.0.1:{port}")


def start_target(tmp: Path) -> tuple[subprocess.Popen[bytes], int, str]:
    port = free_port()
    cores = os.sched_getaffinity(0)
    preexec = (lambda: os.sched_setaffinity(0, {TARGET_CORE})) if TARGET_CORE in cores else None
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                      else None)
    if nginx:
        conf = tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, port=port), encoding="utf-8")
        proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp)], preexec_fn=preexec,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        name = "nginx (1 worker, return 200)"
    else:
        proc = subprocess.Popen([sys.executable, "-m", "harness.load.demo_target", "--port",
                                 str(port)], preexec_fn=preexec, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        name = "harness.load.demo_target (stdlib asyncio; may be the bottleneck)"
    _wait_port(port)
    return proc, port, name


def run_wrk(port: int, seconds: int) -> float | None:
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    out = subprocess.run(["taskset", "-c", str(GENERATOR_CORE), wrk, "-t1", "-c50",
                          f"-d{seconds}s", f"http://127.0.0.1:{port}/"],
                         capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return float(match.group(1)) if match else None


def run_generator(port: int, rate: float, seconds: float) -> dict[str, object]:
    url = f"http://127.0.0.1:{port}/"
    spec = RunSpec(target=f"http://127.0.0.1:{port}", rate=rate, duration=seconds,
                   ramp_up=0.5, routes=scenario_for_url(url).routes, timeout=5.0,
                   cpu_affinity=(GENERATOR_CORE,))
    return build_result(spec, LoadRun(spec).run(), limits=Limits())


def sustained(result: dict[str, object]) -> bool:
    return result["verdict"] != "inconclusive"


def _line(rate: float, result: dict[str, object]) -> str:
    ok = "ok  " if sustained(result) else "LOST"
    return (f"  {ok} {rate:>7.0f} req/s asked: sent {result['send_rps']:>7} req/s, CPU "
            f"{result['generator_cpu_percent']:>5}% of a core, lag p99 "
            f"{result['schedule_lag_p99_ms']} ms, p99 {result['p99_ms']} ms")


def find_max_rate(port: int, seconds: float, start: float, steps: int) -> float:
    """Double until the generator cannot keep up, then bisect a few times."""
    good, bad = 0.0, None
    rate = start
    while bad is None:
        result = run_generator(port, rate, seconds)
        print(_line(rate, result), flush=True)
        if sustained(result):
            good, rate = rate, rate * 2
        else:
            bad = rate
        if rate > 64000:
            return good
    for _ in range(steps):
        rate = round((good + bad) / 2, -2)
        if rate in (good, bad):
            break
        result = run_generator(port, rate, seconds)
        print(_line(rate, result), flush=True)
        if sustained(result):
            good = rate
        else:
            bad = rate
    return good


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs (noisier)")
    args = parser.parse_args()
    if len(os.sched_getaffinity(0)) < 2:
        print("note: fewer than 2 cores: generator and target share one", file=sys.stderr)
    seconds = 2.0 if args.quick else 3.0
    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp:
        target, port, name = start_target(Path(tmp))
        try:
            print(f"target: {name} on 127.0.0.1:{port}; generator and wrk pinned to core "
                  f"{GENERATOR_CORE}", flush=True)
            print("open-model generator, searching for the highest sustained rate:", flush=True)
            best = find_max_rate(port, seconds, start=2000.0, steps=2 if args.quick else 3)
            print("wrk -t1 -c50 -d5s (closed loop, flat out):", flush=True)
            wrk = run_wrk(port, 5)
            at_1000 = run_generator(port, 1000.0, 5.0)
            print(_line(1000.0, at_1000), flush=True)
        finally:
            target.terminate()
            target.wait(timeout=5)
    print()
    print(f"{'open-model generator, max sustained rate (1 core)':<52}{best:>10.0f} req/s")
    if wrk is None:
        print(f"{'wrk -t1 -c50 -d5s':<52}{'wrk not installed':>16}")
    else:
        print(f"{'wrk -t1 -c50 -d5s (1 core)':<52}{wrk:>10.0f} req/s")
        print(f"{'ratio generator / wrk':<52}{best / wrk:>10.3f}  (wrk is {wrk / best:.1f}x)")
    print(f"{'generator CPU at 1000 req/s':<52}{at_1000['generator_cpu_percent']:>10}% of a core"
          f"  (lag p99 {at_1000['schedule_lag_p99_ms']} ms, p99 {at_1000['p99_ms']} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
