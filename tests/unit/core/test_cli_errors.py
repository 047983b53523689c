"""The command line's error boundary: what a missing module says depends on whose it is."""

from __future__ import annotations

import argparse

import pytest

from harness import cli
from harness.errors import ExitCode


def _failing_with(error: BaseException) -> object:
    def build(command: str | None = None) -> argparse.ArgumentParser:
        raise error
    return build


def test_a_missing_dependency_is_an_install_to_fix_not_a_bug(monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli, "build_parser", _failing_with(ModuleNotFoundError("gone", name="httpx")))
    assert cli.main(["labs"]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert err.startswith("harness: error: the module 'httpx', which the harness needs, is not installed for ")
    assert "uv tool install ." in err and "scripts/try" in err
    assert "internal error" not in err and "harness bug" not in err


@pytest.mark.parametrize("name", ["harness.validators.gone", "validators.nothing", None])
def test_a_missing_module_of_the_harness_itself_is_a_bug(name: str | None, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli, "build_parser", _failing_with(ModuleNotFoundError("gone", name=name)))
    assert cli.main(["labs"]) == ExitCode.INTERNAL
    assert "This is a harness bug" in capsys.readouterr().err
