"""What a check declares (its parameters, the services it needs) is what every lab gives it.

A lab that sets a parameter its check does not declare, gives one a value of the wrong
type, or does not start a service a check needs is a configuration error of the lab,
caught before anything starts; every built lab is read here against its checks.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from harness.catalog import Catalog, load_manifest, validate_checks
from harness.config import AppConfig, ProjectConfig
from harness.errors import ConfigError, UsageError
from harness.outcomes import Status
from harness.params import Param
from harness.registry import CheckContext, Registry, load_validators
from harness.runner.execute import Planned, run_check
from harness.runner.session import CheckRequest, plan


def _registry() -> Registry:
    registry = Registry()

    @registry.check("db.pool.bounded", services={"postgres"}, params=[
        Param("max_connections", int, 20, "the most connections at once"),
        Param("max_share", float, 0.4, "a share"),
    ])
    def pooled(ctx: CheckContext) -> None:
        """Connections are pooled."""

    @registry.check("prod.cache.redis", services={"postgres", "redis"})
    def cached(ctx: CheckContext) -> None:
        """Reads are cached."""

    return registry


def _manifest(tmp_path: Path, text: str) -> tuple[str, Any]:
    path = tmp_path / "lab.toml"
    path.write_text(textwrap.dedent(text))
    return str(path), load_manifest(path)


def test_every_built_lab_gives_its_checks_what_they_declare() -> None:
    registry = load_validators()
    labs = [lab for lab in Catalog.load().labs if lab.available]
    assert labs
    for lab in labs:
        validate_checks(str(lab.manifest_path), lab.manifest(), registry)  # raises ConfigError naming the lab


def test_the_checks_that_skip_the_migrations_read_only_the_projects_own_test_runs() -> None:
    # A run whose checks all say app_database=False skips the migrate phase (runner/session.py):
    # only the checks that judge the learner's suite (it runs on databases of its own), or read
    # nothing but the project's files (its CI pipeline), may say so; the sql.* checks talk to no
    # app but read the schema the migrations made.
    specs = load_validators().all()
    skipping = {spec.id for spec in specs if not spec.reads_app_database}
    files_only = {"prod.ci.pipeline"}
    assert skipping and all(c.startswith("testing.") or c in {"prod.tests.coverage", *files_only}
                            for c in skipping), skipping
    assert not any(spec.needs_app and not spec.app_database for spec in specs), "an app's checks read its database"
    assert all(spec.reads_app_database for spec in specs if spec.id.startswith("sql."))


def test_every_parameter_a_check_reads_is_declared() -> None:
    """Read from the source: a ctx.param("name") of a name its @check does not declare would
    only crash when the check runs."""
    for spec in load_validators().all():
        source = textwrap.dedent(inspect.getsource(spec.func.__wrapped__))  # type: ignore[attr-defined]
        read = {node.args[0].value for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "param"
                and node.args and isinstance(node.args[0], ast.Constant)}
        assert read <= {p.name for p in spec.params}, f"{spec.id} reads undeclared parameters"
        assert {p.name for p in spec.params} <= read, f"{spec.id} declares parameters it never reads"


def test_an_unknown_parameter_names_the_closest_and_the_declared_ones(tmp_path: Path) -> None:
    file, manifest = _manifest(tmp_path, """
        services = ["postgres"]
        [[checks]]
        id = "db.pool.bounded"
        params = { max_conections = 5 }
    """)
    with pytest.raises(ConfigError) as caught:
        validate_checks(file, manifest, _registry())
    message = caught.value.message
    assert caught.value.key == "checks[0].params.max_conections"
    assert "db.pool.bounded has no parameter 'max_conections' (did you mean 'max_connections'?)" in message
    assert "max_connections (int, default 20): the most connections at once" in message
    assert "max_share (float, default 0.4)" in message


def test_a_check_without_parameters_says_so(tmp_path: Path) -> None:
    file, manifest = _manifest(tmp_path, """
        services = ["postgres", "redis"]
        [[checks]]
        id = "prod.cache.redis"
        params = { ttl = 5 }
    """)
    with pytest.raises(ConfigError, match=r"has no parameter 'ttl'; its parameters: none"):
        validate_checks(file, manifest, _registry())


@pytest.mark.parametrize(("value", "expected"), [
    ('"20"', "max_connections must be a whole number (int), got '20'"),
    ("2.5", "max_connections must be a whole number (int), got 2.5"),
    ("true", "max_connections must be a whole number (int), got True"),
])
def test_a_value_of_the_wrong_type_names_the_key_and_the_type(tmp_path: Path, value: str, expected: str) -> None:
    file, manifest = _manifest(tmp_path, f"""
        services = ["postgres"]
        [[checks]]
        id = "db.pool.bounded"
        params = {{ max_connections = {value} }}
    """)
    with pytest.raises(ConfigError, match=re.escape(expected)) as caught:
        validate_checks(file, manifest, _registry())
    assert caught.value.key == "checks[0].params.max_connections"


def test_values_are_read_as_their_declared_type(tmp_path: Path) -> None:
    file, manifest = _manifest(tmp_path, """
        services = ["postgres"]
        [[checks]]
        id = "db.pool.bounded"
        params = { max_connections = 5, max_share = 1 }
    """)
    bound = validate_checks(file, manifest, _registry())["db.pool.bounded"]
    assert bound == {"max_connections": 5, "max_share": 1.0} and isinstance(bound["max_share"], float)


def test_a_service_a_check_needs_and_the_lab_does_not_start(tmp_path: Path) -> None:
    file, manifest = _manifest(tmp_path, """
        services = ["postgres"]
        [[checks]]
        id = "prod.cache.redis"
    """)
    with pytest.raises(ConfigError) as caught:
        validate_checks(file, manifest, _registry())
    error = caught.value
    assert error.key == "services" and error.file == file
    assert "the check prod.cache.redis needs redis, which this lab does not start" in error.message
    assert error.fixes == ('Add it to services in lab.toml: services = ["postgres", "redis"]',)


def test_an_unregistered_check_names_the_closest(tmp_path: Path) -> None:
    file, manifest = _manifest(tmp_path, """
        [[checks]]
        id = "db.pool.bonded"
    """)
    with pytest.raises(ConfigError, match=r"registered as 'db.pool.bonded' \(did you mean 'db.pool.bounded'"):
        validate_checks(file, manifest, _registry())


def _request(params: dict[str, dict[str, Any]]) -> CheckRequest:
    lab = Catalog.load().resolve("node/week-18", None)
    project = ProjectConfig(root=Path("."), track="node", app=AppConfig(start="true"))
    return CheckRequest(lab=lab, manifest=lab.manifest(), project=project, workdir=Path("."), params=params)


def test_param_flags_override_the_lab_as_their_declared_type() -> None:
    planned = {p.spec.id: p.params for p in plan(_request({"db.pool.bounded": {"max_connections": 5},
                                                           "db.indexes.filters": {"max_share": 1}}))}
    assert planned["db.pool.bounded"] == {"max_connections": 5}
    assert planned["db.indexes.filters"] == {"books": 10_000, "max_share": 1.0}


def test_an_unknown_param_flag_is_a_usage_error_naming_the_closest() -> None:
    with pytest.raises(UsageError) as caught:
        plan(_request({"db.pool.bounded": {"max_conections": 5}}))
    message = caught.value.message
    assert message.startswith("--param db.pool.bounded.max_conections: db.pool.bounded has no parameter")
    assert "(did you mean 'max_connections'?)" in message
    assert "max_connections (int, default 20)" in message
    assert caught.value.fixes == ("See each check's parameters with: harness labs node/week-18 --verbose",)


def test_a_param_flag_of_the_wrong_type_names_the_type() -> None:
    with pytest.raises(UsageError, match=re.escape("--param db.pool.bounded.max_connections: max_connections must "
                                                   "be a whole number (int), got 'many'")):
        plan(_request({"db.pool.bounded": {"max_connections": "many"}}))


class _App:
    base_url = "http://127.0.0.1:1"

    def alive(self) -> bool:
        return True

    def exited(self, settle_s: float = 3.0) -> bool:
        return False

    def log_tail(self, lines: int = 20) -> str:
        return ""


def test_reading_an_undeclared_parameter_is_a_harness_bug_naming_it() -> None:
    registry = Registry()

    @registry.check("a.b.c", params=[Param("books", int, 1, "how many books")])
    def typo(ctx: CheckContext) -> None:
        """Reads a parameter it does not declare."""
        ctx.param("bokos")

    ctx = CheckContext(http=None, app=_App(), run_id="r", seed=1)  # type: ignore[arg-type]
    result = run_check(Planned(registry.get("a.b.c"), 1.0, False), ctx)
    assert result.status is Status.ERROR and result.cause == "crash"
    assert result.evidence is not None
    assert "a.b.c has no parameter 'bokos'" in result.evidence
    assert "declare it in @check(params=[Param(...)])" in result.evidence


def test_a_check_called_directly_reads_its_declared_defaults() -> None:
    registry = Registry()

    seen = []

    @registry.check("a.b.c", params=[Param("books", int, 7, "how many books")])
    def direct(ctx: CheckContext) -> None:
        """Notes its parameter."""
        seen.append(ctx.param("books"))

    ctx = CheckContext(http=None, app=_App(), run_id="r", seed=1)  # type: ignore[arg-type]
    direct(ctx)
    ctx.params = {"books": 9}
    direct(ctx)
    assert seen == [7, 9]


@pytest.mark.parametrize(("declare", "words"), [
    (lambda: Param("Max", int, 1, "m"), "must be lowercase"),
    (lambda: Param("limit", int, "ten", "m"), "limit must be a whole number"),  # type: ignore[type-var]
    (lambda: Param("limit", list, [], "m"),  # type: ignore[type-var]
     "type must be one of int, float, str, bool"),
    (lambda: Param("limit", int, 1, " "), "say in one line what it means"),
])
def test_a_declaration_is_checked_when_the_check_is_registered(declare: Any, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        declare()


def test_a_parameter_declared_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        Registry().check("a.b.c", params=[Param("n", int, 1, "n"), Param("n", int, 2, "n")])


def test_labs_verbose_lists_each_checks_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    from harness.cli import main

    assert main(["labs", "node/week-18", "--verbose"]) == 0
    out = capsys.readouterr().out
    assert "max_connections (int, default 20): the most connections the app may hold at once; the lab sets 20" in out
    assert "max_share (float, default 0.4)" in out
    assert main(["labs", "node/week-18"]) == 0
    assert "max_connections" not in capsys.readouterr().out
