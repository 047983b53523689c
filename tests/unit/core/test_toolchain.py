"""`java = N` in lab.toml: which JDK the harness picks, and what it tells a machine without one."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.catalog import load_manifest
from harness.errors import ConfigError, EnvironmentProblem
from harness.runner.toolchain import find_jdk, java_environment


def fake_jdk(home: Path, version: str) -> Path:
    """A folder shaped like a JDK: bin/java, bin/javac and the release file every JDK 9+ has."""
    (home / "bin").mkdir(parents=True)
    for tool in ("java", "javac"):
        (home / "bin" / tool).write_text("#!/bin/sh\n")
        (home / "bin" / tool).chmod(0o755)
    (home / "release").write_text(f'IMPLEMENTOR="Test"\nJAVA_VERSION="{version}"\n')
    return home


@pytest.fixture
def jvms(tmp_path: Path) -> Path:
    root = tmp_path / "jvm"
    fake_jdk(root / "java-17-openjdk-amd64", "17.0.13")
    fake_jdk(root / "temurin-21-jdk-amd64", "21.0.5")
    fake_jdk(root / "temurin-25-jdk-amd64", "25")
    (root / "not-a-jdk").mkdir()
    return root


def test_a_lab_without_a_minimum_changes_nothing() -> None:
    assert java_environment(None, {"PATH": "/usr/bin"}) == {}


def test_java_home_is_used_when_it_is_new_enough(jvms: Path) -> None:
    home = jvms / "temurin-21-jdk-amd64"
    env = java_environment(21, {"JAVA_HOME": str(home), "PATH": "/usr/bin"}, folders=(str(jvms),))
    assert env == {"JAVA_HOME": str(home), "PATH": f"{home}/bin:/usr/bin"}


def test_the_java_on_path_is_used_through_its_link(jvms: Path, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "java").symlink_to(jvms / "temurin-21-jdk-amd64" / "bin" / "java")
    jdk, _tried = find_jdk(21, {"PATH": str(bin_dir)}, folders=())
    assert jdk is not None and jdk.home == jvms / "temurin-21-jdk-amd64"


def test_an_old_default_gives_way_to_the_newest_jdk_in_the_folders(jvms: Path) -> None:
    old = jvms / "java-17-openjdk-amd64"
    env = java_environment(21, {"JAVA_HOME": str(old), "PATH": f"{old}/bin:/usr/bin"}, folders=(str(jvms),))
    assert env["JAVA_HOME"] == str(jvms / "temurin-25-jdk-amd64")
    assert env["PATH"].split(":")[0] == str(jvms / "temurin-25-jdk-amd64" / "bin")


def test_no_jdk_new_enough_names_the_minimum_what_was_tried_and_how_to_get_one(jvms: Path) -> None:
    with pytest.raises(EnvironmentProblem) as raised:
        java_environment(26, {"PATH": "/nowhere"}, folders=(str(jvms), "/no/such/folder"))
    text = raised.value.render()
    assert "needs Java 26 or newer" in text
    assert "temurin-25-jdk-amd64 (Java 25)" in text and "java-17-openjdk-amd64 (Java 17)" in text
    assert "JAVA_HOME" in text and "openjdk-26-jdk" in text


def test_a_jre_without_javac_is_not_a_jdk(tmp_path: Path) -> None:
    home = fake_jdk(tmp_path / "jre-21", "21.0.1")
    (home / "bin" / "javac").unlink()
    assert find_jdk(21, {"JAVA_HOME": str(home)}, folders=())[0] is None


@pytest.mark.parametrize(("value", "ok"), [("21", True), ('"21"', False), ("true", False), ("7", False)])
def test_lab_toml_java_is_a_version_number(tmp_path: Path, value: str, ok: bool) -> None:
    path = tmp_path / "lab.toml"
    path.write_text(f'java = {value}\nservices = []\n[[checks]]\nid = "jmodule.model.values"\n')
    if ok:
        assert load_manifest(path).java == 21
    else:
        with pytest.raises(ConfigError, match="key 'java'"):
            load_manifest(path)
