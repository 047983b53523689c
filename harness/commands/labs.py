"""`harness labs`: tracks, labs, weeks; planned labs shown as planned."""

from __future__ import annotations

import argparse
import json
from typing import Any

from harness import __version__
from harness.catalog import Catalog, CheckEntry, Lab
from harness.params import toml_value
from harness.registry import CheckSpec, Registry, load_validators


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("labs", help="list the labs of every track (or one lab's checks)")
    parser.add_argument("lab", nargs="?", help="show one lab's checks: TRACK/week-N or production")
    parser.add_argument("--track", help="only this track")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="list each lab's checks with their parameters (defaults, and what the lab sets)")
    parser.add_argument("--json", action="store_true",
                        help="print the labs, with their checks and parameters, as JSON (fields: docs/results.md)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    catalog = Catalog.load()
    if args.json:
        labs = [catalog.resolve(args.lab, args.track)] if args.lab else [
            lab for lab in catalog.labs if not args.track or lab.track == args.track]
        # default=str: a parameter's value TOML reads as a date or time stays readable
        print(json.dumps({"format": 1, "harness": __version__, "labs": labs_json(labs, load_validators())},
                         indent=2, default=str))
        return 0
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


def labs_json(labs: list[Lab], registry: Registry) -> list[dict[str, Any]]:
    """Each lab as `harness labs` lists it; an available lab with its services and checks."""
    out = []
    for lab in labs:
        item: dict[str, Any] = {"id": lab.id, "track": lab.track, "title": lab.title,
                                "weeks": list(lab.weeks) if lab.weeks else None, "week_label": lab.week_label,
                                "available": lab.available}
        if lab.available:
            manifest = lab.manifest()
            item["services"] = list(manifest.services)
            item["checks"] = [_check_json(entry, registry.get(entry.id)) for entry in manifest.checks]
        out.append(item)
    return out


def _check_json(entry: CheckEntry, spec: CheckSpec) -> dict[str, Any]:
    return {"id": entry.id, "title": spec.title,
            "points": entry.points if entry.points is not None else spec.points, "hidden": entry.hidden,
            "params": [{"name": p.name, "type": p.type.__name__, "default": p.default, "meaning": p.meaning,
                        **({"lab_value": entry.params[p.name]} if p.name in entry.params else {})}
                       for p in spec.params]}


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
