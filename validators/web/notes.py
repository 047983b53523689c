"""Notes made through the lab's API, for the checks that need one."""

from __future__ import annotations

from typing import Any

import httpx

from harness import expect
from harness.registry import CheckContext


def create_note(ctx: CheckContext, text: str) -> tuple[dict[str, Any], str, httpx.Response]:
    """POST /notes: the note, its path and the response. 200 is let through on purpose (only
    web.http.status_codes asks for 201 and the Location), so another check fails for its own property."""
    created = ctx.http.post("/notes", json={"text": text})
    expect.status(created, 200, 201, what="POST /notes")
    note = expect.json_object(created, what="POST /notes")
    note_id = note.get("id")
    if not isinstance(note_id, str) or note.get("text") != text:
        raise expect.fail(created, "POST /notes does not answer the note it created",
                          expected=f'{{"id": "<a string>", "text": "{text}"}}')
    return note, f"/notes/{note_id}", created
