"""Lab projects written once: a layer holds only what differs from the project it builds on.

A lab's reference solution is its starter with the TODOs done; the capstone's starter is
the security lab's starter taken further. Rather than copy those projects, a folder with a
`layer.toml` names its base and holds only its own files:

    base = "../../week-21-security/starter"   # a folder, relative to this one
    remove = ["src/routes/todo.js"]           # base files this project does not have

    [[edit]]                                  # a few changed lines, written as the change
    file = "src/app.js"
    find = "app.use(helmet());"               # must occur exactly once in the file
    replace = ""
    [[take]]                                  # files of a second project, as that one lays them out
    from = "../../../../labs/java/week-13-spring-data/starter"
    files = ["src/main/java/shelf/db/DatabaseUrl.java"]

Laying out a layer copies its base (itself possibly a layer), removes what it lists,
copies the files it takes from other projects, then its own files over the result, and then
makes its edits, in order, each on the file as the edits before it left it. A reference that
builds on an earlier lab's reference takes the files its own starter gives, rather than a
copy of them. An edit is the form a lab's `[[bugs]]` entries take: a test project that
differs from its reference by a few lines says so in those lines, and a change to the
reference that moves them stops the lay-out instead of leaving the project testing old code.
Bases and the projects files are taken from stay inside the harness's own lab folders
(`labs/`, and `tests/labs/` in a checkout), so a layer cannot reach elsewhere on disk.
"""

from __future__ import annotations

import shutil
import tempfile
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
class Edit:
    file: str
    find: str
    replace: str


@dataclass(frozen=True)
class Take:
    source: Path  # a project folder (itself possibly a layer)
    files: tuple[str, ...]


@dataclass(frozen=True)
class Layer:
    folder: Path
    base: Path
    remove: tuple[str, ...]
    edits: tuple[Edit, ...] = ()
    takes: tuple[Take, ...] = ()


class NotOnce(ValueError):
    """The text an edit finds is absent or there more than once; says which, to follow 'the text ...'."""

    def __init__(self, found: int) -> None:
        super().__init__("is not in" if found == 0 else f"is {found} times in")
        self.found = found


def replace_once(text: str, find: str, replace: str) -> str:
    """`text` with `find` replaced; it must occur exactly once, or which occurrence is meant is a guess."""
    found = text.count(find)
    if found != 1:
        raise NotOnce(found)
    return text.replace(find, replace)


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
    unknown = sorted(set(data) - {"base", "remove", "edit", "take"})
    if unknown:
        raise ConfigError(str(path), "unknown key; a layer has only 'base', 'remove', [[edit]] and [[take]]",
                          key=unknown[0])
    base = data.get("base")
    if not isinstance(base, str) or not base:
        raise ConfigError(str(path), "a layer needs the folder it builds on", key="base",
                          fixes=['base = "../../week-18-database/starter"  (relative to this folder)'])
    remove = data.get("remove", [])
    if not isinstance(remove, list) or not all(isinstance(item, str) for item in remove):
        raise ConfigError(str(path), "a list of relative file paths", key="remove")
    for item in remove:
        if not _inside(item):
            raise ConfigError(str(path), f"{item!r} must be a path inside the project", key="remove")
    resolved = _project(path, folder, base, "base")
    edits = data.get("edit", [])
    if not isinstance(edits, list):
        raise ConfigError(str(path), "edits are [[edit]] tables, one per change", key="edit")
    takes = data.get("take", [])
    if not isinstance(takes, list):
        raise ConfigError(str(path), "takes are [[take]] tables: from and files", key="take")
    return Layer(folder=folder.resolve(), base=resolved, remove=tuple(remove),
                 edits=tuple(_edit(path, raw, i) for i, raw in enumerate(edits)),
                 takes=tuple(_take(path, folder, raw, i) for i, raw in enumerate(takes)))


def _project(path: Path, folder: Path, name: str, key: str) -> Path:
    """A project folder a layer names, inside the harness's lab folders."""
    resolved = (folder / name).resolve()
    if not any(resolved.is_relative_to(root) for root in lab_roots()):
        raise ConfigError(str(path), f"{name!r} is outside the harness's lab folders", key=key,
                          fixes=["Build on a starter in labs/ or a project in tests/labs/"])
    if not resolved.is_dir():
        raise ConfigError(str(path), f"{name!r} is not a folder ({resolved})", key=key)
    return resolved


