"""The streaming log aggregator: right totals on a large generated log, in bounded memory.

Both checks judge one run of the project's `[commands] aggregate` on one file
(validators/internals/aggregator_run.py): the file is written and read once per harness run.
"""

from __future__ import annotations

import json
from typing import Any

from harness.outcomes import Failure, Passed
from harness.params import Param
from harness.registry import CheckContext, check

from .aggregator_run import RUN_BUDGET_S, AggregatorRun, aggregated

SIZE = Param("size_mb", int, 500, "the generated log's size in MiB")
# Node's own RSS is about 45 MB and a streaming reader adds a few of its buffers; an
# aggregator that holds the file, or its lines, needs several times the file's size.
MAX_RSS = Param("max_rss_mb", int, 150, "the most resident memory (peak RSS, MiB) the aggregator may use")
KEYS = ("requests", "bytes", "malformed", "status")
STREAM_HINT = ("Stream the file: for await (const line of readline.createInterface({ input: fs.createReadStream(path) "
               "})) keeps one buffer in memory; readFile, split('\\n') or an array of every line hold the whole file.")
OUTPUT_LINES = 12
SHOWN = 10  # differences listed; the count in the message says how many there are
HINT_LINE = ("A request line matches /^\\S+ \\S+ \\S+ \\[[^\\]]+\\] \"\\S+ \\S+ \\S+\" (\\d{3}) (\\d+|-)(?: .*)?$/ "
             "(the README's: the first group is the status, the second the size, - counting as 0 bytes); every other "
             "non-empty line is malformed, an empty line counts for nothing, and the last line may end without a "
             "newline.")


def _again(ctx: CheckContext, check_id: str) -> str:
    return f"harness check node/week-05 --only {check_id} --seed {ctx.seed}"


def _measured(run: AggregatorRun) -> str:
    # The harness's access.log is removed after the run: the line names a log of the learner's.
    command = run.command.removesuffix(" access.log")
    return (f"/usr/bin/time -f '%M KB' {command} big.log   (big.log: a log of your own of "
            f"{_mb(run.size_bytes)}; the harness's is removed after the run)")


def _mb(value: int) -> str:
    return f"{value / 2**20:.0f} MiB"


def _ran_to_the_end(ctx: CheckContext, run: AggregatorRun, check_id: str) -> dict[str, Any]:
    """The totals the run printed, or a failure that says why there are none."""
    tail = "\n".join(run.output.splitlines()[-OUTPUT_LINES:]).strip() or "(it printed nothing)"
    where = f"{run.command} on a {_mb(run.size_bytes)} log"
    if run.code is None:
        raise Failure(f"the aggregator did not finish within {RUN_BUDGET_S:.0f} s: {where}",
                      expected=f"the totals printed within {RUN_BUDGET_S:.0f} s (a streaming reader takes seconds)",
                      actual=tail, hint="Read the file as a stream (fs.createReadStream with readline, or a Transform) "
                      "and print the totals when it ends.", reproduce=_again(ctx, check_id))
    if run.code != 0:
        why = f" (out of memory: {run.out_of_memory})" if run.out_of_memory else ""
        raise Failure(f"the aggregator exited with code {run.code}{why}: {where}", expected="exit code 0 and one JSON "
                      "object of totals on stdout", actual=tail,
                      hint="Run it on a log of your own and fix what it reports; a process that runs out of memory "
                      "reading a large file is killed or throws (heap out of memory, ERR_STRING_TOO_LONG).",
                      reproduce=_again(ctx, check_id))
    lines = run.output.splitlines()
    for start in reversed(range(len(lines))):  # the last object: on one line, or printed with indents
        if not lines[start].strip().startswith("{"):
            continue
        for text in (lines[start], "\n".join(lines[start:])):
            try:
                found = json.loads(text)
            except ValueError:
                continue
            if isinstance(found, dict):
                return found
    raise Failure(f"the aggregator printed no JSON object: {where}",
                  expected='one line: {"requests": …, "bytes": …, "malformed": …, "status": {"200": …}}',
                  actual=tail, hint="Print JSON.stringify(totals) on stdout once the stream has ended.",
                  reproduce=_again(ctx, check_id))


