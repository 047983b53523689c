"""security.accounts.no_enumeration's judgements on fixed answers and timings."""

from __future__ import annotations

import httpx

from harness.validators.security.accounts import QUARTILE_FLOOR_S, answer_difference, judge_timing


def answer(status: int, body: object, email: str) -> httpx.Response:
    request = httpx.Request("POST", "http://app/v1/auth/login", json={"email": email, "password": "x"})
    return httpx.Response(status, json=body, request=request)


SAME = {"type": "about:blank", "title": "Unauthorized", "status": 401, "detail": "email or password is wrong"}


def test_the_same_problem_for_both_is_no_difference() -> None:
    unknown = answer(401, {**SAME, "instance": "/req/1"}, "nobody@example.com")
    wrong = answer(401, {**SAME, "instance": "/req/2"}, "reader@example.com")
    assert answer_difference(unknown, "nobody@example.com", wrong, "reader@example.com") is None


def test_the_e_mail_echoed_in_both_is_no_difference() -> None:
    unknown = answer(401, {"error": "login failed for nobody@example.com"}, "nobody@example.com")
    wrong = answer(401, {"error": "login failed for reader@example.com"}, "reader@example.com")
    assert answer_difference(unknown, "nobody@example.com", wrong, "reader@example.com") is None


def test_a_different_message_status_or_shape_is_named() -> None:
    unknown = answer(401, {**SAME, "detail": "no account with this email"}, "n@example.com")
    wrong = answer(401, {**SAME, "detail": "wrong password"}, "r@example.com")
    assert "'detail' differs" in str(answer_difference(unknown, "n@example.com", wrong, "r@example.com"))
    assert "status differs: 404" in str(answer_difference(answer(404, SAME, "n@example.com"), "n@example.com",
                                                           wrong, "r@example.com"))
    bare = answer(401, {"detail": "email or password is wrong"}, "n@example.com")
    assert "fields differ" in str(answer_difference(bare, "n@example.com", answer(401, SAME, "r@example.com"),
                                                    "r@example.com"))


def test_hashing_only_for_known_accounts_is_told_apart() -> None:
    verdict = judge_timing(unknown=[0.002, 0.003, 0.002, 0.004, 0.002, 0.003, 0.05, 0.002],
                           wrong=[0.08, 0.09, 0.085, 0.2, 0.082, 0.088, 0.081, 0.09], successful=[0.09, 0.1])
    assert verdict.tells_apart and verdict.gap_s > 0.07


def test_a_dummy_hash_on_a_noisy_machine_is_not_told_apart() -> None:
    # Both kinds hash; a busy machine stretches single requests of either kind.
    verdict = judge_timing(unknown=[0.08, 0.3, 0.085, 0.09, 0.083, 0.087, 0.09, 0.084],
                           wrong=[0.082, 0.088, 0.25, 0.083, 0.09, 0.086, 0.081, 0.2], successful=[0.4, 0.09])
    assert not verdict.tells_apart


def test_a_fast_hash_within_the_noise_is_not_told_apart() -> None:
    verdict = judge_timing(unknown=[0.002, 0.004, 0.003, 0.006, 0.002, 0.005, 0.003, 0.004],
                           wrong=[0.004, 0.003, 0.006, 0.004, 0.007, 0.003, 0.005, 0.004], successful=[0.004])
    assert not verdict.tells_apart


def test_a_gap_of_the_medians_that_few_pairs_show_is_not_told_apart() -> None:
    # Both kinds hash (about 58 ms); load stretched every unknown-account login to 90 ms, and two of
    # the wrong-password ones beyond that: the medians differ by more than half a hash and by more
    # than the spread, but two pairs of eight point the other way, which a real leak never does.
    verdict = judge_timing(unknown=[0.09, 0.091, 0.089, 0.09, 0.092, 0.09, 0.088, 0.091],
                           wrong=[0.058, 0.095, 0.059, 0.057, 0.058, 0.095, 0.058, 0.059], successful=[0.058, 0.06])
    assert abs(verdict.gap_s) >= verdict.hashing_s / 2 and abs(verdict.gap_s) > verdict.spread_s
    assert verdict.agreeing == 6 and not verdict.tells_apart
    assert "the same way in 6 of 8 pairs" in verdict.describe()


def test_a_hash_skipped_on_a_busy_machine_is_told_apart_though_the_hashes_spread_widely() -> None:
    # Seen in a full run: the hashing kind's times spread past the gap of the medians (a busy
    # machine), so the spread rule alone let the leak pass; no unknown-account login came near any
    # wrong-password one.
    verdict = judge_timing(unknown=[0.003, 0.004, 0.003, 0.006, 0.002, 0.005, 0.004, 0.003],
                           wrong=[0.045, 0.19, 0.05, 0.21, 0.048, 0.17, 0.06, 0.2], successful=[0.06, 0.07])
    assert verdict.spread_s > abs(verdict.gap_s), "the spread rule alone would not tell them apart"
    assert verdict.separated and verdict.tells_apart


def test_a_skipped_hash_is_told_apart_by_the_lower_quartiles_when_a_stall_breaks_the_separation() -> None:
    # One unknown-account login stalled past the fastest wrong-password one (no separation) and the
    # hashes spread past the gap: the spread rule alone lets it pass (it did, in CI). A stall only
    # adds time: the lower quartiles stay a hash apart.
    verdict = judge_timing(unknown=[0.003, 0.004, 0.06, 0.006, 0.002, 0.005, 0.004, 0.003],
                           wrong=[0.045, 0.19, 0.05, 0.21, 0.048, 0.17, 0.06, 0.2], successful=[0.06, 0.07])
    assert not verdict.separated and verdict.spread_s > abs(verdict.gap_s)
    assert verdict.quartiles_apart and verdict.tells_apart
    assert "lower quartiles +" in verdict.describe()
    assert verdict.figures()["lower_quartiles_gap_ms"] > 40


def test_two_kinds_that_both_hash_keep_their_lower_quartiles_together_under_load() -> None:
    # Both hash (about 60 ms); load stretched most unknown-account logins and a few wrong-password
    # ones: the medians are half a hash apart, the lower quartiles are not.
    verdict = judge_timing(unknown=[0.061, 0.15, 0.16, 0.062, 0.17, 0.15, 0.14, 0.16],
                           wrong=[0.06, 0.062, 0.059, 0.15, 0.061, 0.063, 0.16, 0.06], successful=[0.06, 0.061])
    assert abs(verdict.gap_s) >= verdict.hashing_s / 2
    assert not verdict.quartiles_apart and not verdict.tells_apart


def test_a_fast_hash_needs_the_floor_to_be_told_apart_by_its_quartiles() -> None:
    # A 6 ms hash skipped: half of it is within the scheduler's noise, so the quartiles alone
    # never decide below QUARTILE_FLOOR_S.
    verdict = judge_timing(unknown=[0.002, 0.003, 0.002, 0.009, 0.002, 0.003, 0.002, 0.01],
                           wrong=[0.006, 0.007, 0.006, 0.003, 0.006, 0.007, 0.006, 0.006], successful=[0.006])
    assert abs(verdict.quartile_gap_s) < QUARTILE_FLOOR_S and not verdict.quartiles_apart
