"""Stored-password classification over the 25 samples of the security reference (§3.2).

The samples were produced for the password below by the libraries named (python bcrypt,
argon2-cffi, Werkzeug 3.1, crypt; bcryptjs writes the same MCF as python bcrypt), or
built with hashlib to the exact format of the named framework (Django, Spring, passlib,
node-argon2's m,p,t order); the node bcrypt sample is node bcrypt 6.0's output for
another password. Verdicts are the reference's: 11 pass, 5 warn, 9 fail.
"""

from __future__ import annotations

import pytest

from harness.validators.security.hashes import Verdict, argon2_params, classify, digest_of, recognised, verify

PASSWORD = "correct horse battery staple"
SAMPLES: dict[str, tuple[str, Verdict]] = {
    "python bcrypt cost 12": (
        "$2b$12$G3mzU2IdzFVwqg1J/HKYi.SNZlmKnGmwGQ38X2phLM71T8RiTOdjq",
        Verdict.PASS),
    "node bcrypt cost 10": (
        "$2b$10$vF4KJEm49pkC7kmhUJfo0.jqiG.prUYNFSNWSZtGdpQDwNuYNv6a6",
        Verdict.PASS),
    "bcryptjs cost 10": (
        "$2b$10$rCMYKHWT/6etS4byP4Lxiei4PazDXxCM0mZWzGC77mDuJuV.ZfFpi",
        Verdict.PASS),
    "Spring {bcrypt}": (
        "{bcrypt}$2a$10$BbPps7N20KeDX78XX0VwP.keHdyGNuaaJMneNp9TaMCzNpXQC3DjK",
        Verdict.PASS),
    "argon2-cffi default": (
        "$argon2id$v=19$m=65536,t=3,p=4$NiqaS2BcYF2/1gqfLQ/fSQ$JEzguJC73LSHAeyD4qc7omrvnF3xoqxW/0"
        "9DJGim24c",
        Verdict.PASS),
    "node-argon2 default (m,p,t)": (
        "$argon2id$v=19$m=65536,p=4,t=3$NiqaS2BcYF2/1gqfLQ/fSQ$JEzguJC73LSHAeyD4qc7omrvnF3xoqxW/0"
        "9DJGim24c",
        Verdict.PASS),
    "Django pbkdf2_sha256 1M": (
        "pbkdf2_sha256$1000000$seasalt1234abcd$pCDdUqCYpJmDxjEINWEQ1hFTDVw3b5E+G6/gF7Pm88k=",
        Verdict.PASS),
    "Django argon2": (
        "argon2$argon2id$v=19$m=102400,t=2,p=8$fR1biZ4r7no7eLxHvyi9+g$3ScEUK9H7WydZTzYF+EReuudpBE"
        "8Hc8rmokL6AEIqJs",
        Verdict.PASS),
    "Django bcrypt_sha256": (
        "bcrypt_sha256$$2b$12$D3wJzL8cXUYtVI.Xr.NwtOVwr68oQmgxQ1cOQE.IaDKyHWgRTeskm",
        Verdict.PASS),
    "Django scrypt": (
        "scrypt$16384$seasalt1234abcd$8$5$0y4hSOuSNMeKb7M1tKNGSnk2wnidm1+/RXzvKSv7WrOmFQ3Qvoh9hzk"
        "o3Cm0Ml8JxLrs8vWJPlGRQubf+JJGVg==",
        Verdict.PASS),
    "Werkzeug pbkdf2 default": (
        "pbkdf2:sha256:1000000$GKZdw22zdwo6HiXw$b61d167a048b098571e12167df8f225f973e77a3e8f01b7bf"
        "ffa2ecab4267a38",
        Verdict.PASS),
    "Werkzeug scrypt default": (
        "scrypt:32768:8:1$alVmVRtVdV7l3KSv$3f17a14e27ba94cab1ed98f56aad3d530064ff92b398e23784705f"
        "5940118467c0b7f63233bc9953a43b486bed575ec96a657a0d21f489a093beb798be408342",
        Verdict.WARN),
    "Spring argon2 v5_8": (
        "{argon2@SpringSecurity_v5_8}$argon2id$v=19$m=16384,t=2,p=1$1QPZqEcEX4tGZ8Jj80E7ag$c17LFC"
        "HgY0zZRIaVr/gbMu7kTtxxPzguu+MROLqbRLQ",
        Verdict.WARN),
    "Spring pbkdf2 v5_8": (
        "{pbkdf2@SpringSecurity_v5_8}ec5d2827b7131107abf4e86c6b81e8e9271e340d567714eaf94f933b28bf"
        "3557e5811c328d0c776bde16a1ee60907e42",
        Verdict.WARN),
    "Spring scrypt v5_8": (
        "{scrypt@SpringSecurity_v5_8}$100801$gIqPxgekekwy9hJ7emrGlw==$+g+PmKjfNsXSMaprhFlV0LwCc46"
        "YbF2qOHjlfdods5s=",
        Verdict.WARN),
    "sha512_crypt": (
        "$6$rounds=656000$Dep.JaQhdVihD5I1$cR.qjpXvHjQgN3d62X4wMY1h/Q49SipzEVoc.wXRNO1TGqifbtL/UF"
        "8Js.ASAwoVJAlrr3pKYzcq3tTwsE2/d.",
        Verdict.WARN),
    "bcrypt cost 8": (
        "$2b$08$RmOEKkQFZPM1VXS9lVhgx.iMV8aVduD87.LEcer2layFJfBFvzDhy",
        Verdict.FAIL),
    "passlib pbkdf2_sha256 29k": (
        "$pbkdf2-sha256$29000$1pVK9YomX8BwwIgjhIxkBA$H3jyQp2QtGC2ASfVfYSooAnRWGIg47zSpvvMJfWx.yg",
        Verdict.FAIL),
    "Django pbkdf2_sha1 1M": (
        "pbkdf2_sha1$1000000$seasalt1234abcd$33mZ5C/t5mRXWMS9MECFQ21kPAA=",
        Verdict.FAIL),
    "unsalted md5": (
        "9cc2ae8a1ba7a93da39b46fc1019c481",
        Verdict.FAIL),
    "unsalted sha1": (
        "abf7aad6438836dbe526aa231abde2d0eef74d42",
        Verdict.FAIL),
    "unsalted sha256": (
        "c4bbcb1fbec99d65bf59d85c8cb62ee2db963f0fe106f483d9afa73bd4e39a8a",
        Verdict.FAIL),
    "unsalted sha512": (
        "be5ef7679d88ab9a9045f6267e55f5e5784b4b8cd764b5cd855a5244f91c626953cd46c43d7668873fd6efbd"
        "3b221249315580031963472a078781fe046e62ae",
        Verdict.FAIL),
    "Spring {noop}": (
        "{noop}correct horse battery staple",
        Verdict.FAIL),
    "plain text": (
        "correct horse battery staple",
        Verdict.FAIL),
}
# Produced for PASSWORD by the named library: verify() must prove it.
VERIFIABLE = sorted(set(SAMPLES) - {"node bcrypt cost 10", "sha512_crypt"})


