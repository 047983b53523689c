from __future__ import annotations

from fastapi import APIRouter

from ..problems import not_implemented

router = APIRouter(prefix="/loans", tags=["loans"])


# TODO (README, task 2): POST /v1/loans {book_id, member_id} -> 201; the book's copies_available
# drops by one. 404 unknown book or member, 409 when no copy is left.
@router.post("")
async def borrow() -> None:
    raise not_implemented("task 2, POST /v1/loans")


# TODO (README, task 2): POST /v1/loans/{loan_id}/return -> 200; the copy comes back. 404, 409 returned already.
@router.post("/{loan_id}/return")
async def give_back(loan_id: str) -> None:
    raise not_implemented("task 2, POST /v1/loans/{id}/return")
