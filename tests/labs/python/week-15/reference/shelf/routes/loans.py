from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Response

from .. import store
from ..models import Loan, LoanCreate
from ..problems import errors

router = APIRouter(prefix="/loans", tags=["loans"])


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


@router.post("", status_code=201, response_model=Loan, responses=errors(400, 404, 409, 422, 429))
async def borrow(body: LoanCreate, response: Response) -> dict[str, Any]:
    if body.member_id not in store.members:
        raise HTTPException(404, "member not found")
    book = store.books.get(body.book_id)
    if book is None:
        raise HTTPException(404, "book not found")
    if book["copies_available"] < 1:
        raise HTTPException(409, "no copy of this book is available")
    book["copies_available"] -= 1
    loan = {"id": store.next_id("loans"), "book_id": body.book_id, "member_id": body.member_id,
            "borrowed_at": _now(), "returned_at": None}
    store.loans[loan["id"]] = loan
    response.headers["Location"] = f"/v1/loans/{loan['id']}"
    return loan


@router.post("/{loan_id}/return", response_model=Loan, responses=errors(404, 409, 429))
async def give_back(loan_id: str) -> dict[str, Any]:
    loan = store.loans.get(loan_id)
    if loan is None:
        raise HTTPException(404, "loan not found")
    if loan["returned_at"] is not None:
        raise HTTPException(409, "this loan was already returned")
    loan["returned_at"] = _now()
    book = store.books.get(loan["book_id"])
    if book is not None:
        book["copies_available"] += 1
    return loan
