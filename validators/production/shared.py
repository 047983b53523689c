"""What the capstone checks share: an admin, members, and the app's instances."""

from __future__ import annotations

from harness.httpclient import AppClient
from harness.outcomes import CannotCheck
from harness.registry import CheckContext

from ..security.account_setup import Accounts, Tokens, bearer
from ..shelf.api import ShelfApi


def admin_api(ctx: CheckContext) -> tuple[ShelfApi, Tokens]:
    _, tokens = Accounts(ctx).admin()
    return ShelfApi(ctx, headers=bearer(tokens.access)), tokens


def two_instances(ctx: CheckContext) -> tuple[AppClient, AppClient]:
    if len(ctx.instances) < 2:
        raise CannotCheck("this check needs two instances of the app; the lab runs one",
                          fix='Set [app] instances = 2 in the lab\'s lab.toml.')
    return ctx.instances[0], ctx.instances[1]
