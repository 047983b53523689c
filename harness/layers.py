"""Lab projects written once: a layer holds only what differs from the project it builds on.

A lab's reference solution is its starter with the TODOs done; the capstone's starter is
the security lab's starter taken further. Rather than copy those projects, a folder with a
`layer.toml` names its base and holds only its own files:

    base = "../../week-21-security/starter"   # a folder, relative to this one
    remove = ["src/routes/todo.js"]           # base files this project does not have

Laying out a layer copies its base (itself possibly a layer), removes what it lists and
copies its own files over the result. Bases stay inside the harness's own lab folders
(`labs/`, and `tests/labs/` in a checkout), so a layer cannot reach elsewhere on disk.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from harness.errors import ConfigError
from harness.paths import labs_root

LAYER_FILE = "layer.toml"
# Build output and tool state never travel between projects.
SKIPPED = ("node_modules", ".venv", ".harness", "__pycache__", "target")
_MAX_DEPTH = 8


@dataclass(frozen=True)
class Layer:
    folder: Path
    base: Path
    remove: tuple[str, ...]


def lab_roots() -> tuple[Path, ...]:
    """Where bases may live: the shipped labs, and in a checkout the test projects beside them."""
    labs = labs_root().resolve()
    tests = labs.parent / "tests" / "labs"
    return (labs, tests) if tests.is_dir() else (labs,)


def is_layer(folder: Path) -> bool:
    return (folder / LAYER_FILE).is_file()


def read_layer(folder: Path) -> Layer:
    path = folder / LAYER_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - {"base", "remove"})
    if unknown:
        raise ConfigError(str(path), "unknown key; a layer has only 'base' and 'remove'", key=unknown[0])
    base = data.get("base")
    if not isinstance(base, str) or not base:
        raise ConfigError(str(path), "a layer needs the folder it builds on", key="base",
                          fixes=['base = "../../week-18-database/starter"  (relative to this folder)'])
    remove = data.get("remove", [])
    if not isinstance(remove, list) or not all(isinstance(item, str) for item in remove):
        raise ConfigError(str(path), "a list of relative file paths", key="remove")
    for item in remove:
        pure = PurePosixPath(item)
        if pure.is_absolute() or ".." in pure.parts:
            raise ConfigError(str(path), f"{item!r} must be a path inside the project", key="remove")
    resolved = (folder / base).resolve()
    if not any(resolved.is_relative_to(root) for root in lab_roots()):
        raise ConfigError(str(path), f"{base!r} is outside the harness's lab folders", key="base",
                          fixes=["Build on a starter in labs/ or a project in tests/labs/"])
    if not resolved.is_dir():
        raise ConfigError(str(path), f"{base!r} is not a folder ({resolved})", key="base")
    return Layer(folder=folder.resolve(), base=resolved, remove=tuple(remove))


def chain(folder: Path) -> list[Path]:
    """The folders to lay down, the deepest base first and `folder` last."""
    folders = [folder.resolve()]
    while is_layer(folders[-1]):
        base = read_layer(folders[-1]).base
        if base in folders or len(folders) > _MAX_DEPTH:
            names = " -> ".join(str(f) for f in [*folders, base])
            raise ConfigError(str(folder / LAYER_FILE), f"layers build on each other in a loop or too deep: {names}",
                              key="base")
        folders.append(base)
    return folders[::-1]


def lay_out(folder: Path, target: Path, *, skip: tuple[str, ...] = SKIPPED) -> Path:
    """Write the whole project `folder` stands for into `target` (created or merged into)."""
    ignore = shutil.ignore_patterns(*skip, LAYER_FILE)
    for step in chain(folder):
        if is_layer(step):
            for item in read_layer(step).remove:
                _remove(target / item)
        shutil.copytree(step, target, dirs_exist_ok=True, ignore=ignore)
    return target


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
