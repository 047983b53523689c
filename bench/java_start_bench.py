"""CPU a Spring Boot app spends to start: from its jar, from its classes on a plain classpath,
and with a class-data sharing (CDS) archive of its dependencies, in one run.

Usage: python bench/java_start_bench.py [--runs 3]
Lays out java/week-09's reference (Spring Boot, no database), builds it with Maven once, and
starts it each way until GET /health answers; the figure is the JVM's CPU time (user + system,
/proc) at that moment, with the wall time beside it. The dependencies' archive is dumped once
from a class list its training start wrote (`-XX:DumpLoadedClassList`), with the dependency
jars alone on the classpath: the app's own classes come after them at run time, so a rebuilt
app keeps the archive (JDK 17 maps an archive whose classpath is a prefix of the run's and
refuses one with a directory or a changed jar in it). The start commands of the Java labs use
`java -jar`; this measures what the other two ways would save each start.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.proc.ports import free_port  # noqa: E402
from tests.support.projects import materialize  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
QUICK_JIT = "-XX:TieredStopAtLevel=1"  # as the labs' start commands run it


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def start(argv: list[str], cwd: Path, port: int) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of the JVM when /health first answers."""
    began = time.monotonic()
    process = subprocess.Popen([*argv, f"--server.port={port}", "--server.address=127.0.0.1"], cwd=cwd,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.monotonic() - began < 120:
            if process.poll() is not None:
                raise RuntimeError(f"{argv[-1]} exited with {process.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as response:
                    if response.status == 200:
                        return cpu_s(process.pid), time.monotonic() - began
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("no answer on /health within 120 s")
    finally:
        process.kill()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    java = shutil.which("java")
    if java is None or shutil.which("mvn") is None:
        sys.exit("needs java and mvn on PATH")
    with tempfile.TemporaryDirectory(prefix="java-start-bench-") as tmp:
        work = Path(tmp)
        project = materialize("java", "week-09", work / "project")
        subprocess.run(["mvn", "-q", "-B", "-Dstyle.color=never", "-DskipTests", "package"], cwd=project, check=True)
        jar = project / "target" / "shelf.jar"
        exploded = work / "exploded"
        with zipfile.ZipFile(jar) as archive:
            archive.extractall(exploded)
            manifest = archive.read("META-INF/MANIFEST.MF").decode()
        main_class = next(line.split(":", 1)[1].strip() for line in manifest.splitlines()
                          if line.startswith("Start-Class:"))
        deps = ":".join(str(p) for p in sorted((exploded / "BOOT-INF" / "lib").glob("*.jar")))
        classes = str(exploded / "BOOT-INF" / "classes")
        class_list, archive_file = work / "classes.lst", work / "deps.jsa"
        began = time.monotonic()
        training = subprocess.run([java, QUICK_JIT, f"-XX:DumpLoadedClassList={class_list}",
                                   "-Dspring.context.exit=onRefresh", "-cp", f"{deps}:{classes}", main_class,
                                   f"--server.port={free_port()}"], capture_output=True)
        dump = subprocess.run([java, "-Xshare:dump", f"-XX:SharedClassListFile={class_list}",
                               f"-XX:SharedArchiveFile={archive_file}", "-cp", deps], capture_output=True)
        dumped_s = time.monotonic() - began
        if training.returncode != 0 or dump.returncode != 0 or not archive_file.is_file():
            sys.exit(f"the archive could not be made: {dump.stderr.decode(errors='replace')[-400:]}")
        archive_mb = archive_file.stat().st_size / 2**20
        cases = {
            "java -jar (the labs' way)": [java, QUICK_JIT, "-jar", str(jar)],
            "plain classpath": [java, QUICK_JIT, "-cp", f"{deps}:{classes}", main_class],
            "classpath + dependencies' CDS": [java, QUICK_JIT, f"-XX:SharedArchiveFile={archive_file}",
                                              "-Xshare:on", "-cp", f"{deps}:{classes}", main_class],
        }
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        for _ in range(args.runs):  # interleaved: a busy moment falls on every way alike
            for name, argv in cases.items():
                results[name].append(start(argv, project, free_port()))
    print(f"java/week-09's reference to its first /health answer, {args.runs} starts each "
          "(median; CPU = the JVM's user + system time)")
    base = statistics.median(c for c, _ in results["java -jar (the labs' way)"])
    for name, values in results.items():
        cpu = statistics.median(c for c, _ in values)
        wall = statistics.median(w for _, w in values)
        print(f"  {name:<32} CPU {cpu:5.2f} s  wall {wall:5.2f} s  CPU / java -jar {cpu / base:4.2f}")
    print(f"  the archive: a training start and a dump, {dumped_s:.1f} s once per dependency set, {archive_mb:.0f} MB")


if __name__ == "__main__":
    main()
