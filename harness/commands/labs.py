"""`harness labs`: tracks, labs, weeks; planned labs shown as planned."""

from __future__ import annotations

import argparse
from typing import Any

from harness.catalog import Catalog, Lab
from harness.params import toml_value
from harness.registry import Registry, load_validators


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("labs", help="list the labs of every track (or one lab's checks)")
    parser.add_argument("lab", nargs="?", help="show one lab's checks: TRACK/week-N or production")
    parser.add_argument("--track", help="only this track")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="list each lab's checks with their parameters (defaults, and what the lab sets)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    catalog = Catalog.load()
    if args.lab:
        return _show(catalog, args)
    tracks = [args.track] if args.track else catalog.tracks()
    available = sum(lab.available for lab in catalog.labs)
    registry = load_validators() if args.verbose else None
    print(f"{len(catalog.labs)} labs, {available} available, {len(catalog.labs) - available} planned")
    for track in tracks:
        print(f"\n{track}")
        for lab in (lab for lab in catalog.labs if lab.track == track):
            state = "available" if lab.available else "planned"
            print(f"  {lab.id:<22} {lab.week_label:<12} {state:<10} {lab.title}")
            if registry is not None and lab.available:
                _checks(lab, registry, indent="      ", params=True)
    print("\nRun one: cd your-project && harness check week-18   ·   Start one: harness start week-18 --track node")
    return 0


def _show(catalog: Catalog, args: argparse.Namespace) -> int:
    lab = catalog.resolve(args.lab, args.track)
    print(f"{lab.id} · {lab.title} ({lab.week_label})")
    if not lab.available:
        print("planned: not built yet")
        return 0
    print(f"services: {', '.join(lab.manifest().services) or 'none'}")
    _checks(lab, load_validators(), indent="  ", params=args.verbose)
    return 0


def _checks(lab: Lab, registry: Registry, *, indent: str, params: bool) -> None:
    """One line per check; with `params`, a line per parameter: what it means, its default, the lab's value."""
    for entry in lab.manifest().checks:
        spec = registry.get(entry.id)
        points = entry.points if entry.points is not None else spec.points
        hidden = " (hidden)" if entry.hidden else ""
        print(f"{indent}{entry.id:<32} {points:g} pt  {spec.title}{hidden}")
        if not params:
            continue
        for param in spec.params:
            set_here = f"; the lab sets {toml_value(entry.params[param.name])}" if param.name in entry.params else ""
            print(f"{indent}    {param.describe()}{set_here}")
