"""Defects proven together: several defects of a lab laid over its reference in one run.

A defect's proof says two things: its check fails on it, and every other check of the lab
passes on it ("fails its check and only it"). One defect per run, a lab of N defects costs N
runs of all its checks. Here each defect is laid over the reference in exactly two runs, with
others, and a run must fail exactly the checks of the defects in it and pass every other:

- the runs are the vertices of a graph and the defects its edges, so two runs share at most one
  defect and N defects need about sqrt(2N) runs (8 defects: 5 runs; 23: 8);
- two defects of one check (a defect and its variants) are never in the same run, and the two
  runs of a defect never both hold a defect of another check.

So for a defect D of check C and every other check X: one of D's runs holds no defect of X,
and X passes there (D does not break X); C fails in both of D's runs, and every other defect
in them has a run of its own without a defect of C where C passes (the failure is D's). That
holds as long as one defect does not change what another does to a check: defects are the
smallest realistic mistakes, each in its own lines, and a pair that does interact (or whose
files cannot both be laid over the reference) is kept apart. A defect can also run alone:
its lab's load checks run in the serial phase one defect at a time, and a defect that builds
on another lab's project cannot be laid over this lab's reference beside others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from harness.layers import LAYER_FILE, Edit, NotOnce, chain, is_layer, read_layer, replace_once

# Folders of a lab's test projects whose overlays are mistakes a check must catch.
OVERLAY_FOLDERS = ("defects", "variants")


@dataclass(frozen=True)
class Overlay:
    """A defect (or variant) of a lab, and what laying it over the reference writes."""

    name: str  # the folder's name: a check id, or check-id--variant
    folder: Path
    # The folders of its chain above the reference, laid in order; None: it cannot be laid
    # over the reference beside others (it builds on another lab's whole project).
    steps: tuple[Path, ...] | None
    whole: frozenset[str]  # files it writes, takes or removes whole
    edits: tuple[Edit, ...]  # a few lines changed in files of the reference

    @property
    def check(self) -> str:
        return self.name.split("--", 1)[0]


def overlay(folder: Path, reference: Path, *, skip: tuple[str, ...]) -> Overlay:
    """Read what `folder` changes in `reference` (the lab's reference project's folder)."""
    steps = _steps(folder, reference.resolve())
    whole: set[str] = set()
    edits: list[Edit] = []
    for step in steps or ():
        layer = read_layer(step) if is_layer(step) else None
        if layer is not None:
            whole.update(layer.remove)
            whole.update(name for take in layer.takes for name in take.files)
        whole.update(_files(step, skip))
        for edit in layer.edits if layer else ():
            # An edit of a file the overlay writes whole is part of writing it.
            if edit.file not in whole:
                edits.append(edit)
    return Overlay(folder.name, folder, steps, frozenset(whole), tuple(edits))


def _steps(folder: Path, reference: Path) -> tuple[Path, ...] | None:
    folders = chain(folder)
    if reference in folders:
        return tuple(folders[folders.index(reference) + 1:])
    # Overlays all the way down (a defect that builds on a defect of another lab, itself files
    # laid over a reference): they lay over this lab's reference as they are.
    if all(step.parent.name in OVERLAY_FOLDERS for step in folders):
        return tuple(folders)
    return None


def _files(step: Path, skip: tuple[str, ...]) -> set[str]:
    names = set()
    for path in step.rglob("*"):
        relative = path.relative_to(step)
        if path.is_file() and path.name != LAYER_FILE and not any(part in skip for part in relative.parts):
            names.add(relative.as_posix())
    return names


def composable(a: Overlay, b: Overlay, text_of: Callable[[str], str]) -> bool:
    """Whether both can be laid over the reference, in either order, with the same project:
    no file one writes whole is touched by the other, and where both edit a file, each edit
    still finds its lines once the other's are made. `text_of` reads a file of the reference."""
    if a.steps is None or b.steps is None:
        return False
    if a.whole & (b.whole | {e.file for e in b.edits}) or b.whole & {e.file for e in a.edits}:
        return False
    for name in {e.file for e in a.edits} & {e.file for e in b.edits}:
        mine = [e for e in a.edits if e.file == name]
        theirs = [e for e in b.edits if e.file == name]
        try:
            first, second = _edited(text_of(name), mine + theirs), _edited(text_of(name), theirs + mine)
        except NotOnce:
            return False
        if first != second:
            return False
    return True


def _edited(text: str, edits: Iterable[Edit]) -> str:
    for edit in edits:
        text = replace_once(text, edit.find, edit.replace)
    return text


