"""RS256 (RSASSA-PKCS1-v1_5 with SHA-256) in the standard library, for the harness's OAuth provider.

The provider signs id_tokens that any OpenID client must be able to verify, and RS256 is the
one algorithm every client supports (OpenID Connect Core §15.1; Spring Security's default).
The harness has no crypto package, and a test provider needs no hardened implementation: a
key pair from Miller-Rabin primes and the textbook signature (RFC 8017 §8.2) are enough. A key
takes 0.2 to 0.6 s of CPU to make, so it is made once and kept in the user's cache (mode 0600):
it signs only what a provider on loopback tells the app under test, for one run at a time.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
import threading
from dataclasses import asdict, dataclass

from harness import cache

BITS = 2048
_E = 65537
# RFC 8017 §9.2 note 1: the DER DigestInfo prefix of a SHA-256 digest.
_SHA256_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")
_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p ** 0.5) + 1))]


def _probably_prime(n: int, rounds: int = 40) -> bool:
    if any(n % p == 0 for p in _SMALL_PRIMES):
        return n in _SMALL_PRIMES
    d, r = n - 1, 0
    while d % 2 == 0:
        d //= 2
        r += 1
    for _ in range(rounds):
        x = pow(secrets.randbelow(n - 3) + 2, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits: int) -> int:
    while True:
        # Top two bits set: the product of two such primes has exactly 2 * bits bits.
        candidate = secrets.randbits(bits) | (3 << (bits - 2)) | 1
        if (candidate - 1) % _E and _probably_prime(candidate):
            return candidate


def _b64(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class RsaKey:
    n: int
    e: int
    d: int
    kid: str

    @classmethod
    def generate(cls, bits: int = BITS) -> RsaKey:
        while True:
            p, q = _prime(bits // 2), _prime(bits // 2)
            if p != q:
                break
        d = pow(_E, -1, (p - 1) * (q - 1))
        n = p * q
        kid = hashlib.sha256(n.to_bytes(bits // 8, "big")).hexdigest()[:16]
        return cls(n, _E, d, kid)

    @property
    def size(self) -> int:
        return (self.n.bit_length() + 7) // 8

    def sign(self, message: bytes) -> bytes:
        digest_info = _SHA256_PREFIX + hashlib.sha256(message).digest()
        padded = b"\x00\x01" + b"\xff" * (self.size - len(digest_info) - 3) + b"\x00" + digest_info
        return pow(int.from_bytes(padded, "big"), self.d, self.n).to_bytes(self.size, "big")

    def verify(self, message: bytes, signature: bytes) -> bool:
        if len(signature) != self.size:
            return False
        digest_info = _SHA256_PREFIX + hashlib.sha256(message).digest()
        padded = b"\x00\x01" + b"\xff" * (self.size - len(digest_info) - 3) + b"\x00" + digest_info
        return pow(int.from_bytes(signature, "big"), self.e, self.n).to_bytes(self.size, "big") == padded

    def jwk(self) -> dict[str, str]:
        """The public half as a JWK (RFC 7517), as the provider publishes it at its jwks_uri."""
        return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid, "n": _b64(self.n), "e": _b64(self.e)}


_shared: RsaKey | None = None
_lock = threading.Lock()


def _cached() -> RsaKey | None:
    try:
        fields = json.loads((cache.root("oauth") / "rs256.json").read_text())
        key = RsaKey(int(fields["n"]), int(fields["e"]), int(fields["d"]), str(fields["kid"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    # A damaged file must not make a provider whose signatures fail: one round trip proves it.
    return key if key.n.bit_length() == BITS and key.verify(b"probe", key.sign(b"probe")) else None


def _keep(key: RsaKey) -> None:
    folder = cache.root("oauth")
    with contextlib.suppress(OSError):  # no cache (a read-only home): the next run makes its own
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f"rs256.{os.getpid()}.tmp"
        with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
            json.dump({k: str(v) for k, v in asdict(key).items()}, out)
        temporary.replace(folder / "rs256.json")


def shared_key() -> RsaKey:
    """The signing key: this process's, else the cached one, else a new one (then cached)."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = _cached()
            if _shared is None:
                _shared = RsaKey.generate()
                _keep(_shared)
        return _shared
