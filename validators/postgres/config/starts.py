"""pg.config.starts: the server starts with the learner's conf.d; every line of it is in force."""

from __future__ import annotations

from harness.outcomes import Failure, Passed
from harness.registry import CheckContext, check

from ..conf import CONF_DIR
from ..server import RUN_AGAIN, lab_server

CHECK = "pg.config.starts"


@check(CHECK, points=2, needs_app=False, timeout_s=90)
def server_starts_with_the_configuration(ctx: CheckContext) -> Passed:
    """PostgreSQL starts with the settings of conf.d/*.conf, each set once and in force."""
    with lab_server(ctx, CHECK) as lab, lab.connect() as conn:
        rows = conn.execute("SELECT sourcefile, sourceline, name, applied, error FROM pg_file_settings "
                            "WHERE sourcefile LIKE %s ORDER BY sourcefile, sourceline",
                            (lab.conf_dir.rstrip("/") + "/%",)).fetchall()
        pending = conn.execute("SELECT name FROM pg_settings WHERE pending_restart").fetchall()
        version = lab.server.version
    prefix = lab.conf_dir.rstrip("/") + "/"
    where = [f"{CONF_DIR}/{str(f)[len(prefix):]}:{line} {name}" for f, line, name, _, _ in rows]
    if not rows:
        raise Failure(f"the server started, but {CONF_DIR}/*.conf set no parameter: it runs on the defaults",
                      expected=f"the lab's settings in {CONF_DIR}/*.conf (name = value lines)",
                      actual="every line is a comment or blank",
                      hint="Write the settings the README asks for, one `name = value` per line.",
                      reproduce=RUN_AGAIN.format(check=CHECK))
    broken = [f"{w}: {error}" for w, (_, _, _, _, error) in zip(where, rows, strict=True) if error]
    if broken or pending:
        raise Failure("some settings of conf.d are not in force",
                      expected="every line applied",
                      actual="; ".join(broken + [f"{p[0]} waits for a restart" for p in pending]),
                      hint="Fix the lines named.",
                      evidence=lab.log_tail(10) or None, reproduce=RUN_AGAIN.format(check=CHECK))
    # A key set twice: the line read last wins, and the other is silently not in force (the value
    # you tuned in one file is not the one the server runs with).
    winners = {name: w for w, (_, _, name, applied, _) in zip(where, rows, strict=True) if applied}
    shadowed = [f"{w} is overridden by {winners[name]}" for w, (_, _, name, applied, error)
                in zip(where, rows, strict=True) if not applied and not error and name in winners]
    if shadowed:
        raise Failure("a key is set twice in conf.d: only the last line read is in force",
                      expected="each key set once", actual="; ".join(shadowed),
                      hint="Keep one line per key (files are read in name order, the last value wins); "
                           "delete the other.", reproduce=RUN_AGAIN.format(check=CHECK))
    origin = f"a container of {ctx.server_image}" if ctx.server_image else "local binaries"
    return Passed(f"PostgreSQL {version} started with {len(rows)} settings from {CONF_DIR}/ ({origin})")
