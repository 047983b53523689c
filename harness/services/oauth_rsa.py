"""RS256 (RSASSA-PKCS1-v1_5 with SHA-256) keys for the harness's OAuth provider.

The provider signs id_tokens that any OpenID client must be able to verify, and RS256 is the
one algorithm every client supports (OpenID Connect Core §15.1; Spring Security's default).
The key pair comes from `cryptography` (OpenSSL): a 2048-bit key takes tens of milliseconds, so
each process makes its own when its first provider starts, and it never leaves the process.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

BITS = 2048
_E = 65537


def _b64(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _int(text: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")


@dataclass(frozen=True)
class RsaKey:
    """A signing key (`private` set) or only its public half (read back from a JWK)."""

    public: rsa.RSAPublicKey
    kid: str
    private: rsa.RSAPrivateKey | None = None

    @classmethod
    def generate(cls, bits: int = BITS) -> RsaKey:
        private = rsa.generate_private_key(public_exponent=_E, key_size=bits)
        n = private.public_key().public_numbers().n
        kid = hashlib.sha256(n.to_bytes(bits // 8, "big")).hexdigest()[:16]
        return cls(private.public_key(), kid, private)

    @classmethod
    def from_jwk(cls, jwk: dict[str, Any]) -> RsaKey:
        """The public key a JWK (RFC 7517) describes, as a client verifying id_tokens reads it."""
        numbers = rsa.RSAPublicNumbers(_int(str(jwk["e"])), _int(str(jwk["n"])))
        return cls(numbers.public_key(), str(jwk.get("kid", "")))

    @property
    def size(self) -> int:
        return (self.public.key_size + 7) // 8

    def sign(self, message: bytes) -> bytes:
        if self.private is None:
            raise ValueError("a public key signs nothing")
        return self.private.sign(message, padding.PKCS1v15(), hashes.SHA256())

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            self.public.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return False
        return True

    def jwk(self) -> dict[str, str]:
        """The public half as a JWK (RFC 7517), as the provider publishes it at its jwks_uri."""
        numbers = self.public.public_numbers()
        return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid, "n": _b64(numbers.n),
                "e": _b64(numbers.e)}


_shared: RsaKey | None = None
_lock = threading.Lock()


def shared_key() -> RsaKey:
    """This process's signing key, made when its first provider starts."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = RsaKey.generate()
        return _shared