def _differences(found: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    wrong = []
    for key in KEYS:
        if key not in found:
            wrong.append(f"{key}: missing (expected {json.dumps(expected[key])})")
        elif key == "status":
            given = found[key] if isinstance(found[key], dict) else {}
            if not isinstance(found[key], dict):
                wrong.append(f"status: {json.dumps(found[key])[:80]} is not an object of code -> count")
            for code in sorted(set(given) | set(expected[key])):
                if given.get(code, 0) != expected[key].get(code, 0):
                    shown = json.dumps(given.get(code, 0))
                    wrong.append(f"status {code}: {shown} (expected {expected[key].get(code, 0)})")
        elif type(found[key]) is not int or found[key] != expected[key]:
            wrong.append(f"{key}: {json.dumps(found[key])} (expected {expected[key]})")
    return wrong


@check("internals.aggregate.totals", points=3, needs_app=False, timeout_s=RUN_BUDGET_S + 60, params=[SIZE])
def totals_are_right(ctx: CheckContext) -> Passed:
    """The aggregator prints the right totals of a large access log.

    Writes a log of `size_mb` MiB (Combined Log Format lines in a random order for each seed, a
    few truncated ones among them, the last without a newline), runs `[commands] aggregate` from
    harness.toml with the file's path, and compares the JSON object it prints (requests, bytes,
    malformed, count per status) with the totals the harness wrote.
    """
    run = aggregated(ctx, ctx.param("size_mb"))
    found = _ran_to_the_end(ctx, run, "internals.aggregate.totals")
    expected = run.expected.as_json()
    wrong = _differences(found, expected)
    if wrong:
        raise Failure(f"the aggregator's totals are wrong on a {_mb(run.size_bytes)} log ({len(wrong)} "
                      f"difference{'s' if len(wrong) != 1 else ''})",
                      expected=json.dumps(expected),
                      actual="\n".join(wrong[:SHOWN] + [f"and {len(wrong) - SHOWN} more"] * (len(wrong) > SHOWN)),
                      hint=HINT_LINE,
                      reproduce=_again(ctx, "internals.aggregate.totals"))
    return Passed(f"{expected['requests']} requests and {expected['malformed']} malformed lines counted in "
                  f"{run.seconds:.1f} s", figures={"seconds": round(run.seconds, 2)})


@check("internals.aggregate.memory", points=3, needs_app=False, timeout_s=RUN_BUDGET_S + 60, params=[SIZE, MAX_RSS])
def memory_stays_bounded(ctx: CheckContext) -> Passed:
    """The aggregator's peak memory stays bounded, whatever the log's size.

    Reads the peak resident set size of the same run (the largest VmHWM of the command's
    processes, read every 50 ms while it runs, and wait4's ru_maxrss when the harness reaps it)
    and compares it with `max_rss_mb`: a reader that
    streams the file stays near node's own size, one that holds the file or its lines needs
    several times the file's size. A run that stayed under the bound but printed no totals (it
    read little or nothing of the file) measured nothing and fails.
    """
    run = aggregated(ctx, ctx.param("size_mb"))
    bound = ctx.param("max_rss_mb")
    if run.peak_rss_bytes is None:
        raise Failure("the aggregator's peak memory could not be read: its process was reaped elsewhere",
                      hint="Run the check again.", reproduce=_again(ctx, "internals.aggregate.memory"))
    peak = run.peak_rss_bytes / 2**20
    figures = {"peak_rss_mb": round(peak, 1), "max_rss_mb": bound, "file_mb": round(run.size_bytes / 2**20)}
    if peak <= bound and run.out_of_memory is not None:
        # Ended by a limit below the bound (V8's heap limit in a small grading jail, say): it ran out.
        raise Failure(f"the aggregator ran out of memory on a {_mb(run.size_bytes)} log (peak {peak:.0f} MiB when it "
                      f"ended): {run.out_of_memory}", expected=f"the totals printed within {bound} MiB",
                      actual=f"exit code {run.code}", hint=STREAM_HINT,
                      reproduce=_measured(run), figures=figures)
    if peak <= bound:  # a run cut short some other way is judged by what it printed
        _ran_to_the_end(ctx, run, "internals.aggregate.memory")
    if peak > bound:
        raise Failure(f"the aggregator's peak memory was {peak:.0f} MiB on a {_mb(run.size_bytes)} log, over the "
                      f"bound of {bound} MiB", expected=f"peak RSS at most {bound} MiB", actual=f"{peak:.0f} MiB",
                      hint=STREAM_HINT,
                      reproduce=_measured(run), figures=figures)
    return Passed(f"peak memory {peak:.0f} MiB on a {_mb(run.size_bytes)} log (bound {bound} MiB)", figures=figures)
