"""The web shell: the front door, each book's dashboard, and the language and theme switches.

Domain pages live with their domain (``folio/ledger/views.py`` ...) and are mounted here,
so ``folio.app`` includes one router for all pages.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from folio.auth import account_views, admin_views
from folio.auth import views as auth_views
from folio.auth.views import safe_next
from folio.banking import views as banking_views
from folio.books import profile_views
from folio.books.service import list_books
from folio.clock import today
from folio.deps import BookDep, SessionDep
from folio.fx import views as fx_views
from folio.i18n import LANGUAGE_COOKIE, LANGUAGES, load_all
from folio.ledger import entry_views, report_views
from folio.ledger import views as ledger_views
from folio.ledger.general_ledger import journal
from folio.ledger.summary import book_summary
from folio.money import exponent
from folio.ops import system_views
from folio.parties import views as party_views
from folio.personal import views as personal_views
from folio.purchases import bill_form_views, claim_views, credit_views, expense_views
from folio.purchases import views as purchase_views
from folio.sales import analysis_views as sales_analysis_views
from folio.sales import catalogue_views, invoice_form_views, quotation_views
from folio.sales import lead_views as sales_lead_views
from folio.sales import mail_views as sales_mail_views
from folio.sales import public_views as quotation_public_views
from folio.sales import recurring_views as sales_recurring_views
from folio.sales import report_views as sales_report_views
from folio.sales import views as sales_views
from folio.sales.overview import sales_overview
from folio.web.templating import THEME_COOKIE, THEMES, render

router = APIRouter(include_in_schema=False)
# Fixed paths first: /entries/new must not be read as /entries/{entry_id}.
router.include_router(entry_views.router)
router.include_router(ledger_views.router)
router.include_router(report_views.router)
router.include_router(banking_views.router)
router.include_router(invoice_form_views.router)  # /invoices/new before /invoices/{id}
router.include_router(sales_views.router)
router.include_router(quotation_views.router)
router.include_router(sales_report_views.router)
router.include_router(party_views.router)
router.include_router(catalogue_views.router)
router.include_router(bill_form_views.router)  # /bills/new before /bills/{id}
router.include_router(purchase_views.router)
router.include_router(credit_views.router)
router.include_router(expense_views.router)
router.include_router(claim_views.router)
router.include_router(personal_views.router)
router.include_router(auth_views.router)
router.include_router(account_views.router)
router.include_router(account_views.public_router)
router.include_router(admin_views.router)
router.include_router(system_views.router)
router.include_router(quotation_public_views.router)
router.include_router(sales_mail_views.router)
router.include_router(sales_recurring_views.router)
router.include_router(profile_views.router)
router.include_router(sales_analysis_views.router)
router.include_router(sales_lead_views.router)
router.include_router(fx_views.router)

# Compile the catalogs as the app mounts its pages, so a broken .po stops the start.
load_all()

PREFERENCE_MAX_AGE = 365 * 24 * 3600
RECENT_ENTRIES = 8


@router.get("/", name="home")
def home(request: Request, session: SessionDep) -> Response:
    """The first book's dashboard, or how to create a book when there is none."""
    books = list_books(session)
    if books:
        return RedirectResponse(request.app.url_path_for("dashboard", slug=books[0].slug),
                                status_code=303)
    return render(request, "welcome.html", {"books": books})


@router.get("/books/{slug}", name="dashboard")
def dashboard(request: Request, book: BookDep, session: SessionDep) -> HTMLResponse:
    return render(request, "dashboard.html", {
        "book": book, "summary": book_summary(session, book, today()),
        "recent": journal(session, book, page_size=RECENT_ENTRIES).entries,
        "drafts": journal(session, book, status="draft", page_size=1).total,
        "exponent": exponent(book.base_currency),
        "sales": sales_overview(session, book, today())})


def _remember(request: Request, next_path: str, name: str, value: str,
              http_only: bool) -> Response:
    response = RedirectResponse(safe_next(next_path), status_code=303)
    response.set_cookie(name, value, max_age=PREFERENCE_MAX_AGE, path="/", samesite="lax",
                        httponly=http_only, secure=request.url.scheme == "https")
    return response


@router.post("/preferences/language", name="set_language")
def set_language(request: Request, language: Annotated[str, Form(max_length=5)],
                 next_path: Annotated[str, Form(alias="next", max_length=2000)] = "/"
                 ) -> Response:
    """Remember the interface language in a cookie and go back to the page."""
    if language not in LANGUAGES:
        language = "en"
    return _remember(request, next_path, LANGUAGE_COOKIE, language, http_only=True)


@router.post("/preferences/theme", name="set_theme")
def set_theme(request: Request, theme: Annotated[str, Form(max_length=5)],
              next_path: Annotated[str, Form(alias="next", max_length=2000)] = "/") -> Response:
    """Remember light or dark (folio.js does the same without a round trip)."""
    if theme not in THEMES:
        theme = "light"
    # Readable by folio.js, which switches the theme in place and rewrites this cookie.
    return _remember(request, next_path, THEME_COOKIE, theme, http_only=False)
