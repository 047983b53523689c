"""`harness start LAB --track T --dir D`: a lab's starter code and its harness.toml."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any

from harness.catalog import Catalog
from harness.errors import NothingToRun, UsageError
from harness.layers import lay_out


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("start", help="copy a lab's starter project into a new folder")
    parser.add_argument("lab", help="week-N, TRACK/week-N or production")
    parser.add_argument("--track", help="the track (node, python, java, ...) when LAB is week-N")
    parser.add_argument("--dir", required=True, help="the folder to create (must not exist or be empty)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    catalog = Catalog.load()
    lab = catalog.resolve(args.lab, args.track)
    catalog.require_available(lab)
    starter = lab.folder / "starter"
    if not starter.is_dir():
        raise NothingToRun(f"{lab.id} has no starter code")
    target = Path(args.dir).expanduser().resolve()
    if target.exists() and any(target.iterdir()):
        raise UsageError(f"{target} exists and is not empty; the starter is only copied into a new folder",
                         fixes=["Pick another --dir, or empty that folder"])
    lay_out(starter, target)
    print(f"{lab.id} · {lab.title}: starter copied to {target}")
    readme = lab.folder / "README.md"
    if readme.is_file():
        shutil.copyfile(readme, target / "LAB.md")
        print(f"The instructions are in {target / 'LAB.md'}.")
    print(f"Next: cd {args.dir} && harness check {lab.id.split('/', 1)[1] if lab.weeks else lab.slug}")
    return 0
