"""The attack-token builders: each forgery differs from the issued token exactly as intended."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from harness.validators.security import jwt_tools as jt

SECRET = b"a-real-32-byte-secret-for-tests!"
RSA_JWK = {"kty": "RSA", "e": "AQAB",
           "n": "pJUGpijDbCRBcdE8V0f24OQDFN_q5pOoqqzabB_fS8A_aFHKTXVm1tjUlQIqmyf4wTaAl-VfCdOm8hmgEsNr2eza3Ik29kQHEM"
                "naHHVh7EKKi43hQZqZwM0cFU2ayT20hf1JjrqyZ3kZ9b9HfD0O12n8RcZePhOJobC6oB8wC3k"}
RSA_PEM = (b"-----BEGIN PUBLIC KEY-----\nMIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCklQamKMNsJEFx0TxXR/bg5AMU\n"
           b"3+rmk6iqrNpsH99LwD9oUcpNdWbW2NSVAiqbJ/jBNoCX5V8J06byGaASw2vZ7Nrc\n"
           b"iTb2RAcQydocdWHsQoqLjeFBmpnAzRwVTZrJPbSF/UmOurJneRn1v0d8PQ7XafxF\n"
           b"xl4+E4mhsLqgHzALeQIDAQAB\n-----END PUBLIC KEY-----\n")
EC_JWK = {"kty": "EC", "crv": "P-256", "x": "s_zZNE5azM1l039d9Ls31okspmwsiDBGj2FV9yTrsZ8",
          "y": "pcGkRCv0bV-gxvHCK-i5ER6uiMrbo5m1Wh-hAph892Y"}
EC_PEM = (b"-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEs/zZNE5azM1l039d9Ls31okspmws\n"
          b"iDBGj2FV9yTrsZ+lwaREK/RtX6DG8cIr6LkRHq6IytujmbVaH6ECmHz3Zg==\n-----END PUBLIC KEY-----\n")


def issued(secret: bytes = SECRET, **claims: object) -> jt.Jwt:
    payload = {"sub": "7", "role": "member", "iat": 1000, "exp": 1900, **claims}
    return jt.parse(jt.hmac_sign({"alg": "HS256", "typ": "JWT"}, payload, secret))


def verifies(token: str, key: bytes) -> bool:
    head, body, sig = token.split(".")
    expected = hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return hmac.compare_digest(expected, jt.b64url_decode(sig))


def test_b64url_round_trip_without_padding() -> None:
    for data in (b"", b"a", b"ab", b"abc", bytes(range(256))):
        text = jt.b64url_encode(data)
        assert "=" not in text and "+" not in text and "/" not in text
        assert jt.b64url_decode(text) == data


def test_signed_token_parses_back_and_verifies() -> None:
    token = issued()
    assert token.payload == {"sub": "7", "role": "member", "iat": 1000, "exp": 1900}
    assert token.alg == "HS256" and token.header["typ"] == "JWT"
    assert verifies(token.raw, SECRET) and not verifies(token.raw, b"other")


@pytest.mark.parametrize("text", ["a.b", "a.b.c.d", "!!!.e30.", "e30.W10.", "bm90IGpzb24.e30."])
def test_parse_refuses_what_is_not_a_jwt(text: str) -> None:
    with pytest.raises(ValueError):
        jt.parse(text)


def test_claims_is_empty_for_opaque_tokens() -> None:
    assert jt.claims("opaque-refresh-token") == {}
    assert jt.claims(issued().raw)["sub"] == "7"


def test_tampered_payload_keeps_header_and_signature() -> None:
    token = issued()
    forged = jt.with_claims(token, role="admin")
    head, body, sig = forged.split(".")
    assert head == token.raw.split(".")[0] and sig == token.raw.split(".")[2]
    assert json.loads(jt.b64url_decode(body))["role"] == "admin"
    assert not verifies(forged, SECRET)


def test_flipped_and_stripped_signatures() -> None:
    token = issued()
    flipped = jt.parse(jt.flipped(token))
    assert flipped.signing_input == token.signing_input
    assert flipped.signature != token.signature and len(flipped.signature) == len(token.signature)
    assert jt.stripped(token) == token.signing_input + "."


@pytest.mark.parametrize("alg", jt.NONE_VARIANTS)
def test_alg_none_variants_have_an_empty_signature(alg: str) -> None:
    forged = jt.alg_none(issued(), alg, role="admin")
    head, body, sig = forged.split(".")
    assert sig == ""
    assert json.loads(jt.b64url_decode(head))["alg"] == alg
    assert json.loads(jt.b64url_decode(body))["role"] == "admin"


def test_embedded_jwk_and_kid_traversal_are_self_consistent() -> None:
    token = issued()
    key = b"attacker"
    forged = jt.parse(jt.embedded_jwk(token, key, role="admin"))
    assert jt.b64url_decode(forged.header["jwk"]["k"]) == key and verifies(forged.raw, key)
    kid = jt.parse(jt.kid_traversal(token))
    assert kid.header["kid"].endswith("/dev/null") and verifies(kid.raw, b"")


def test_key_confusion_signs_with_every_encoding_of_the_public_key() -> None:
    rs = jt.parse(jt.unsigned({"alg": "RS256", "typ": "JWT", "kid": "k1"}, {"sub": "7"}, "c2ln"))
    forged = jt.key_confusion(rs, [RSA_PEM], role="admin")
    assert len(forged) == 3 * 3  # PEM, PEM without newline, DER × HS256/384/512
    names = [name for name, _ in forged]
    assert any("DER" in n for n in names) and any("without the final newline" in n for n in names)
    pem_hs256 = next(t for n, t in forged if n == "HS256 with the public key as PEM")
    assert verifies(pem_hs256, RSA_PEM) and jt.parse(pem_hs256).header["kid"] == "k1"


def test_jwk_to_pem_rebuilds_the_exact_public_key() -> None:
    assert jt.jwk_to_pem(RSA_JWK) == RSA_PEM
    assert jt.jwk_to_pem(EC_JWK) == EC_PEM
    assert jt.jwk_to_pem({"kty": "oct", "k": "c2VjcmV0"}) is None


def test_crack_finds_tutorial_secrets_only() -> None:
    assert jt.crack(issued(b"your-256-bit-secret")) == "your-256-bit-secret"
    assert jt.crack(issued(b"shhhhh")) == "shhhhh"
    assert jt.crack(issued()) is None
    assert jt.crack(jt.parse(jt.alg_none(issued(), "none"))) is None


def test_lifetime() -> None:
    assert jt.lifetime_s({"iat": 100, "exp": 1000}) == 900
    assert jt.lifetime_s({"exp": 1000}, issued_at=400) == 600
    assert jt.lifetime_s({"iat": 100}) is None
    assert jt.lifetime_s({"exp": True, "iat": 1}) is None