def test_there_are_25_samples_11_pass_5_warn_9_fail() -> None:
    verdicts = [v for _, v in SAMPLES.values()]
    assert len(SAMPLES) == 25
    assert (verdicts.count(Verdict.PASS), verdicts.count(Verdict.WARN), verdicts.count(Verdict.FAIL)) == (11, 5, 9)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_sample_is_recognised_with_the_reference_verdict(name: str) -> None:
    value, verdict = SAMPLES[name]
    info = classify(value, PASSWORD)
    assert info is not None, f"{name} not recognised"
    assert info.verdict is verdict, (name, info)
    assert info.reason  # a learner-facing sentence with the numbers


@pytest.mark.parametrize("name", VERIFIABLE)
def test_verify_proves_samples_made_for_the_password(name: str) -> None:
    value, _ = SAMPLES[name]
    assert verify(value, PASSWORD) is True
    assert not verify(value, PASSWORD + "!")


def test_node_argon2_parameter_order_is_irrelevant() -> None:
    cffi, node = SAMPLES["argon2-cffi default"][0], SAMPLES["node-argon2 default (m,p,t)"][0]
    assert classify(cffi) == classify(node)
    assert argon2_params("m=65536,p=4,t=3") == {"m": 65536, "t": 3, "p": 4}


def test_fast_digests_are_found_in_hex_and_base64() -> None:
    import base64
    import hashlib
    raw = hashlib.sha256(PASSWORD.encode()).digest()
    assert digest_of(raw.hex(), PASSWORD) == "sha256"
    assert digest_of(raw.hex().upper(), PASSWORD) == "sha256"
    assert digest_of(base64.b64encode(raw).decode(), PASSWORD) == "sha256"
    assert digest_of("not a digest", PASSWORD) is None
    assert verify(raw.hex(), PASSWORD) is True


@pytest.mark.parametrize(("value", "verdict"), [
    ("$1$saltsalt$qjXMvbEw8oaL.CzflDugX/", Verdict.FAIL),  # md5-crypt
    ("{scrypt}$e0801$c2FsdA==$aGFzaA==", Verdict.FAIL),  # Spring v4_1: N=2^14, r=8, p=1
    ("{argon2}$argon2id$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", Verdict.FAIL),  # Spring v5_2
    ("{pbkdf2}" + "cd" * 40, Verdict.FAIL),  # Spring v5_5: SHA-1 × 185,000
    ("$scrypt$ln=17,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", Verdict.PASS),
    ("$argon2i$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g", Verdict.WARN),
    ("md5$salt$abcdef", Verdict.FAIL),
])
def test_more_formats(value: str, verdict: Verdict) -> None:
    info = classify(value)
    assert info is not None and info.verdict is verdict, info


@pytest.mark.parametrize("value", ["{draft}Moby Dick", "hello world", "c0ffee", "acct-r1-2@shelf.test", ""])
def test_ordinary_text_is_not_a_hash(value: str) -> None:
    assert classify(value) is None and not recognised(value)


def test_a_scrypt_hash_in_an_encoding_of_its_own_is_told_the_forms_the_harness_reads() -> None:
    import hashlib

    from harness.validators.security.credentials import Stored
    from harness.validators.security.hashes import verify
    from harness.validators.security.passwords import READ_FORMATS, _unread_format

    own = Stored("members", "password_hash", "scrypt:32768:8:3:00ff:abcdef", None, None)
    hint = _unread_format([Stored("members", "name", "Ada Lovelace", None, None), own])
    assert hint is not None and hint.startswith("members.password_hash looks like a scrypt") and READ_FORMATS in hint
    assert _unread_format([Stored("members", "password_hash", "s3cr3t-but-not-a-hash", None, None)]) is None
    # The forms the hint names are the ones the harness verifies: the PHC one, made here.
    salt = b"0123456789abcdef"
    key = hashlib.scrypt(b"pw", salt=salt, n=2**15, r=8, p=3, dklen=32, maxmem=64 * 2**20)
    b64 = __import__("base64").b64encode
    phc = f"$scrypt$ln=15,r=8,p=3${b64(salt).decode().rstrip('=')}${b64(key).decode().rstrip('=')}"
    assert verify(phc, "pw") is True and verify(own.value, "pw") is not True
