"""Recognising stored password hashes and judging them against OWASP's parameters.

Formats and regexes checked against what the libraries really write (the unit tests hold
their outputs): bcrypt MCF, PHC argon2 (node-argon2 writes m,p,t; argon2-cffi m,t,p: parameters
are parsed order-agnostic), PBKDF2/scrypt as Django, Werkzeug, passlib and Spring store
them, and the weak ones (hex digests, md5-crypt, {noop}, plain text).

Verdicts: PASS meets an OWASP Password Storage row; WARN is a framework default just
below a row, or a legacy scheme that is still salted and slow (reported, not failed);
FAIL is fast, unsalted or plain. The thresholds are policy and live in this file only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import argon2
import bcrypt


class Verdict(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class HashInfo:
    scheme: str  # what a learner would call it: "bcrypt", "argon2id", "PBKDF2-SHA256", "plain text"
    verdict: Verdict
    reason: str  # the rule applied, with the numbers seen
    params: dict[str, int] = field(default_factory=dict)


BCRYPT_MIN_COST = 10
# OWASP rows for argon2id (p=1): iterations -> minimum memory in KiB.
ARGON2_ROWS = {1: 47104, 2: 19456, 3: 12288, 4: 9216, 5: 7168}
# OWASP rows for scrypt (r=8): log2(N) -> minimum parallelism.
SCRYPT_ROWS = {17: 1, 16: 2, 15: 3, 14: 5, 13: 10}
PBKDF2_MIN = {"sha256": 600_000, "sha512": 210_000, "sha1": 1_300_000}
# Spring's DelegatingPasswordEncoder ids that are not hashes worth the name.
SPRING_WEAK = {"noop", "md4", "md5", "sha-1", "sha-256", "sha256", "ldap"}
HEX_DIGESTS = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}
# Beyond these a verification takes seconds to hours: classified by format, not verified.
MAX_BCRYPT_COST = 14
MAX_ITERATIONS = 5_000_000
MAX_ARGON2_KIB = 1 << 20
MAX_ARGON2_T = 20
MAX_SCRYPT_WORK = 1 << 24

BCRYPT = re.compile(r"^\$2([abxy]?)\$(\d{2})\$[./A-Za-z0-9]{53}$")
PHC_ARGON2 = re.compile(
    r"^\$argon2(id|i|d)\$(?:v=(\d+)\$)?([a-z]=\d+(?:,[a-z]=\d+)*)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$")
DJANGO_PBKDF2 = re.compile(r"^pbkdf2_(sha256|sha1)\$(\d+)\$([^$]+)\$([A-Za-z0-9+/=]+)$")
DJANGO_ARGON2 = re.compile(r"^argon2\$(argon2(?:id|i|d)\$.*)$")
DJANGO_BCRYPT = re.compile(r"^(bcrypt|bcrypt_sha256)\$(\$2.*)$")
DJANGO_SCRYPT = re.compile(r"^scrypt\$(\d+)\$([^$]+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)$")
DJANGO_WEAK = re.compile(r"^(md5|sha1|unsalted_md5|unsalted_sha1|crypt)\$")
WERKZEUG_SCRYPT = re.compile(r"^scrypt:(\d+):(\d+):(\d+)\$([^$]+)\$([0-9a-f]+)$")
WERKZEUG_PBKDF2 = re.compile(r"^pbkdf2:(sha256|sha512|sha1)(?::(\d+))?\$([^$]+)\$([0-9a-f]+)$")
PASSLIB_PBKDF2 = re.compile(r"^\$pbkdf2(?:-(sha256|sha512))?\$(\d+)\$([./A-Za-z0-9]+)\$([./A-Za-z0-9]+)$")
SHA_CRYPT = re.compile(r"^\$(5|6)\$(?:rounds=(\d+)\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]+$")
MD5_CRYPT = re.compile(r"^\$(1|apr1)\$")
PHC_SCRYPT = re.compile(r"^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$")
SPRING = re.compile(r"^\{([A-Za-z0-9@_.\-]+)\}(.*)$", re.DOTALL)
SPRING_SCRYPT = re.compile(r"^\$([0-9a-f]+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$")
HEX = re.compile(r"^[0-9a-fA-F]+$")

FIX = "Hash passwords with bcrypt (cost >= 10) or argon2id, e.g."
FIX_NODE = "await bcrypt.hash(password, 12)."
FIX_JAVA = "new BCryptPasswordEncoder(12).encode(password), or Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8()."


# -- classification -------------------------------------------------------------------

def _bcrypt(match: re.Match[str], scheme: str = "bcrypt") -> HashInfo:
    cost = int(match.group(2))
    if cost >= BCRYPT_MIN_COST:
        return HashInfo(scheme, Verdict.PASS, f"bcrypt cost {cost} >= {BCRYPT_MIN_COST}", {"cost": cost})
    return HashInfo(scheme, Verdict.FAIL, f"bcrypt cost {cost} is below {BCRYPT_MIN_COST}: "
                    f"2^{cost} rounds are cheap to brute-force", {"cost": cost})


def argon2_params(text: str) -> dict[str, int]:
    """`m=65536,p=4,t=3` in any order -> {'m': 65536, 'p': 4, 't': 3}."""
    return {k: int(v) for k, _, v in (item.partition("=") for item in text.split(","))}


def _argon2(match: re.Match[str]) -> HashInfo:
    variant = "argon2" + match.group(1)
    params = argon2_params(match.group(3))
    m, t, p = params.get("m", 0), params.get("t", 0), params.get("p", 1)
    shown = f"m={m},t={t},p={p}"
    if t < 1:
        return HashInfo(variant, Verdict.FAIL, f"{variant} {shown}: no iteration count", params)
    need = ARGON2_ROWS[min(t, 5)]
    if variant != "argon2id":
        return HashInfo(variant, Verdict.WARN, f"{variant} {shown}: OWASP recommends the argon2id variant", params)
    if m >= need:
        return HashInfo(variant, Verdict.PASS, f"argon2id {shown} meets OWASP's t={min(t, 5)} row "
                        f"(m >= {need} KiB)", params)
    verdict = Verdict.WARN if m * 2 >= need else Verdict.FAIL
    return HashInfo(variant, verdict, f"argon2id {shown} is below OWASP's t={min(t, 5)} row "
                    f"(m >= {need} KiB)", params)


def _scrypt(n: int, r: int, p: int, scheme: str = "scrypt") -> HashInfo:
    params = {"N": n, "r": r, "p": p}
    shown = f"N={n},r={r},p={p}"
    if n < 2 or n & (n - 1):
        return HashInfo(scheme, Verdict.FAIL, f"scrypt {shown}: N must be a power of two", params)
    log_n = min(n.bit_length() - 1, 17)
    if log_n < min(SCRYPT_ROWS):
        return HashInfo(scheme, Verdict.FAIL, f"scrypt {shown} is far below OWASP's rows (N >= 2^13)", params)
    need_p = SCRYPT_ROWS[log_n]
    if p >= need_p and r >= 8:
        return HashInfo(scheme, Verdict.PASS, f"scrypt {shown} meets OWASP's N=2^{log_n} row (p >= {need_p})", params)
    # Within a factor of three of the row's work: a framework default, reported as a warning.
    near = 3 * n * r * p >= (1 << log_n) * 8 * need_p
    return HashInfo(scheme, Verdict.WARN if near else Verdict.FAIL,
                    f"scrypt {shown} is below OWASP's N=2^{log_n} row (r=8, p >= {need_p})", params)


def _pbkdf2(digest: str, iterations: int, scheme: str | None = None) -> HashInfo:
    name = scheme or f"PBKDF2-{digest.upper()}"
    need = PBKDF2_MIN[digest]
    params = {"iterations": iterations}
    if iterations >= need:
        return HashInfo(name, Verdict.PASS, f"{name} × {iterations:,} >= {need:,} (OWASP)", params)
    return HashInfo(name, Verdict.FAIL, f"{name} × {iterations:,} is below OWASP's {need:,} iterations", params)


def _spring(encoder: str, inner: str, password: str | None) -> HashInfo | None:
    key = encoder.lower()
    if key in SPRING_WEAK:
        return HashInfo(f"Spring {{{encoder}}}", Verdict.FAIL,
                        f"{{{encoder}}} is plain text or a fast unsalted digest", {})
    if key == "pbkdf2@springsecurity_v5_8":
        return HashInfo("PBKDF2-SHA256", Verdict.WARN, "Spring's v5_8 default (SHA-256 × 310,000, below OWASP's "
                        "600,000); the iteration count is not stored, so it is assumed", {"iterations": 310_000})
    if key == "pbkdf2":
        return HashInfo("PBKDF2-SHA1", Verdict.FAIL, "Spring's v5_5 {pbkdf2}: SHA-1 × 185,000, below OWASP's "
                        "1,300,000", {"iterations": 185_000})
    scrypt = SPRING_SCRYPT.match(inner)
    if key.startswith("scrypt") and scrypt:
        packed = int(scrypt.group(1), 16)
        return _scrypt(1 << (packed >> 16), (packed >> 8) & 0xFF, packed & 0xFF)
    # An unknown {id} is judged by what follows it, or not recognised at all (a title like "{draft}").
    return classify(inner, password)


def classify(value: str, password: str | None = None) -> HashInfo | None:
    """What a stored value is, judged; None when the format is not recognised."""
    if password is not None and value == password:
        return HashInfo("plain text", Verdict.FAIL, "it holds the password itself: anyone who reads the "
                        "table (a backup, a SQL injection) has every password")
    if m := BCRYPT.match(value):
        return _bcrypt(m)
    if m := PHC_ARGON2.match(value):
        return _argon2(m)
    if m := DJANGO_ARGON2.match(value):
        return classify("$" + m.group(1), password)
    if m := DJANGO_BCRYPT.match(value):
        inner = BCRYPT.match(m.group(2))
        return _bcrypt(inner, scheme=m.group(1)) if inner else None
    if m := DJANGO_PBKDF2.match(value):
        return _pbkdf2(m.group(1), int(m.group(2)))
    if m := DJANGO_SCRYPT.match(value):
        return _scrypt(int(m.group(1)), int(m.group(3)), int(m.group(4)))
    if m := DJANGO_WEAK.match(value):
        return HashInfo(f"Django {m.group(1)}", Verdict.FAIL, f"{m.group(1)} is a fast digest, not a password hash")
    if m := WERKZEUG_SCRYPT.match(value):
        return _scrypt(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := WERKZEUG_PBKDF2.match(value):
        if m.group(2) is None:
            return HashInfo(f"PBKDF2-{m.group(1).upper()}", Verdict.WARN,
                            "Werkzeug pbkdf2 without an iteration count (an old default)")
        return _pbkdf2(m.group(1), int(m.group(2)))
    if m := PASSLIB_PBKDF2.match(value):
        return _pbkdf2(m.group(1) or "sha1", int(m.group(2)))
    if m := PHC_SCRYPT.match(value):
        return _scrypt(1 << int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := SHA_CRYPT.match(value):
        name = "sha512_crypt" if m.group(1) == "6" else "sha256_crypt"
        rounds = int(m.group(2) or 5000)
        return HashInfo(name, Verdict.WARN, f"{name} ({rounds:,} rounds) is a legacy scheme: prefer argon2id "
                        "or bcrypt", {"rounds": rounds})
    if MD5_CRYPT.match(value):
        return HashInfo("md5_crypt", Verdict.FAIL, "md5-crypt ($1$) is fast and broken")
    if m := SPRING.match(value):
        return _spring(m.group(1), m.group(2), password)
    if HEX.match(value) and len(value) in HEX_DIGESTS:
        name = HEX_DIGESTS[len(value)]
        return HashInfo(f"unsalted {name}", Verdict.FAIL, f"an unsalted {name} hex digest: fast to brute-force "
                        "and identical for identical passwords")
    return None


def recognised(value: str) -> bool:
    """Shaped like a password hash (not plain text, not a bare hex string)."""
    return not HEX.match(value) and classify(value) is not None


# -- verification: proves that a value is the password's hash ------------------------

def _b64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _ab64(text: str) -> bytes:
    # passlib's "adapted base64": '.' instead of '+', no padding.
    return _b64(text.replace(".", "+"))


def _scrypt_raw(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=dklen,
                          maxmem=min(256 * n * r * p + (1 << 20), 1 << 30))


def _argon2_verify(phc: str, password: str) -> bool | None:
    m = PHC_ARGON2.match(phc)
    if not m:
        return None
    params = argon2_params(m.group(3))
    # The C library parses m,t,p in that order only: rebuild what node-argon2 wrote as m,p,t.
    version = f"v={m.group(2)}$" if m.group(2) else ""
    canonical = (f"$argon2{m.group(1)}${version}m={params.get('m', 0)},t={params.get('t', 0)},"
                 f"p={params.get('p', 1)}${m.group(4)}${m.group(5)}")
    try:
        return argon2.PasswordHasher().verify(canonical, password)
    except argon2.exceptions.VerifyMismatchError:
        return False
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        return None


def _bcrypt_verify(value: str, secret: bytes) -> bool | None:
    try:
        return bcrypt.checkpw(secret, value.encode("ascii"))
    except ValueError:  # python bcrypt refuses secrets over 72 bytes
        return None


def digest_of(value: str, password: str) -> str | None:
    """The name of the fast unsalted digest `value` is (hex or base64), if any."""
    raw = password.encode("utf-8")
    for name in ("md5", "sha1", "sha256", "sha512"):
        digest = hashlib.new(name, raw).digest()
        if value.lower() == digest.hex() or value in (base64.b64encode(digest).decode(), digest.hex().upper()):
            return name
    return None


def _spring_verify(encoder: str, inner: str, password: str) -> bool | None:
    secret = password.encode("utf-8")
    if encoder == "noop":
        return inner == password
    if encoder == "pbkdf2@springsecurity_v5_8" and HEX.match(inner) and len(inner) == 96:
        raw = bytes.fromhex(inner)
        return hmac.compare_digest(hashlib.pbkdf2_hmac("sha256", secret, raw[:16], 310_000, 32), raw[16:])
    scrypt = SPRING_SCRYPT.match(inner)
    if encoder.startswith("scrypt") and scrypt:
        packed = int(scrypt.group(1), 16)
        derived = _b64(scrypt.group(3))
        return hmac.compare_digest(_scrypt_raw(password, _b64(scrypt.group(2)), 1 << (packed >> 16),
                                               (packed >> 8) & 0xFF, packed & 0xFF, len(derived)), derived)
    if encoder in ("bcrypt", "argon2", "argon2@springsecurity_v5_8"):
        return verify(inner, password)
    return None


def too_costly(value: str) -> bool:
    """Parameters no real app uses, which would stall the harness (bcrypt 2^31, 10^12 PBKDF2 rounds)."""
    info = classify(value)
    if info is None:
        return False
    params = info.params
    return (params.get("cost", 0) > MAX_BCRYPT_COST or params.get("iterations", 0) > MAX_ITERATIONS
            or params.get("m", 0) > MAX_ARGON2_KIB or params.get("t", 0) > MAX_ARGON2_T
            or params.get("N", 0) * params.get("r", 0) * params.get("p", 0) > MAX_SCRYPT_WORK)


def verify(value: str, password: str) -> bool | None:
    """True when `value` is `password` hashed; None when this format cannot be verified here."""
    if value == password or digest_of(value, password):
        return True
    if too_costly(value):
        return None
    secret = password.encode("utf-8")
    checks: list[tuple[re.Pattern[str], Callable[[re.Match[str]], bool | None]]] = [
        (BCRYPT, lambda m: _bcrypt_verify(value, secret)),
        (PHC_ARGON2, lambda m: _argon2_verify(value, password)),
        (DJANGO_ARGON2, lambda m: _argon2_verify("$" + m.group(1), password)),
        (DJANGO_BCRYPT, lambda m: _bcrypt_verify(
            m.group(2), hashlib.sha256(secret).hexdigest().encode() if m.group(1) == "bcrypt_sha256" else secret)),
        (DJANGO_PBKDF2, lambda m: hmac.compare_digest(base64.b64encode(hashlib.pbkdf2_hmac(
            m.group(1), secret, m.group(3).encode(), int(m.group(2)))).decode(), m.group(4))),
        (DJANGO_SCRYPT, lambda m: hmac.compare_digest(base64.b64encode(_scrypt_raw(
            password, m.group(2).encode(), int(m.group(1)), int(m.group(3)), int(m.group(4)), 64)).decode(),
            m.group(5))),
        (WERKZEUG_SCRYPT, lambda m: hmac.compare_digest(_scrypt_raw(
            password, m.group(4).encode(), int(m.group(1)), int(m.group(2)), int(m.group(3)), 64).hex(), m.group(5))),
        (WERKZEUG_PBKDF2, lambda m: None if m.group(2) is None else hmac.compare_digest(hashlib.pbkdf2_hmac(
            m.group(1), secret, m.group(3).encode(), int(m.group(2))).hex(), m.group(4))),
        (PASSLIB_PBKDF2, lambda m: hmac.compare_digest(hashlib.pbkdf2_hmac(
            m.group(1) or "sha1", secret, _ab64(m.group(3)), int(m.group(2)),
            len(_ab64(m.group(4)))), _ab64(m.group(4)))),
        (PHC_SCRYPT, lambda m: hmac.compare_digest(_scrypt_raw(
            password, _b64(m.group(4)), 1 << int(m.group(1)), int(m.group(2)), int(m.group(3)),
            len(_b64(m.group(5)))), _b64(m.group(5)))),
    ]
    spring = SPRING.match(value)
    if spring:
        return _spring_verify(spring.group(1).lower(), spring.group(2), password)
    for pattern, check in checks:
        match = pattern.match(value)
        if match:
            try:
                return check(match)
            except (ValueError, binascii.Error, MemoryError):
                return None
    return None


