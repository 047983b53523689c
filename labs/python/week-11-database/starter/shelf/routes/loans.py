from __future__ import annotations

from fastapi import APIRouter

from ..problems import not_implemented

router = APIRouter(prefix="/loans", tags=["loans"])


# TODO (README, task 5): POST /v1/loans {book_id, member_id}
# 201 + Location (/v1/loans/<id>) + {id, book_id, member_id, borrowed_at, returned_at}.
# 404 for an unknown book or member, 409 when no copy is available.
# Taking a copy (books.copies_available - 1) and recording the loan must happen together
# or not at all: one transaction, committed once at the end. And 20 members borrowing the
# last 5 copies at the same moment must get exactly 5 loans: think about what happens
# between reading copies_available and writing it (book.copies_available -= 1 on a book
# you read without a lock is exactly that race).
@router.post("")
def borrow() -> None:
    raise not_implemented("task 5, POST /v1/loans")


# TODO (README, task 5): POST /v1/loans/{loan_id}/return
# 200 with the loan (returned_at set) and the copy back on the shelf;
# 404 unknown loan, 409 already returned. Also one transaction.
@router.post("/{loan_id}/return")
def give_back(loan_id: str) -> None:
    raise not_implemented("task 5, POST /v1/loans/{id}/return")
