"""Password storage, read from the database the harness owns (OWASP Password Storage Cheat Sheet).

The checks register accounts with passwords they know, find what the app stored by
verifying candidate values (credentials.py), and judge the format (hashes.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.httpclient import curl_for, describe
from harness.outcomes import Failure
from harness.registry import CheckContext, check

from .account_setup import Accounts
from .credentials import Stored, find_stored_password, reversible_forms, rows_mentioning, string_leaves
from .hashes import FIX, FIX_JAVA, FIX_NODE, HashInfo, Verdict, digest_of
from .stack_hint import in_stack

BCRYPT_LIMIT = 72
# ASVS 6.2.9: at least 64 characters allowed; 64 three-byte characters are 192 bytes.
MULTIBYTE_CHARS = 64


# The encodings of scrypt and PBKDF2 the harness reads (validators/security/hashes.py): a hash of
# those in a form of its own is a hash the harness cannot verify, whatever its parameters.
READ_FORMATS = ("scrypt as PHC/passlib $scrypt$ln=15,r=8,p=3$<salt b64>$<hash b64>, Werkzeug "
                "scrypt:32768:8:1$<salt>$<hex>, Django scrypt$16384$<salt>$8$1$<b64> or Spring {scrypt}; PBKDF2 as "
                "passlib $pbkdf2-sha256$<rounds>$<salt>$<hash>, Werkzeug pbkdf2:sha256:<rounds>$<salt>$<hex> or Django "
                "pbkdf2_sha256$<rounds>$<salt>$<b64>")


def _unread_format(unknown: Sequence[Stored]) -> str | None:
    """For a candidate that names scrypt or PBKDF2 in a form the harness does not read: the forms it reads."""
    named = [u for u in unknown if any(name in u.value.lower() for name in ("scrypt", "pbkdf2"))]
    if not named:
        return None
    return (f"{named[0].where} looks like a scrypt or PBKDF2 hash in an encoding of your own, which the harness "
            f"cannot verify. Store it in a common form: {READ_FORMATS} (salt and hash encoded as shown).")


def _fix(ctx: CheckContext) -> str:
    return in_stack(ctx, FIX, node=FIX_NODE, java=FIX_JAVA)


def _psql(stored: Stored) -> str:
    column = stored.column.split(".")[0]
    return f"psql \"$DATABASE_URL\" -c 'SELECT {column} FROM {stored.table} LIMIT 5'"


def judged(stored: Stored, password: str) -> HashInfo:
    if stored.info is not None:
        return stored.info
    digest = digest_of(stored.value, password)
    if digest:
        return HashInfo(f"unsalted {digest}", Verdict.FAIL, f"an unsalted {digest} digest: fast to brute-force "
                        "and identical for identical passwords")
    return HashInfo("unrecognised", Verdict.FAIL, "a format the harness does not recognise (not bcrypt, argon2, "
                    "scrypt or PBKDF2 in their usual encodings)")


@check("security.passwords.adaptive_hash", points=4, services={"postgres"}, timeout_s=150)
def passwords_are_stored_with_an_adaptive_hash(ctx: CheckContext) -> None:
    """Passwords are stored as a slow, salted hash (bcrypt, argon2id, scrypt, PBKDF2), never readable.

    The harness registers an account, finds the stored value that verifies against the
    password in the database, and judges it: bcrypt cost >= 10, argon2id, scrypt or PBKDF2
    with OWASP's parameters pass; plain text, fast digests and weak parameters fail. Two
    accounts with the same password must get different hashes (a salt per password), and
    no other column may hold the password or a fast digest of it.
    """
    accounts = Accounts(ctx)
    password = accounts.new_password()
    first = accounts.register(password=password)
    accounts.login(first)
    stored, unknown = find_stored_password(ctx.pg, first.email, password)
    if stored is None:
        seen = "\n".join(f"{u.where} = {u.value[:40]!r}" for u in unknown[:5])
        raise Failure(
            "the harness cannot find the stored password: no value in the database verifies against it",
            expected="a bcrypt/argon2/scrypt/PBKDF2 hash of the password in the account's row (or a table "
                     "that references it)",
            actual=f"unrecognised candidates:\n{seen}" if seen else "nothing that looks like a password hash",
            hint=_unread_format(unknown) or (_fix(ctx) + " Store the hash string as the library returns it (e.g. "
                                              "$2b$12$...), in a text column."),
            reproduce=f"psql \"$DATABASE_URL\" -c \"SELECT * FROM members WHERE email = '{first.email}'\"",
        )
    info = judged(stored, password)
    if info.verdict is Verdict.FAIL:
        loud = "PASSWORDS ARE STORED IN PLAIN TEXT" if info.scheme == "plain text" else \
            f"passwords are stored as {info.scheme}"
        raise Failure(
            f"{loud} ({stored.where}): {info.reason}",
            expected="bcrypt (cost >= 10), argon2id, scrypt or PBKDF2 with OWASP's parameters",
            actual=f"{stored.where} = {stored.value[:60]!r} for the password {password!r}",
            hint=_fix(ctx), reproduce=_psql(stored),
        )
    if info.verdict is Verdict.WARN:
        ctx.note(f"security.passwords.adaptive_hash: {stored.where}: {info.reason} (a warning, not a failure)")
    second = accounts.register(password=password)
    again, _ = find_stored_password(ctx.pg, second.email, password)
    if again is not None and again.value == stored.value:
        raise Failure(
            "two accounts with the same password got the same stored hash: there is no salt per password",
            expected="different hashes for the same password (a random salt each time)",
            actual=f"{stored.where} = {stored.value[:60]!r} for {first.email} and {second.email}",
            hint=in_stack(ctx, "Let the library salt each hash",
                          node="(bcrypt.hash(password, 12) does); never hash with a fixed salt.",
                          java="(BCryptPasswordEncoder.encode does); never hash with a fixed salt."),
            reproduce=_psql(stored),
        )
    forms = reversible_forms(password)
    for table, row in rows_mentioning(ctx.pg, forms):
        for column, value in string_leaves(row):
            if any(form.lower() in value.lower() for form in forms):
                raise Failure(
                    f"a readable copy of the password is stored in {table}.{column}",
                    expected="the password nowhere but in its hash",
                    actual=f"{table}.{column} = {value[:60]!r} (the password, its base64 or a fast digest)",
                    hint="Never store, log into a table or cache the password, even encoded.",
                    reproduce=f"psql \"$DATABASE_URL\" -c 'SELECT * FROM {table}'",
                )


def _long_password(ctx: CheckContext, size: int) -> str:
    head = f"Long-{ctx.rng.getrandbits(48):012x}-{ctx.run_id}-"
    return (head + "x" * size)[:size]


def _multibyte_password(ctx: CheckContext, chars: int) -> str:
    """`chars` CJK characters, three bytes each in UTF-8 (U+4E00..U+9FFF)."""
    return "".join(chr(0x4E00 + ctx.rng.randrange(0x5000)) for _ in range(chars))


def _multibyte_probe(ctx: CheckContext, accounts: Accounts) -> None:
    """A length cap counted in characters lets 64 three-byte characters (192 bytes) through to
    bcrypt, which then reads only the first 24 of them."""
    email, password = accounts.new_email("wide"), _multibyte_password(ctx, MULTIBYTE_CHARS)
    response = accounts.register_raw({"email": email, "password": password, "name": "Wide Password"})
    if response.status_code >= 500:
        raise Failure(
            f"registering a password of {MULTIBYTE_CHARS} three-byte characters crashed the app "
            f"({response.status_code})",
            expected="201, or 422 naming the maximum length", actual=describe(response),
            hint=ctx.hint("Count the password's length in bytes (UTF-8) before hashing.",
                          java="BCryptPasswordEncoder refuses more than 72 bytes with an IllegalArgumentException: "
                               "check password.getBytes(StandardCharsets.UTF_8).length first and answer 422."),
            reproduce=curl_for(response.request))
    if not response.is_success:
        return  # a cap in bytes (or a policy) refused it: nothing is truncated
    size = len(password.encode())
    right = accounts.login_raw(email, password)
    if right.status_code != 200:
        raise Failure(
            f"an account registered with {MULTIBYTE_CHARS} three-byte characters ({size} bytes) cannot log in "
            f"with them ({right.status_code})",
            expected="200 with the tokens", actual=describe(right), reproduce=curl_for(right.request),
            hint="Hash and compare the same bytes: the whole password, as sent, in UTF-8.")
    kept = BCRYPT_LIMIT // 3
    attempt = password[:kept] + _multibyte_password(ctx, MULTIBYTE_CHARS - kept)
    response = accounts.login_raw(email, attempt)
    if response.is_success:
        raise Failure(
            f"the password is truncated: a password of {MULTIBYTE_CHARS} three-byte characters ({size} bytes) "
            f"was accepted, and its first {kept} characters ({BCRYPT_LIMIT} bytes) with another ending log in",
            expected="401: only the whole password logs in (or 422 at registration for more than 72 bytes)",
            actual=describe(response), reproduce=curl_for(response.request),
            hint=in_stack(ctx, f"A maximum length counted in characters is not one in bytes: bcrypt reads "
                          f"{BCRYPT_LIMIT} bytes, {kept} characters of three bytes. Refuse passwords over "
                          f"{BCRYPT_LIMIT} bytes",
                          node=f"(Buffer.byteLength(password, 'utf8') > {BCRYPT_LIMIT}; len(password.encode()) in "
                               "Python), or use argon2id.",
                          java=f"(password.getBytes(StandardCharsets.UTF_8).length > {BCRYPT_LIMIT}, not "
                               "password.length()), or use argon2id."))


@check("security.passwords.no_truncation", points=1)
def long_passwords_are_not_truncated(ctx: CheckContext) -> None:
    """A long password is used whole: its first 72 bytes alone never log in.

    bcrypt reads only 72 bytes and node's bcrypt truncates silently. The harness registers
    an 80-byte password; if it is accepted, its first 72 bytes with another ending must not
    log in. Refusing it (422, a maximum length) is fine, but then a 72-byte password must be
    accepted and a longer login must not match it. Then 64 three-byte characters (192
    bytes): a cap counted in characters lets them through, and their first 24 characters
    with another ending must not log in either; refusing them is fine.
    """
    accounts = Accounts(ctx)
    accounts.register()  # registration works: what follows is about length only
    email, password = accounts.new_email("long"), _long_password(ctx, 80)
    response = accounts.register_raw({"email": email, "password": password, "name": "Long Password"})
    if response.status_code >= 500:
        raise Failure(
            f"registering an 80-byte password crashed the app ({response.status_code})",
            expected="201, or 422 naming the maximum length", actual=describe(response),
            hint="Check the password's length in bytes before hashing: bcrypt libraries throw or truncate "
                 "beyond 72 bytes.", reproduce=curl_for(response.request))
    if response.is_success:
        wrong = [password[:BCRYPT_LIMIT] + "Y" * 8, password[:BCRYPT_LIMIT]]
    else:
        email, password = accounts.new_email("long"), _long_password(ctx, BCRYPT_LIMIT)
        response = accounts.register_raw({"email": email, "password": password, "name": "Long Password"})
        if not response.is_success:
            raise Failure(
                f"the app refused an 80-byte password (a maximum length is fine), but also a 72-byte one "
                f"({response.status_code})",
                expected="201 for a 72-byte password (ASVS 6.2.9: allow at least 64 characters)",
                actual=describe(response), reproduce=curl_for(response.request),
                hint="Allow passwords up to 72 bytes with bcrypt (or any length with argon2id).")
        wrong = [password + "Y" * 8]
    right = accounts.login_raw(email, password)
    if right.status_code != 200:
        raise Failure(
            f"an account registered with a {len(password)}-byte password cannot log in with it "
            f"({right.status_code})",
            expected="200 with the tokens", actual=describe(right), reproduce=curl_for(right.request),
            hint="Hash and compare the same bytes: the whole password, as sent.")
    for attempt in wrong:
        response = accounts.login_raw(email, attempt)
        if response.is_success:
            raise Failure(
                f"the password is truncated: logging in with its first {BCRYPT_LIMIT} bytes "
                f"{'and another ending ' if len(attempt) > BCRYPT_LIMIT else ''}succeeded "
                f"(registered: {len(password)} bytes)",
                expected="401: only the whole password logs in",
                actual=describe(response), reproduce=curl_for(response.request),
                hint=in_stack(ctx, f"bcrypt ignores everything after {BCRYPT_LIMIT} bytes. Refuse longer passwords "
                              "with 422",
                              node=f"(Buffer.byteLength(password) > {BCRYPT_LIMIT}) at registration and at login, or "
                                   "use argon2id.",
                              java=f"(password.getBytes(StandardCharsets.UTF_8).length > {BCRYPT_LIMIT}) at "
                                   "registration and at login, or use argon2id."))
    _multibyte_probe(ctx, accounts)