def plan(overlays: Sequence[Overlay], apart: Callable[[Overlay, Overlay], bool],
         alone: Iterable[str] = ()) -> list[tuple[Overlay, ...]]:
    """The runs that prove `overlays`: each in two runs with others, or in one run by itself
    (the names in `alone`, and those no run can take); the fewest runs this greedy finds.
    `apart(a, b)`: the two may not share a run (their files, or a known interaction)."""
    solo = [o for o in overlays if o.name in set(alone)]
    pool = sorted((o for o in overlays if o.name not in set(alone)), key=lambda o: o.name)
    partners = {o.name: sum(not apart(o, other) for other in pool if other is not o) for o in pool}
    # A few orders to place them in, the fewest runs kept: the most constrained first, and the
    # defects of a check with several spread through the order rather than side by side.
    orders = [sorted(pool, key=lambda o: (partners[o.name], o.name)),
              sorted(pool, key=lambda o: (o.name.count("--"), partners[o.name], o.name)),
              sorted(pool, key=lambda o: (-o.name.count("--"), partners[o.name], o.name))]
    best: list[tuple[Overlay, ...]] = [(o,) for o in pool]
    for vertices in range(_fewest_vertices(len(pool)), len(pool)):
        if vertices >= len(best):  # more runs than the best found: no better plan there
            break
        for order in orders:
            runs = _place(order, vertices, apart)
            if len(runs) < len(best):
                best = runs
    return [*((o,) for o in solo), *best]


def _fewest_vertices(edges: int) -> int:
    vertices = 2
    while vertices * (vertices - 1) // 2 < edges:
        vertices += 1
    return vertices


def _place(order: Sequence[Overlay], vertices: int,
           apart: Callable[[Overlay, Overlay], bool]) -> list[tuple[Overlay, ...]]:
    runs: list[list[Overlay]] = [[] for _ in range(vertices)]
    ends: dict[str, tuple[int, int]] = {}
    left: list[Overlay] = []
    edges = list(combinations(range(vertices), 2))
    for item in order:
        taken = set(ends.values())
        free = [(u, v) for u, v in edges if (u, v) not in taken and _fits(item, u, v, runs, ends, apart)]
        if not free:
            left.append(item)
            continue
        u, v = min(free, key=lambda edge: _cost(item, edge, runs, taken))
        runs[u].append(item)
        runs[v].append(item)
        ends[item.name] = (u, v)
    return [tuple(run) for run in runs if run] + [(item,) for item in left]


def _cost(item: Overlay, edge: tuple[int, int], runs: list[list[Overlay]],
          taken: set[tuple[int, int]]) -> tuple[int, int, int, tuple[int, int]]:
    """Which free edge takes `item`: the fewest edges closed to later defects, then the emptiest runs."""
    u, v = edge
    # The edges it would close: those between a run that holds its check and u or v (a defect
    # laid on such an edge would meet the check in both its runs).
    held = [w for w in range(len(runs)) if w not in edge and item.check in {o.check for o in runs[w]}]
    closed = sum(1 for w in held for x in edge if (min(w, x), max(w, x)) not in taken)
    return (closed, max(len(runs[u]), len(runs[v])), len(runs[u]) + len(runs[v]), edge)


def _fits(item: Overlay, u: int, v: int, runs: list[list[Overlay]], ends: dict[str, tuple[int, int]],
          apart: Callable[[Overlay, Overlay], bool]) -> bool:
    """Whether `item` may be laid in runs u and v beside what they hold."""
    def checks(run: int) -> set[str]:
        return {o.check for o in runs[run]}

    if any(apart(item, other) for other in (*runs[u], *runs[v])):
        return False
    if item.check in checks(u) | checks(v) or checks(u) & checks(v):
        return False
    # Each defect already in u or v keeps a run free of every other check's defects it shares.
    for run in (u, v):
        for other in runs[run]:
            far = ends[other.name][1] if ends[other.name][0] == run else ends[other.name][0]
            if item.check in checks(far):
                return False
    return True


def problems(runs: Sequence[tuple[Overlay, ...]]) -> list[str]:
    """What keeps `runs` from proving each of their overlays (empty: they prove them all)."""
    found = []
    where: dict[str, tuple[Overlay, list[int]]] = {}
    for index, run in enumerate(runs):
        checks = [o.check for o in run]
        if len(set(checks)) != len(checks):
            found.append(f"run {index} holds two overlays of one check: {[o.name for o in run]}")
        for item in run:
            where.setdefault(item.name, (item, []))[1].append(index)
    for name, (item, indexes) in where.items():
        if len(indexes) == 1 and len(runs[indexes[0]]) == 1:
            continue  # alone
        if len(indexes) != 2:
            found.append(f"{name} is in {len(indexes)} runs: alone, or in two")
            continue
        first, second = (runs[i] for i in indexes)
        if {o.name for o in first} & {o.name for o in second} != {name}:
            found.append(f"{name}'s two runs share another overlay")
        shared = {o.check for o in first} & {o.check for o in second}
        if shared != {item.check}:
            found.append(f"both runs of {name} hold a defect of {sorted(shared - {item.check})}")
    return found
