"""The security checks grade an Express project and a Spring one: each hint says what to do,
then how in the learner's stack, and node's words (the capstone's too) stay what they were."""

from __future__ import annotations

from typing import Any, cast

import pytest

from harness.registry import CheckContext
from harness.validators.security import cors, headers, jwt, login
from harness.validators.security.stack_hint import in_stack


def _ctx(lab_id: str) -> CheckContext:
    return CheckContext(http=cast(Any, None), app=cast(Any, None), run_id="rtest", seed=1, lab_id=lab_id)


@pytest.mark.parametrize("lab_id", ["node/week-21", "backend/production"])
def test_node_projects_read_the_node_words(lab_id: str) -> None:
    hint = in_stack(_ctx(lab_id), login.FIX, node=login.FIX_NODE, java=login.FIX_JAVA)
    assert hint == ("Count failed logins per account and peer (the socket address, never X-Forwarded-For): "
                    "express-rate-limit with keyGenerator: (req) => `${email}|${req.socket.remoteAddress}`, "
                    "skipSuccessfulRequests: true, limit: 10, windowMs: 60_000; it sends 429 with Retry-After.")


def test_a_spring_project_reads_spring_words_and_no_express() -> None:
    ctx = _ctx("java/week-19")
    for general, node, java in ((login.FIX, login.FIX_NODE, login.FIX_JAVA), (cors.FIX, cors.FIX_NODE, cors.FIX_JAVA),
                                (jwt.EXPIRY_FIX, jwt.EXPIRY_FIX_NODE, jwt.EXPIRY_FIX_JAVA),
                                ("Add", headers.FIX_NODE, headers.FIX_JAVA)):
        hint = in_stack(ctx, general, node=node, java=java)
        assert hint.startswith(general) and hint.endswith(java)
        assert not any(word in hint for word in ("express", "req.", "cors({", "jwt.verify", "helmet"))
    assert "getRemoteAddr" in in_stack(ctx, login.FIX, node=login.FIX_NODE, java=login.FIX_JAVA)
