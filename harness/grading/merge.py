"""`harness grade --merge grades-*/ --out final/`: the shards of a CI matrix as one gradebook.

Each shard's folder holds grade.json (what was graded, with which lab, policy and shard),
gradebook.csv and one report folder per submission; the merged folder gets them all, and
the class report (index.html) of the whole class. Merging refuses shards of different
labs or policies (their scores would not compare), refuses a submission graded twice, and
names the shards that are missing, so a failed matrix job is not silently a lower grade.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from harness import __version__
from harness.grading import class_report, gradebook
from harness.grading.gradebook import MergeError, Row
from harness.reporters.json_report import write_atomically

META = "grade.json"


def read_meta(folder: Path) -> dict[str, Any]:
    path = folder / META
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError:
        raise MergeError(f"{folder}: no {META}; is it the --out folder of a `harness grade` run?") from None
    except ValueError as exc:
        raise MergeError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise MergeError(f"{path}: not a grade manifest")
    return data


def write_meta(folder: Path, meta: dict[str, Any]) -> None:
    write_atomically(folder / META, json.dumps(meta, indent=2) + "\n")


def missing_shards(metas: list[dict[str, Any]]) -> list[str]:
    totals = {m["shard"]["total"] for m in metas if m.get("shard")}
    if len(totals) != 1:
        return []
    total = totals.pop()
    present = {m["shard"]["index"] for m in metas if m.get("shard")}
    return [f"{i}/{total}" for i in range(1, total + 1) if i not in present]


def merge_folders(folders: list[Path], out: Path) -> tuple[list[Row], list[str]]:
    """Rows of the merged gradebook, and warnings (missing shards) to print."""
    if not folders:
        raise MergeError("--merge needs at least one folder")
    metas = [read_meta(f) for f in folders]
    first = metas[0]
    for folder, meta in zip(folders[1:], metas[1:], strict=True):
        for key in ("lab", "policy"):
            if meta.get(key) != first.get(key):
                raise MergeError(f"{folder} was graded with another {key} than {folders[0]}; "
                                 "grade every shard with the same --lab and policy")
    books = {str(f): gradebook.read(f / gradebook.FILE) for f in folders}
    rows = gradebook.merge(books)
    out.mkdir(parents=True, exist_ok=True)
    for folder, book in zip(folders, books.values(), strict=True):
        for row in book:
            source = folder / row.submission
            if source.is_dir() and source.resolve() != (out / row.submission).resolve():
                shutil.copytree(source, out / row.submission, dirs_exist_ok=True)
    gradebook.write(out / gradebook.FILE, rows)
    class_report.write(out, str(first.get("lab")), rows)
    warnings = [f"shard {s} is missing: its submissions are not in the gradebook" for s in missing_shards(metas)]
    write_meta(out, {
        "harness": __version__, "lab": first.get("lab"), "policy": first.get("policy"),
        "shard": None, "merged_from": [str(f) for f in folders],
        "submissions": [r.submission for r in rows], "warnings": warnings,
    })
    return rows, warnings
