from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from harness.durations import format_duration, parse_duration
from harness.expect import leaks, problem_json
from harness.httpclient import curl_for
from harness.outcomes import Failure
from harness.proc.logbuffer import LogBuffer
from harness.proc.process import ManagedProcess, run_to_end
from harness.proc.reaper import serve


def test_durations() -> None:
    assert parse_duration("250ms") == 0.25 and parse_duration("2m") == 120 and parse_duration(5) == 5
    for bad in ("", "5 days", -1, True, "0s"):
        with pytest.raises(ValueError, match=r"such as 90|must be positive"):
            parse_duration(bad)
    assert format_duration(0.2) == "200 ms" and format_duration(3) == "3 s" and format_duration(600) == "10.0 min"


def test_log_buffer_keeps_the_start_and_the_end() -> None:
    log = LogBuffer(head_lines=2, tail_lines=3)
    for i in range(10):
        log.add(f"line {i}\n")
    text = log.tail(100)
    assert text.splitlines() == ["line 0", "line 1", "… (5 lines not kept) …", "line 7", "line 8", "line 9"]
    assert log.tail(2) == "line 8\nline 9"


def test_curl_lines_keep_port_expandable() -> None:
    request = httpx.Request("POST", "http://127.0.0.1:5555/v1/books?q=x%27",
                            headers={"content-type": "application/json"}, content=b'{"a": "it\'s"}')
    line = curl_for(request)
    assert line.endswith('"http://localhost:$PORT/v1/books?q=x%27"')
    assert "-X POST" in line and "--data-raw" in line and "content-type: application/json" in line


def _response(status: int, body: str, ctype: str) -> httpx.Response:
    return httpx.Response(status, text=body, headers={"content-type": ctype},
                          request=httpx.Request("GET", "http://127.0.0.1:1/x"))


def test_problem_json_rules() -> None:
    ok = _response(404, '{"type":"about:blank","title":"Not Found","status":404,"detail":"x"}',
                   "application/problem+json")
    assert problem_json(ok, what="w")["status"] == 404
    for response, words in (
        (_response(404, "<html>Cannot GET /x</html>", "text/html"), "not application/problem+json"),
        (_response(404, '{"title":"x","status":404}', "application/problem+json"), "lacks type"),
        (_response(400, '{"type":"t","title":"x","status":500}', "application/problem+json"), "differs"),
        (_response(500, '{"type":"t","title":"x","status":500,"detail":"at f (/app/x.js:1:2)"}',
                   "application/problem+json"), "leaks internals"),
    ):
        with pytest.raises(Failure, match=re.escape(words)):
            problem_json(response, what="w")
    assert leaks('Traceback (most recent call last):\n  File "x"') is not None
    assert leaks("error: syntax error at or near \"OR\"") is not None
    assert leaks("book not found") is None


def test_process_group_stop_reaches_grandchildren(tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    proc = ManagedProcess("t", ["/bin/sh", "-c", f"sleep 300 & echo $! > {marker}; wait"], cwd=tmp_path,
                          env={"PATH": os.environ["PATH"]})
    proc.start()
    deadline = time.monotonic() + 60  # a bound on a hang, not a speed assumption
    while not marker.is_file() or not marker.read_text().strip():
        assert time.monotonic() < deadline
        time.sleep(0.02)
    grandchild = int(marker.read_text())
    proc.stop(grace_s=2)
    # The signal is sent; the grandchild's exit takes the time the machine gives it. Gone, or
    # a zombie waiting for an init that does not reap: either way, not running.
    stat = Path(f"/proc/{grandchild}/stat")
    deadline = time.monotonic() + 60  # a bound on a hang, not a speed assumption
    while not _stopped(stat):
        assert time.monotonic() < deadline, f"the grandchild {grandchild} is still running"
        time.sleep(0.02)


def _stopped(stat: Path) -> bool:
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_run_to_end_reports_timeouts_as_none(tmp_path: Path) -> None:
    # 5 s for sh to start and echo on a busy machine; the sleep outlasts it whatever the speed.
    code, log, seconds = run_to_end("t", ["/bin/sh", "-c", "echo hi; sleep 300"], cwd=tmp_path,
                                    env={"PATH": os.environ["PATH"]}, timeout_s=5)
    assert code is None and "hi" in log.tail() and seconds < 60


def test_reaper_cleans_up_when_the_pipe_closes(tmp_path: Path) -> None:
    victim = subprocess.Popen(["sleep", "300"], start_new_session=True)
    leftover = tmp_path / "leftover"
    leftover.mkdir()
    from harness.proc.procfs import start_time

    lines = [f'{{"op": "pg", "pgid": {victim.pid}, "start": "{start_time(victim.pid)}"}}\n',
             f'{{"op": "path", "path": "{leftover}"}}\n']
    serve(io.StringIO("".join(lines)))
    assert victim.wait(timeout=5) == -signal.SIGTERM
    assert not leftover.exists()


def test_reaper_does_nothing_after_done(tmp_path: Path) -> None:
    keep = tmp_path / "keep"
    keep.mkdir()
    serve(io.StringIO(f'{{"op": "path", "path": "{keep}"}}\n{{"op": "done"}}\n'))
    assert keep.exists()


def test_reaper_spares_a_reused_pid() -> None:
    victim = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], start_new_session=True)
    serve(io.StringIO(f'{{"op": "pg", "pgid": {victim.pid}, "start": "0"}}\n'))
    assert victim.poll() is None, "a process whose start time differs is not the one registered"
    victim.kill()
    victim.wait()


def test_owner_tags_tell_live_runs_from_leftovers(tmp_path: Path) -> None:
    import socket

    from harness.proc import owner

    assert owner.alive(owner.tag())
    assert not owner.alive(None) and not owner.alive("garbage")
    assert not owner.alive(f"{socket.gethostname()}:{os.getpid()}:0"), "same pid, another start time"
    assert owner.alive("another-host:1:1"), "cannot be checked from here: never removed"
    owner.mark(tmp_path)
    assert owner.of(tmp_path) == owner.tag()


def test_a_log_numbers_its_lines_and_gives_back_those_it_kept() -> None:
    log = LogBuffer(head_lines=3, tail_lines=4)
    for n in range(10):
        log.add(f"line {n}")
    assert log.lines_added == 10
    assert log.lines(0, 3) == ["line 0", "line 1", "line 2"]  # the head
    assert log.lines(7) == ["line 7", "line 8", "line 9"]  # from the tail
    assert log.lines(2, 8) == ["line 2", "line 6", "line 7"]  # 3-5 fell between head and tail
    assert log.lines(10) == [] and log.lines(0, 0) == []
