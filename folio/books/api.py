"""JSON API for books."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from folio.books.models import Book
from folio.books.service import BookInput, create_book, list_books, lock_book
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep

router = APIRouter(tags=["books"])


class BookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    slug: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    base_currency: Annotated[str, StringConstraints(min_length=3, max_length=3)]
    locale: Annotated[str, StringConstraints(min_length=2, max_length=20)] = "en_US"
    country: Annotated[str, StringConstraints(min_length=2, max_length=2)] | None = None
    fiscal_year_start: Annotated[int, Field(ge=1, le=12)] = 1
    chart: Literal["generic", "id-psak", "personal", "none"] = "generic"


class BookUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lock_date: date | None = Field(description="Nothing may post on or before this date; "
                                               "null unlocks")


class BookOut(BaseModel):
    slug: str
    name: str
    base_currency: str
    locale: str
    country: str
    fiscal_year_start: int
    lock_date: date | None
    entries: int

    @classmethod
    def of(cls, book: Book) -> BookOut:
        return cls(slug=book.slug, name=book.name, base_currency=book.base_currency,
                   locale=book.locale, country=book.country,
                   fiscal_year_start=book.fiscal_year_start, lock_date=book.lock_date,
                   entries=book.chain_seq)


@router.get("/books", response_model=list[BookOut])
def get_books(session: SessionDep) -> list[BookOut]:
    """Every book in this database."""
    return [BookOut.of(b) for b in list_books(session)]


@router.post("/books", response_model=BookOut, status_code=status.HTTP_201_CREATED)
def post_book(data: BookCreate, session: WriteSessionDep) -> BookOut:
    """Create a book with a chart of accounts from a template."""
    book = create_book(session, BookInput(**data.model_dump()))
    session.commit()
    return BookOut.of(book)


@router.get("/books/{slug}", response_model=BookOut)
def get_one_book(book: BookDep) -> BookOut:
    return BookOut.of(book)


@router.patch("/books/{slug}", response_model=BookOut)
def patch_book(data: BookUpdate, book: WriteBookDep, session: WriteSessionDep) -> BookOut:
    """Set or clear the lock date."""
    lock_book(session, book, data.lock_date)
    session.commit()
    return BookOut.of(book)
