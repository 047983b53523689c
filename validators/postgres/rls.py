"""pg.rls.tenants: tenant A never reads or writes tenant B's rows, directly, through the view, or
through the SECURITY DEFINER function.

The app logs in as app_user with app.tenant_id = acme and tries, against the rows of acme (3) and
globex (2) the harness loaded: to read them all, to read globex's by id, to insert a globex
row, to update, delete and re-assign rows, to read invoice_summary and to call mark_paid on an
invoice of each tenant. Its own rows must work (a policy that refuses everything isolates
nothing useful); globex's rows are read back by the harness's loader (BYPASSRLS) at the end,
unchanged. A session that sets no tenant must read nothing.
"""

from __future__ import annotations

import psycopg

from harness.outcomes import Failure, Passed
from harness.registry import CheckContext, check

from .tenant_lab import APP, FUNCTION, RUN_AGAIN, SEED, TENANT_A, TENANT_B, TenantLab, first_line, tenant_lab

CHECK = "pg.rls.tenants"
HINT = ("Enable row-level security on invoices with a policy on the session's app.tenant_id for reads "
        "(USING) and writes (WITH CHECK). The table's owner skips policies unless the table is FORCEd, and "
        "a view or a SECURITY DEFINER function runs as its owner: FORCE ROW LEVEL SECURITY, a view WITH "
        "(security_invoker = true), or both.")


@check(CHECK, points=3, needs_app=False, timeout_s=120)
def tenant_a_never_reaches_tenant_b(ctx: CheckContext) -> Passed:
    """Tenant acme never reads or writes globex's invoices: directly, through the view or mark_paid()."""
    with tenant_lab(ctx, CHECK) as lab:
        try:
            conn = lab.as_tenant(APP, TENANT_A)
        except psycopg.Error as exc:
            raise Failure(f"{APP} cannot log in: {first_line(exc)}", hint="Let app_user in (pg_hba.conf).",
                          reproduce=RUN_AGAIN.format(check=CHECK)) from None
        with conn:
            leaks, broken = _reads(lab, conn)
            more_leaks, more_broken = _writes(lab, conn)
            leaks += more_leaks
            broken += more_broken
        leaks += _no_tenant(lab)
        # The loader's reading is the backstop for what the tries did not report themselves.
        leaks += [] if leaks else _untouched(lab)
    if leaks:
        more = f" (and {len(leaks) - 1} more)" if leaks[1:] else ""
        raise Failure(f"tenant {TENANT_A} reached {TENANT_B}'s invoices: {leaks[0]}{more}",
                      expected=f"as tenant {TENANT_A}, no row of {TENANT_B} read or written, by any path",
                      actual="; ".join(leaks), hint=HINT, reproduce=RUN_AGAIN.format(check=CHECK))
    if broken:
        raise Failure(f"tenant {TENANT_A} cannot work with its own invoices: {broken[0]}",
                      expected=f"as tenant {TENANT_A}, its own invoices read, added, changed, deleted, summed and "
                               "marked paid", actual="; ".join(broken),
                      hint="Isolation must still let each tenant work: grant app_user its privileges and write "
                           "the policy on app.tenant_id (current_setting('app.tenant_id', true)).",
                      reproduce=RUN_AGAIN.format(check=CHECK))
    return Passed(f"as {TENANT_A}, {APP} saw and changed only its own invoices, in the table, in invoice_summary "
                  f"and through {FUNCTION}()")


def _try(conn: psycopg.Connection[tuple[object, ...]], statement: str,
         params: tuple[object, ...] = ()) -> list[tuple[object, ...]] | str:
    """The rows `statement` returned, or the error's first line (the statement undone)."""
    try:
        with conn.transaction():
            return list(conn.execute(statement, params).fetchall())
    except psycopg.Error as exc:
        return first_line(exc)


def _reads(lab: TenantLab, conn: psycopg.Connection[tuple[object, ...]]) -> tuple[list[str], list[str]]:
    leaks: list[str] = []
    broken: list[str] = []
    mine, theirs = set(lab.invoices[TENANT_A]), set(lab.invoices[TENANT_B])
    rows = _try(conn, "SELECT id, tenant_id FROM public.invoices")
    if isinstance(rows, str):
        broken.append(f"reading invoices failed: {rows}")
    else:
        seen = {int(str(r[0])) for r in rows}
        if seen & theirs:
            leaks.append(f"SELECT from invoices returned {TENANT_B}'s invoices {sorted(seen & theirs)}")
        if not mine <= seen:
            broken.append(f"SELECT from invoices returned {len(seen & mine)} of its {len(mine)} invoices")
    by_id = _try(conn, "SELECT id FROM public.invoices WHERE id = %s", (min(theirs),))
    if isinstance(by_id, list) and by_id:
        leaks.append(f"SELECT by id read {TENANT_B}'s invoice {min(theirs)}")
    summary = _try(conn, "SELECT tenant_id, invoices FROM public.invoice_summary")
    if isinstance(summary, str):
        broken.append(f"reading invoice_summary failed: {summary}")
    else:
        tenants = {str(r[0]): int(str(r[1])) for r in summary}
        if TENANT_B in tenants:
            leaks.append(f"invoice_summary showed {TENANT_B}'s totals ({tenants[TENANT_B]} invoices)")
        if tenants.get(TENANT_A) != len(mine):
            broken.append(f"invoice_summary counted {tenants.get(TENANT_A, 0)} of its {len(mine)} invoices")
    return leaks, broken


