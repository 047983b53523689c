"""The jail launcher's exec chain, phase by phase."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.grading import jail
from harness.grading.jail import JailLauncher, JailSpec, enter, join_cgroups

SPEC = JailSpec(uid=1790042, workdir="/s/0001/work", home="/s/0001/home", tmp="/s/0001/apptmp",
                hide=("/s", "/grades", "/subs"), install_procs=("/cg/install/cgroup.procs",),
                run_procs=("/cg/run/cgroup.procs", "/cg2/run/cgroup.procs"), host_netns="/proc/7/ns/net",
                file_size_bytes=1000, open_files=64, processes=32)
CMD = ["/bin/sh", "-c", "npm ci"]
WORK = Path(SPEC.workdir)
ENV = {"PATH": "/usr/bin:/bin", "PORT": "4000"}


def _tool(name: str) -> str:
    return f"/sys-tools/{name}"


def _wrap(spec: JailSpec, phase: str, cwd: Path = WORK) -> list[str]:
    return JailLauncher(spec, tool=_tool).wrap(CMD, phase=phase, cwd=cwd, env=ENV)[0]


def _after(chain: list[str], word: str) -> list[str]:
    return chain[chain.index(word):]


def test_install_leaves_the_namespace_and_joins_its_own_cgroup() -> None:
    chain = _wrap(SPEC, "install", WORK)
    assert chain[:3] == ["/sys-tools/nsenter", "--net=/proc/7/ns/net", "--"]
    assert "/cg/install/cgroup.procs" in chain[5] and "/cg/run" not in chain[5]
    assert chain[-3:] == CMD


def test_run_phases_stay_in_the_namespace_and_join_every_run_cgroup() -> None:
    for phase in ("migrate", "start"):
        chain = _wrap(SPEC, phase, WORK)
        assert chain[0] == "/bin/sh" and "nsenter" not in chain
        assert "/cg/run/cgroup.procs" in chain[2] and "/cg2/run/cgroup.procs" in chain[2]


def test_order_root_steps_then_drop_then_bubblewrap() -> None:
    chain = _wrap(SPEC, "start", WORK)
    prlimit, setpriv = chain.index("/sys-tools/prlimit"), chain.index("/sys-tools/setpriv")
    bwrap = chain.index("/sys-tools/bwrap")
    assert prlimit < setpriv < bwrap
    assert chain[prlimit:setpriv] == ["/sys-tools/prlimit", "--fsize=1000", "--nofile=64", "--core=0", "--"]
    assert chain[setpriv:bwrap] == ["/sys-tools/setpriv", "--reuid=1790042", "--regid=1790042", "--clear-groups",
                                    "--no-new-privs", "--"]


def test_bubblewrap_hides_the_others_then_binds_its_own_folders() -> None:
    chain = _after(_wrap(SPEC, "start", WORK), "/sys-tools/bwrap")
    text = " ".join(chain)
    assert "--ro-bind / /" in text and "--tmpfs /tmp" in text and "--unshare-pid" in text
    assert "--die-with-parent" in text and "--new-session" in text and "--unshare-net" not in text
    assert text.index("--tmpfs /s ") < text.index("--bind /s/0001/work /s/0001/work")
    assert "--setenv HOME /s/0001/home" in text and "--setenv TMPDIR /tmp" in text


def test_without_bubblewrap_env_sets_home_and_tmp() -> None:
    spec = JailSpec(uid=5000, workdir="/w", home="/h", tmp="/t", bwrap=False)
    chain = _wrap(spec, "start", Path("/w"))
    assert "/sys-tools/bwrap" not in chain
    assert chain[chain.index("/sys-tools/env"):] == ["/sys-tools/env", "-i", "--", "PATH=/usr/bin:/bin", "PORT=4000",
                                                     "HOME=/h", "TMPDIR=/t", *CMD]


def test_without_cgroups_rlimit_nproc_bounds_the_processes() -> None:
    spec = JailSpec(uid=5000, workdir="/w", home="/h", tmp="/t", processes=32)
    chain = _wrap(spec, "start", Path("/w"))
    assert chain[4] == "/sys-tools/prlimit" and "--nproc=32" in chain
    assert chain[:2] == ["/bin/sh", "-c"] and "echo $$" not in chain[2], "only the umask: no cgroup to join"


def test_cgroup_join_fails_closed() -> None:
    script = join_cgroups(("/a b/cgroup.procs",))[2]
    assert script.startswith("echo $$ > '/a b/cgroup.procs'") and "exit 125" in script and 'exec "$@"' in script
    script = enter(("/a b/cgroup.procs",))[2]
    assert script.startswith("umask 022 && echo $$ > '/a b/cgroup.procs'") and "exit 125" in script


def test_account_is_left_to_the_chain() -> None:
    assert JailLauncher(SPEC).account() == (None, None)


def test_spec_round_trips() -> None:
    assert JailSpec.from_json(SPEC.to_json()) == SPEC


def test_no_phase_sees_the_machines_sockets_and_installs_keep_only_the_resolver(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jail, "dns_files", lambda: ["/run/systemd/resolve/stub-resolv.conf"])
    start = " ".join(_wrap(SPEC, "start", WORK))
    install = " ".join(_wrap(SPEC, "install", WORK))
    assert "--tmpfs /run " in start and "--tmpfs /run " in install
    bind = "--ro-bind /run/systemd/resolve/stub-resolv.conf /run/systemd/resolve/stub-resolv.conf"
    assert bind in install and bind not in start
    assert install.index("--tmpfs /run ") < install.index(bind), "bound back after /run is hidden"


def test_a_command_run_in_a_folder_of_the_project_starts_there() -> None:
    # A seeded bug's copy lives in the project: bwrap must start its tests there, not in the project.
    copy = WORK / ".harness" / "bugs" / "bug-1"
    chain = _after(_wrap(SPEC, "tests", copy), "/sys-tools/bwrap")
    assert chain[chain.index("--chdir") + 1] == str(copy)
    with pytest.raises(ValueError, match="outside the jailed project"):
        _wrap(SPEC, "tests", Path("/etc"))


def test_the_copy_of_warmed_dependencies_counts_as_install_without_network_and_sees_the_store() -> None:
    spec = JailSpec(**{**SPEC.to_json(), "warm_store": "/s/deps/k1"})
    chain = _wrap(spec, jail.COPY)
    assert "/sys-tools/nsenter" not in chain, "the copy needs no network"
    assert "/cg/install/cgroup.procs" in chain[2] and "/cg/run" not in chain[2]
    binds = [chain[i + 1] for i, word in enumerate(chain) if word == "--ro-bind"]
    assert "/s/deps/k1" in binds
    # Bound back after the tmpfs that hides the grading's folder, or it would stay hidden.
    assert chain.index("/s/deps/k1") > chain.index("/s")
    for phase in ("install", "start", "migrate"):
        assert "/s/deps/k1" not in _wrap(spec, phase), f"the store is seen by the copy alone, not by {phase}"


def test_a_folder_of_the_harness_the_app_reads_is_seen_read_only_over_the_private_tmp() -> None:
    # The fake clock's offset file (/tmp/harness-clock-*/offset, or under the hidden grading
    # folder): the app under libfaketime reads it on every clock call, the harness rewrites it.
    clock = Path("/s/0001/tmp/harness-clock-x1")
    chain = JailLauncher(SPEC, tool=_tool).wrap(CMD, phase="start", cwd=WORK, env=ENV, readable=[clock])[0]
    binds = [chain[i + 1:i + 3] for i, word in enumerate(chain) if word == "--ro-bind"]
    assert [str(clock), str(clock)] in binds
    bind = chain.index(str(clock))
    assert chain.index("/tmp") < bind and max(i for i, w in enumerate(chain) if w == "/s") < bind, \
        "bound after the tmpfs mounts that would hide it"
    assert ["--bind", str(clock)] not in [chain[i:i + 2] for i in range(len(chain) - 1)], "never writable"
