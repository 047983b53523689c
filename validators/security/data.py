"""Scanning JSON for what must never leave the server: password hashes, salts, secrets.

A key is suspect by its name (password, password_hash, salt, secret ... in any spelling);
a value by what it is (the account's stored hash, the password itself, or anything shaped
like a password hash). Token fields of the login answer (access_token, refresh_token) are
the one place where a credential is expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import httpx

from harness.httpclient import curl_for, describe
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from . import jwt_tools
from .account_setup import ME, REFRESH, Accounts, bearer
from .credentials import find_stored_password
from .hashes import recognised

# Compared after lower-casing and dropping '_' and '-': passwordHash, password_hash, password-hash.
SECRET_KEYS = re.compile(
    r"^(password|passwd|pwd|pass|passcode|passwordhash|hashedpassword|passwordhashed|hash|pwhash|pwdhash|"
    r"salt|passwordsalt|secret|clientsecret|jwtsecret|tokenhash|refreshtokenhash|otpsecret|resettoken|"
    r"passwordresettoken|credentials?)$"
)


def _norm(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


def findings(body: Any, forbidden: Iterable[str] = (), path: str = "$") -> list[str]:
    """Where `body` exposes a secret, as JSON paths with the reason."""
    secrets = {v for v in forbidden if v}
    found: list[str] = []

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                child = f"{where}.{key}"
                if isinstance(key, str) and SECRET_KEYS.match(_norm(key)) and item not in (None, "", [], {}):
                    found.append(f"{child}: a field named like a secret")
                else:
                    walk(item, child)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{where}[{index}]")
        elif isinstance(value, str):
            if value in secrets:
                found.append(f"{where}: the stored password hash (or the password itself)")
            elif recognised(value):
                found.append(f"{where}: a value shaped like a password hash ({value[:12]}…)")

    walk(body, path)
    return found


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


@check("security.data.no_hash_exposure", points=2, services={"postgres"})
def no_answer_exposes_password_hashes(ctx: CheckContext) -> None:
    """No answer exposes a password, its hash, a salt or a secret.

    The harness reads the account's stored hash from the database, then scans every answer
    an account meets (register, login, refresh, /v1/me, the member and their loans, a 409)
    and the access token's claims, recursively: no key named like password/hash/salt/secret
    and no value equal to the stored hash or shaped like one.
    """
    accounts = Accounts(ctx)
    _, admin = accounts.admin()
    account = accounts.register()
    tokens = accounts.login(account)
    stored, _ = find_stored_password(ctx.pg, account.email, account.password)
    forbidden = [account.password] + ([stored.value] if stored is not None else [])
    own = bearer(tokens.access)
    responses = [
        account.response,
        tokens.response,
        ctx.http.get(ME, headers=own),
        ctx.http.get(f"/v1/members/{account.id}", headers=own),
        ctx.http.get(f"/v1/members/{account.id}", headers=bearer(admin.access)),
        ctx.http.get(f"/v1/members/{account.id}/loans", headers=own),
        ctx.http.post(REFRESH, json={"refresh_token": tokens.refresh}),
        accounts.register_raw({"email": account.email, "password": account.password, "name": account.name}),
    ]
    for response in responses:
        found = findings(_body(response), forbidden)
        if stored is not None and not found and stored.value in response.text:
            found = ["the body: the stored password hash"]
        if found:
            raise Failure(
                f"{response.request.method} {response.request.url.path} exposes a password hash or secret: "
                + found[0],
                expected="members without password, password_hash, salt or any hash value",
                actual=describe(response) + ("\n" + "\n".join(found[1:]) if found[1:] else ""),
                hint="Select and return explicit columns (id, email, name, role), never SELECT * of the "
                     "accounts table; map rows to a public shape in one place.",
                reproduce=curl_for(response.request))
    claims = jwt_tools.claims(tokens.access)
    found = findings(claims, forbidden, path="access_token")
    if found:
        raise Failure(
            f"the access token carries a secret: {found[0]}",
            expected="claims with ids and the role only (a JWT payload is readable by anyone)",
            actual=str(claims), reproduce=curl_for(tokens.response.request),
            hint="Sign only {sub, role} (and the registered claims); never the account row.")
