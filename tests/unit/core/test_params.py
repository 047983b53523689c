"""A check receives the parameters its lab gives it in lab.toml."""

from __future__ import annotations

from harness.outcomes import Status
from harness.params import Param
from harness.registry import CheckContext, Registry
from harness.runner.execute import Planned, run_check


class _App:
    base_url = "http://127.0.0.1:1"
    migrate_command = None
    migrate_runs = ()

    def alive(self) -> bool:
        return True

    def exited(self, settle_s: float = 3.0) -> bool:
        return False

    def log_tail(self, lines: int = 20) -> str:
        return ""


def test_params_reach_the_check() -> None:
    seen = {}
    registry = Registry()

    @registry.check("a.b.c", params=[Param("books", int, 1, "how many books")])
    def probe(ctx: CheckContext) -> None:
        """t"""
        seen["books"] = ctx.param("books")

    spec = registry.get("a.b.c")
    ctx = CheckContext(http=None, app=_App(), run_id="r", seed=1)  # type: ignore[arg-type]
    result = run_check(Planned(spec, 1.0, False, {"books": 12345}), ctx)
    assert result.status is Status.PASS and seen == {"books": 12345}
    run_check(Planned(spec, 1.0, False), ctx)
    assert seen == {"books": 1}, "another check does not see the previous one's params"


def test_param_flags_parse_toml_values() -> None:
    import pytest

    from harness.commands.check import parse_params
    from harness.errors import UsageError

    assert parse_params(["prod.load.rps.rate=500", "prod.load.rps.duration=10s", "db.pool.bounded.max_connections=5"]) \
        == {"prod.load.rps": {"rate": 500, "duration": "10s"}, "db.pool.bounded": {"max_connections": 5}}
    assert parse_params(['a.b.c.flag=true', 'a.b.c.name="x y"']) == {"a.b.c": {"flag": True, "name": "x y"}}
    for bad in ("rate=5", "prod.load.rps=5", "prod.load.rps.rate"):
        with pytest.raises(UsageError, match=r"CHECK_ID\.NAME=VALUE"):
            parse_params([bad])


def test_hints_speak_the_learners_stack_when_the_check_knows_it() -> None:
    def ctx(lab_id: str) -> CheckContext:
        return CheckContext(http=None, app=_App(), run_id="r", seed=1, lab_id=lab_id)  # type: ignore[arg-type]

    hint = {"general": "Use one pool.", "node": "pg.Pool.", "python": "create_engine."}
    assert ctx("python/week-11").hint(**hint) == "Use one pool. create_engine."
    assert ctx("node/week-18").hint(**hint) == "Use one pool. pg.Pool."
    assert ctx("java/week-13").hint(**hint) == "Use one pool."
    assert ctx("").track == "" and ctx("").hint(**hint) == "Use one pool."


def test_each_check_gets_its_own_context_sharing_the_runs_values() -> None:
    """A check that outlives its limit keeps its parameters while the next check runs, and two
    checks never draw the same generated values."""
    registry = Registry()

    @registry.check("core.ctx.first", params=[Param("rate", int, 1, "a number")])
    def first(ctx: CheckContext) -> None:
        """First."""

    run_ctx = CheckContext(http=None, app=None, run_id="r1", seed=7)  # type: ignore[arg-type]
    spec = registry.get("core.ctx.first")
    one, two = run_ctx.for_check(spec, {"rate": 5}), run_ctx.for_check(spec, {"rate": 9})
    assert (one.params, two.params) == ({"rate": 5}, {"rate": 9}) and run_ctx.params == {}
    assert one.rng is two.rng is run_ctx.rng
    assert one.unique("a") != two.unique("a")
