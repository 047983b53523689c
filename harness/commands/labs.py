"""`harness labs`: tracks, labs, weeks; planned labs shown as planned."""

from __future__ import annotations

import argparse
from typing import Any

from harness.catalog import Catalog
from harness.registry import load_validators


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("labs", help="list the labs of every track (or one lab's checks)")
    parser.add_argument("lab", nargs="?", help="show one lab's checks: TRACK/week-N or production")
    parser.add_argument("--track", help="only this track")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    catalog = Catalog.load()
    if args.lab:
        return _show(catalog, args)
    tracks = [args.track] if args.track else catalog.tracks()
    available = sum(lab.available for lab in catalog.labs)
    print(f"{len(catalog.labs)} labs, {available} available, {len(catalog.labs) - available} planned")
    for track in tracks:
        print(f"\n{track}")
        for lab in (lab for lab in catalog.labs if lab.track == track):
            state = "available" if lab.available else "planned"
            print(f"  {lab.id:<22} {lab.week_label:<12} {state:<10} {lab.title}")
    print("\nRun one: cd your-project && harness check week-18   ·   Start one: harness start week-18 --track node")
    return 0


def _show(catalog: Catalog, args: argparse.Namespace) -> int:
    lab = catalog.resolve(args.lab, args.track)
    print(f"{lab.id} · {lab.title} ({lab.week_label})")
    if not lab.available:
        print("planned: not built yet")
        return 0
    manifest = lab.manifest()
    registry = load_validators()
    print(f"services: {', '.join(manifest.services) or 'none'}")
    for entry in manifest.checks:
        spec = registry.get(entry.id)
        points = entry.points if entry.points is not None else spec.points
        hidden = " (hidden)" if entry.hidden else ""
        print(f"  {entry.id:<32} {points:g} pt  {spec.title}{hidden}")
    return 0
