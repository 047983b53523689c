from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response
from sqlalchemy import func

from .. import schemas
from ..db import DbSession
from ..models import Book, Loan, Member

router = APIRouter(prefix="/loans", tags=["loans"])


@router.post("", status_code=201, response_model=schemas.Loan)
def borrow(body: schemas.LoanCreate, response: Response, session: DbSession) -> schemas.Loan:
    # Everything below runs in ONE transaction (the Session begins it with the first
    # statement) and is committed once, at the end. Any error before that rolls it all
    # back when the Session closes: no copy taken without its loan.
    if session.get(Member, int(body.member_id)) is None:
        raise HTTPException(404, "member not found")
    # SELECT ... FOR UPDATE locks the book's row until COMMIT: concurrent borrowers of this
    # book wait here, one after the other, and each reads the copies the previous one left.
    book = session.get(Book, int(body.book_id), with_for_update=True)
    if book is None:
        raise HTTPException(404, "book not found")
    if book.copies_available < 1:
        raise HTTPException(409, "no copy of this book is available")
    book.copies_available -= 1
    loan = Loan(book_id=book.id, member_id=int(body.member_id))
    session.add(loan)
    session.commit()  # UPDATE books, INSERT INTO loans, COMMIT: all or nothing
    response.headers["Location"] = f"/v1/loans/{loan.id}"
    return schemas.Loan.model_validate(loan)


@router.get("/{loan_id}", response_model=schemas.Loan)
def get_loan(loan_id: str, session: DbSession) -> schemas.Loan:
    key = schemas.as_id(loan_id)
    loan = session.get(Loan, key) if key is not None else None
    if loan is None:
        raise HTTPException(404, "loan not found")
    return schemas.Loan.model_validate(loan)


@router.post("/{loan_id}/return", response_model=schemas.Loan)
def give_back(loan_id: str, session: DbSession) -> schemas.Loan:
    key = schemas.as_id(loan_id)
    # Locked, so that two returns of the same loan cannot both put the copy back.
    loan = session.get(Loan, key, with_for_update=True) if key is not None else None
    if loan is None:
        raise HTTPException(404, "loan not found")
    if loan.returned_at is not None:
        raise HTTPException(409, "this loan was already returned")
    loan.returned_at = func.now()  # the database's clock, like borrowed_at
    book = session.get(Book, loan.book_id, with_for_update=True)
    if book is not None:
        book.copies_available += 1
    session.commit()
    return schemas.Loan.model_validate(loan)  # returned_at: read back after the UPDATE