def _take(path: Path, folder: Path, raw: object, index: int) -> Take:
    where = f"take[{index}]"
    if not isinstance(raw, dict) or sorted(raw) != ["files", "from"]:
        raise ConfigError(str(path), "a [[take]] has from (a project folder) and files (paths in it)", key=where)
    source, files = raw["from"], raw["files"]
    if not isinstance(source, str) or not source:
        raise ConfigError(str(path), "the project to take files from", key=f"{where}.from")
    if not isinstance(files, list) or not files or not all(isinstance(f, str) and _inside(f) for f in files):
        raise ConfigError(str(path), "a list of relative file paths inside that project", key=f"{where}.files")
    return Take(_project(path, folder, source, f"{where}.from"), tuple(files))


_EDIT_KEYS = ("file", "find", "replace")


def _edit(path: Path, raw: object, index: int) -> Edit:
    where = f"edit[{index}]"
    if not isinstance(raw, dict):
        raise ConfigError(str(path), "an edit is a table: [[edit]] with file, find and replace", key=where)
    unknown = sorted(set(raw) - set(_EDIT_KEYS))
    if unknown:
        raise ConfigError(str(path), "unknown key; an [[edit]] has only file, find and replace",
                          key=f"{where}.{unknown[0]}")
    for key in _EDIT_KEYS:
        value = raw.get(key)
        if not isinstance(value, str) or (not value and key != "replace"):
            raise ConfigError(str(path), f"every [[edit]] needs {key} (a string)", key=f"{where}.{key}")
    if not _inside(raw["file"]):
        raise ConfigError(str(path), f"{raw['file']!r} must be a relative path inside the project",
                          key=f"{where}.file")
    if raw["find"] == raw["replace"]:
        raise ConfigError(str(path), "replace must differ from find: this edit would change nothing",
                          key=f"{where}.replace")
    return Edit(file=raw["file"], find=raw["find"], replace=raw["replace"])


def _inside(item: str) -> bool:
    pure = PurePosixPath(item)
    return bool(item) and not pure.is_absolute() and ".." not in pure.parts


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
    for step in chain(folder):
        lay_step(step, target, skip=skip)
    return target


def lay_step(step: Path, target: Path, *, skip: tuple[str, ...] = SKIPPED) -> None:
    """Lay one folder of a chain over `target`, which holds what the folders before it laid:
    its removals, the files it takes, its own files, then its edits. Several layers over the
    same base can so be laid over one copy of it, each step on what the others left."""
    layer = read_layer(step) if is_layer(step) else None
    for item in layer.remove if layer else ():
        _remove(target / item)
    for index, take in enumerate(layer.takes if layer else ()):
        _take_files(step / LAYER_FILE, index, take, target)
    shutil.copytree(step, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*skip, LAYER_FILE))
    for index, edit in enumerate(layer.edits if layer else ()):
        _apply(step / LAYER_FILE, index, edit, target)


def _take_files(path: Path, index: int, take: Take, target: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="harness-layer-") as scratch:
        laid = lay_out(take.source, Path(scratch) / "project")
        for name in take.files:
            source = laid / name
            if source.is_symlink() or not source.is_file():
                raise ConfigError(str(path), f"{name} is not a file of {take.source}", key=f"take[{index}].files")
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _apply(path: Path, index: int, edit: Edit, target: Path) -> None:
    where = f"edit[{index}].find"
    file = target / edit.file
    if file.is_symlink() or not file.is_file():
        raise ConfigError(str(path), f"{edit.file} is not a file of the project this layer builds on",
                          key=f"edit[{index}].file",
                          fixes=["Name a file of the base (relative to the project), or add the file to this folder"])
    try:
        with file.open(encoding="utf-8", newline="") as source:  # as written: no line endings translated
            text = replace_once(source.read(), edit.find, edit.replace)
    except NotOnce as exc:
        raise ConfigError(str(path), f"the text to find {exc} {edit.file}: {edit.find.strip()[:120]!r}", key=where,
                          fixes=["Copy the lines from the base's file as they are now; add a line around them "
                                 "if they occur more than once"]) from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), f"{edit.file} is not UTF-8 text: an edit changes text files only",
                          key=f"edit[{index}].file") from None
    with file.open("w", encoding="utf-8", newline="") as out:
        out.write(text)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
