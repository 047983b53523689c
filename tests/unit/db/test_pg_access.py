"""The probe logins' names and URLs (the behaviour against a hostile database is proven on a
real server in tests/integration/test_pg_hostile.py)."""

from __future__ import annotations

from harness.services.pg_access import login_url, role_names


def test_probe_roles_are_named_after_the_app_role_so_cleanup_can_name_them_first() -> None:
    assert role_names("app_r1a2b3c4") == ("app_r1a2b3c4_stats", "app_r1a2b3c4_probe", "app_r1a2b3c4_read")


def test_a_login_url_keeps_the_admins_host_port_and_options() -> None:
    url = login_url("postgresql://harness:s%40cret@127.0.0.1:5433/postgres?sslmode=disable", "shelf_x",
                    "app_x_probe", "p@ss/word")
    assert url == "postgresql://app_x_probe:p%40ss%2Fword@127.0.0.1:5433/shelf_x?sslmode=disable"
    assert login_url("postgresql://h:pw@[::1]/postgres", "db", "r", "pw") == "postgresql://r:pw@[::1]:5432/db"
