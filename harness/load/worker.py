"""Entry point of a load child process: ``python -m harness.load.worker``.

    open          --spec FILE --result FILE   the open-model generator (one of N)
    closed        --spec FILE --result FILE   Locust's closed model, alone or as master
                  [--master-bind HOST:PORT --expect-workers N]
    locust-worker --spec FILE --master HOST:PORT   a Locust worker for a closed master

The harness starts children with ``python -c <bootstrap>`` (engine.py) that patches gevent
on its first line, before ``harness/__init__.py`` could import anything that touches
sockets or ssl. Started by hand (``-m``, another machine, see docs/bench.md) the patch
below runs before the rest of this module. The parent never imports this module.
"""

from __future__ import annotations

from gevent import monkey  # type: ignore[import-untyped]  # gevent ships no type information

monkey.patch_all()

import argparse  # noqa: E402  (after the patch, on purpose)
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402
from pathlib import Path  # noqa: E402

from harness.load.channel import Channel  # noqa: E402
from harness.load.scenario import ScenarioError  # noqa: E402
from harness.load.spec import RunSpec  # noqa: E402


def _host_port(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


def _raise_fd_limit() -> None:
    # An open model keeps a connection per request in flight: a 300 ms stall at
    # 2000 req/s is 600 sockets, past the common soft limit of 1024.
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _remote_spec(args: argparse.Namespace) -> RunSpec:
    from harness.load.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    # No target: the master sends its host with the spawn message.
    return RunSpec(target="", rate=1.0, duration=1.0, model="closed", routes=scenario.routes,
                   locustfile=str(scenario.locustfile) if scenario.locustfile else None,
                   per_user_rate=args.per_user_rate, wait=args.wait, timeout=args.timeout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.load.worker")
    sub = parser.add_subparsers(dest="mode", required=True)
    modes = []
    for mode in ("open", "closed"):
        p = sub.add_parser(mode)
        p.add_argument("--spec", type=Path, required=True)
        p.add_argument("--result", type=Path, required=True)
        if mode == "closed":
            p.add_argument("--master-bind", default=None)
            p.add_argument("--expect-workers", type=int, default=0)
        modes.append(p)
    w = sub.add_parser("locust-worker", help="a Locust worker for `harness bench --model "
                       "closed --remote-workers N` (see docs/bench.md)")
    w.add_argument("--master", required=True, help="HOST:PORT of the master")
    source = w.add_mutually_exclusive_group(required=True)
    source.add_argument("--spec", type=Path, help="a spec written by the harness")
    source.add_argument("--scenario", type=Path, help="the same TOML or Locust file as the master")
    w.add_argument("--per-user-rate", type=float, default=10.0)
    w.add_argument("--wait", choices=("poisson", "constant"), default="poisson")
    w.add_argument("--timeout", type=float, default=10.0)
    for p in (*modes, w):
        p.add_argument("--watch-parent", action="store_true",
                       help="exit when stdin closes (set by the harness for its children)")
    args = parser.parse_args(argv)

    spec = RunSpec.read(args.spec) if args.spec is not None else _remote_spec(args)
    _raise_fd_limit()
    if spec.cpu_affinity:
        os.sched_setaffinity(0, spec.cpu_affinity)
    channel = Channel(watch_parent=args.watch_parent)
    try:
        if args.mode == "open":
            from harness.load.open_model import run_open

            partial = run_open(spec, channel)
        elif args.mode == "closed":
            from harness.load.closed_model import run_closed

            bind = _host_port(args.master_bind) if args.master_bind else None
            partial = run_closed(spec, channel, bind, args.expect_workers)
        else:
            from harness.load.closed_model import run_locust_worker

            host, port = _host_port(args.master)
            if args.watch_parent:
                from harness.load.channel import exit_with_parent

                exit_with_parent(sys.stdin.fileno())
            run_locust_worker(spec, host, port)
            return 0
    except ScenarioError as exc:
        channel.send("error", message=str(exc), usage=True)
        return 4
    except Exception as exc:
        channel.send("error", message=f"{type(exc).__name__}: {exc}",
                     detail=traceback.format_exc())
        return 3
    tmp = args.result.with_suffix(".tmp")
    tmp.write_text(json.dumps(partial.to_json()), encoding="utf-8")
    tmp.replace(args.result)
    channel.send("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