def _writes(lab: TenantLab, conn: psycopg.Connection[tuple[object, ...]]) -> tuple[list[str], list[str]]:
    leaks: list[str] = []
    broken: list[str] = []
    mine, theirs = lab.invoices[TENANT_A], lab.invoices[TENANT_B]
    attempts: tuple[tuple[str, str, tuple[object, ...]], ...] = (
        (f"INSERT of a {TENANT_B} invoice went in",
         "INSERT INTO public.invoices (tenant_id, customer, amount_cents) VALUES (%s, 'intruder', 1) RETURNING id",
         (TENANT_B,)),
        (f"UPDATE changed {TENANT_B}'s invoices",
         "UPDATE public.invoices SET amount_cents = amount_cents + 1 WHERE tenant_id = %s RETURNING id", (TENANT_B,)),
        (f"DELETE removed {TENANT_B}'s invoices", "DELETE FROM public.invoices WHERE tenant_id = %s RETURNING id",
         (TENANT_B,)),
        (f"UPDATE moved its invoice {mine[1]} to {TENANT_B}",
         "UPDATE public.invoices SET tenant_id = %s WHERE id = %s RETURNING id", (TENANT_B, mine[1])),
    )
    for leak, statement, params in attempts:
        result = _try(conn, statement, params)
        if isinstance(result, list) and result:
            leaks.append(f"{leak} ({len(result)} rows)")
    paid = _try(conn, f"SELECT public.{FUNCTION}(%s)", (theirs[0],))
    if isinstance(paid, list) and paid and paid[0][0] is not None:
        leaks.append(f"{FUNCTION}({theirs[0]}) marked {TENANT_B}'s invoice paid and returned its amount "
                     f"({paid[0][0]})")
    # Its own rows: each of these must work.
    own: tuple[tuple[str, str, tuple[object, ...]], ...] = (
        ("adding an invoice", "INSERT INTO public.invoices (tenant_id, customer, amount_cents) "
                              "VALUES (%s, 'new customer', 100) RETURNING id", (TENANT_A,)),
        ("changing an invoice", "UPDATE public.invoices SET amount_cents = amount_cents + 1 WHERE id = %s "
                                "RETURNING id", (mine[0],)),
        ("deleting an invoice", "DELETE FROM public.invoices WHERE id = %s RETURNING id", (mine[2],)),
        (f"{FUNCTION}() on its invoice", f"SELECT public.{FUNCTION}(%s)", (mine[0],)),
    )
    for job, statement, params in own:
        result = _try(conn, statement, params)
        if isinstance(result, str):
            broken.append(f"{job} failed: {result}")
        elif not result or result[0][0] is None:
            broken.append(f"{job} changed no row")
    return leaks, broken


def _no_tenant(lab: TenantLab) -> list[str]:
    """A session that set no tenant reads nothing (an error counts as nothing)."""
    try:
        with lab.login(APP) as conn:
            rows = _try(conn, "SELECT count(*) FROM public.invoices")
    except psycopg.Error:
        return []
    if isinstance(rows, list) and rows and int(str(rows[0][0])) > 0:
        return [f"a session that set no app.tenant_id read {rows[0][0]} invoices"]
    return []


def _untouched(lab: TenantLab) -> list[str]:
    """globex's rows as loaded, read by the harness's loader (BYPASSRLS), whatever the tries reported."""
    cents_seeded = [cents for tenant, _, cents in SEED if tenant == TENANT_B]
    expected = dict(zip(lab.invoices[TENANT_B], cents_seeded, strict=True))
    with lab.seeder() as conn:
        rows = conn.execute("SELECT id, tenant_id, amount_cents, paid_at IS NOT NULL FROM public.invoices "
                            "WHERE id = ANY(%s) OR tenant_id = %s", (list(expected), TENANT_B)).fetchall()
    found = {int(str(r[0])): r for r in rows}
    changes = []
    for invoice, cents in expected.items():
        row = found.get(invoice)
        if row is None:
            changes.append(f"{TENANT_B}'s invoice {invoice} is gone")
        elif row[1] != TENANT_B or int(str(row[2])) != cents or row[3]:
            changes.append(f"{TENANT_B}'s invoice {invoice} was changed (now tenant {row[1]}, "
                           f"{row[2]} cents, {'paid' if row[3] else 'unpaid'})")
    extra = sorted(i for i in found if i not in expected)
    if extra:
        changes.append(f"{TENANT_B} has invoices it never had: {extra}")
    return changes
