"""Projects per client: budget, dates and status; invoices may link to one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.audit.service import snapshot
from folio.auth.guard import require
from folio.books.models import Book
from folio.commerce.records import record_in_book
from folio.errors import Conflict, ValidationError
from folio.sales import lookups
from folio.sales.models import Project, ProjectStatus

PROJECT_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-_/]{0,39}\Z")
STATUSES = tuple(s.value for s in ProjectStatus)
FIELDS = ("customer_id", "code", "name", "budget", "start_date", "end_date", "status")


@dataclass
class ProjectInput:
    customer_id: int
    code: str
    name: str
    budget: Decimal = Decimal(0)
    start_date: date | None = None
    end_date: date | None = None
    status: str = ProjectStatus.ACTIVE.value


def _apply(session: Session, book: Book, project: Project, data: ProjectInput) -> None:
    errors: lookups.Errors = []
    customer = lookups.customer(session, book, data.customer_id, "customer_id", errors)
    if not PROJECT_CODE_RE.match(data.code or ""):
        lookups.error(errors, "code", "1-40 letters, digits, dots, dashes, slashes or "
                                      "underscores")
    name = (data.name or "").strip()
    if not name or len(name) > 200 or "\x00" in name:
        lookups.error(errors, "name", "a name of 1 to 200 characters")
    budget = lookups.minor(data.budget, book.base_currency, "budget", errors)
    if data.start_date and data.end_date and data.end_date < data.start_date:
        lookups.error(errors, "end_date", "the end cannot be before the start")
    if data.status not in STATUSES:
        lookups.error(errors, "status", f"one of {', '.join(STATUSES)}")
    if errors:
        raise ValidationError("The project has errors", errors=errors)
    taken = session.scalar(select(Project.id).where(Project.book_id == book.id,
                                                    Project.code == data.code))
    if taken is not None and taken != project.id:
        raise Conflict(f"A project with the code {data.code!r} already exists", field="code")
    assert customer is not None
    project.customer_id, project.code, project.name = customer.id, data.code, name
    project.budget, project.status = budget, data.status
    project.start_date, project.end_date = data.start_date, data.end_date


def create_project(session: Session, book: Book, data: ProjectInput) -> Project:
    require(session, book, "sales.draft")
    project = Project(book_id=book.id)
    _apply(session, book, project, data)
    session.add(project)
    session.flush()
    audit.record(session, "create", "project", project.id, book=book,
                 after=snapshot(project, FIELDS), summary=f"{project.code} {project.name}")
    return project


def update_project(session: Session, book: Book, project: Project,
                   data: ProjectInput) -> Project:
    require(session, book, "sales.draft")
    before = snapshot(project, FIELDS)
    _apply(session, book, project, data)
    session.flush()
    audit.record(session, "update", "project", project.id, book=book, before=before,
                 after=snapshot(project, FIELDS), summary=f"{project.code} {project.name}")
    return project


def get_project(session: Session, book: Book, project_id: int) -> Project:
    require(session, book, "report.read")
    return record_in_book(session, book, Project, project_id, noun="project", field="project")


def list_projects(session: Session, book: Book, *, customer_id: int | None = None,
                  status: str | None = None) -> list[Project]:
    require(session, book, "report.read")
    query = select(Project).where(Project.book_id == book.id)
    if customer_id is not None:
        query = query.where(Project.customer_id == customer_id)
    if status is not None:
        query = query.where(Project.status == status)
    return list(session.scalars(query.order_by(Project.code)))
