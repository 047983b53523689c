"""A check's id says which file holds it, and a file named like a topic holds that topic's checks.

1. `area.topic.name` lives in validators/<folder>/<topic>.py, or in
   validators/<folder>/<topic>/<name>.py when a topic's checks would make one file too long
   (pg.config, pg.replica, rest.openapi). <folder> is the area, but for the two short ids
   kept from before the folders: pg -> postgres, prod -> production. Ids never change (they
   are in learners' results, policies and defect folder names): files move instead.
2. A module that registers no check (a helper) is not named like a topic of any area, so
   `headers` always means the checks security.headers.* (security/headers.py), never the
   parsing the REST checks share (rest/header_parsing.py). Helpers are named for what they
   do, next to the checks of their area: one flat folder per area keeps imports short. The
   area folders themselves (validators/sql, validators/shelf) are areas, not topics.

Topic names that repeat a standard library or pytest name (production/logging.py,
production/tests.py) are safe: imports are absolute or explicitly relative, so `import
logging` anywhere still means the standard library, and pytest collects only test_*.py.
"""

from __future__ import annotations

import inspect
import pkgutil
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import harness.validators
from harness.registry import load_validators

# An area whose folder is not named like it.
FOLDERS = {"pg": "postgres", "prod": "production"}


def homes(check_id: str) -> tuple[str, str]:
    """The two files a check may live in, relative to the repository."""
    area, topic, name = check_id.split(".")
    folder = f"validators/{FOLDERS.get(area, area)}"
    return f"{folder}/{topic}.py", f"{folder}/{topic}/{name}.py"


def misplaced(checks: Mapping[str, str]) -> list[str]:
    """Rule 1, for check id -> the file that registers it."""
    return [f"{check_id} is in {found}; it belongs in {' or '.join(homes(check_id))}"
            for check_id, found in sorted(checks.items()) if found not in homes(check_id)]


def misnamed(check_ids: Iterable[str], helpers: Iterable[str]) -> list[str]:
    """Rule 2, for the files (relative to the repository) that register no check."""
    by_topic: dict[str, set[str]] = {}
    topic_folders = set()
    for check_id in check_ids:
        area, topic, _ = check_id.split(".")
        by_topic.setdefault(topic, set()).add(f"{area}.{topic}.*")
        topic_folders.add(str(Path(homes(check_id)[1]).parent / "__init__.py"))
    found = []
    for helper in sorted(helpers):
        path = Path(helper)
        area_package = len(path.parts) == 3 and path.name == "__init__.py"
        if area_package or helper in topic_folders:
            continue
        name = path.parent.name if path.name == "__init__.py" else path.stem
        if name in by_topic:
            found.append(f"{helper} registers no check but is named like the topic of "
                         f"{', '.join(sorted(by_topic[name]))}: rename it to say what it does")
    return found


def _relative(module: str) -> str:
    root = Path(harness.validators.__path__[0]).parent
    file = sys.modules[module].__file__
    assert file is not None, module
    return Path(file).relative_to(root).as_posix()


def test_every_check_is_in_the_file_its_id_names_and_no_helper_is_named_like_a_topic() -> None:
    specs = load_validators().all()
    checks = {spec.id: _relative(inspect.unwrap(spec.func).__module__) for spec in specs}
    modules = [info.name for info in pkgutil.walk_packages(harness.validators.__path__, "harness.validators.")]
    helpers = {_relative(module) for module in modules} - set(checks.values())
    offenders = misplaced(checks) + misnamed(checks, helpers)
    assert not offenders, "\n".join(offenders)


def test_the_rules_name_each_offender_and_where_it_belongs() -> None:
    checks = {"pg.config.wal": "validators/postgres/config/wal.py",
              "rest.query.filter_sort": "validators/rest/query.py",
              "security.headers.hardened": "validators/security/headers.py",
              "prod.tests.coverage": "validators/production/suite.py"}
    assert misplaced(checks) == ["prod.tests.coverage is in validators/production/suite.py; it belongs in "
                                 "validators/production/tests.py or validators/production/tests/coverage.py"]
    helpers = ["validators/rest/headers.py", "validators/rest/header_parsing.py", "validators/sql/__init__.py",
               "validators/postgres/config/__init__.py", "validators/sql/headers/__init__.py"]
    assert misnamed(checks, helpers) == [
        "validators/rest/headers.py registers no check but is named like the topic of security.headers.*: "
        "rename it to say what it does",
        "validators/sql/headers/__init__.py registers no check but is named like the topic of "
        "security.headers.*: rename it to say what it does",
    ]


def test_a_lab_loads_only_the_folders_its_check_ids_name() -> None:
    """A fresh process, as every run is: the sql checks do not import the REST folder's
    libraries, and an id no named folder registers loads them all (its error names the closest)."""
    import subprocess

    code = ("import sys; from harness.registry import load_validators, REGISTRY; "
            "load_validators(['sql.join.inner', 'pg.config.starts']); "
            "print('rest' if 'harness.validators.rest' in sys.modules else 'no rest', "
            "'sql.join.inner' in REGISTRY, 'pg.config.starts' in REGISTRY); "
            "load_validators(['sql.join.innr']); "
            "print('rest' if 'harness.validators.rest' in sys.modules else 'no rest')")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           cwd=Path(__file__).resolve().parents[3]).stdout.split("\n")
    assert shown[:2] == ["no rest True True", "rest"], shown


def test_a_lab_loads_only_the_modules_its_check_ids_name() -> None:
    """node/week-18's ids (db.*, rest.shelf.*, rest.errors.*) load their own modules: not the
    REST folder's OpenAPI checks and their libraries; an id its module does not register (none
    here) would load its whole folder, then everything, as the test above shows."""
    import subprocess

    code = ("import sys; from harness.registry import load_validators, REGISTRY; "
            "ids = ['db.migrations.versioned', 'rest.shelf.contract', 'rest.errors.problem_json', "
            "'db.pool.bounded']; load_validators(ids); "
            "print(all(i in REGISTRY for i in ids), 'harness.validators.rest.openapi' in sys.modules, "
            "'openapi_spec_validator' in sys.modules)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           cwd=Path(__file__).resolve().parents[3]).stdout.split("\n")
    assert shown[0] == "True False False", shown
