"""``folio users``: create users and manage who belongs to which book.

Passwords come from stdin (``--password-stdin``) or a hidden prompt, never from an argument,
which would land in shell history and the process list; they are never printed.
"""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from folio.auth.roles import Role
from folio.auth.service import (
    LANGUAGES,
    add_member,
    create_user,
    get_user,
    list_users,
    memberships_of,
    remove_member,
)
from folio.books.service import get_book, resolve_book
from folio.cli_support import cli_session, fail, out

app = typer.Typer(help="Create users and manage their roles in books.", no_args_is_help=True)

ROLE_HELP = f"Role in the book: {'|'.join(Role)}"


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        # One line; the newline that `echo` or a here-string adds is not part of it.
        return sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@app.command("create")
def create(
    email: str = typer.Argument(..., help="Email address; the user signs in with it"),
    role: Role = typer.Option(..., "--role", help=ROLE_HELP),
    book_slug: str | None = typer.Option(None, "--book",
                                         help="The book (may be left out when there is one)"),
    name: str = typer.Option("", "--name", help="Display name (default: the email's name)"),
    language: str = typer.Option("en", "--language", help=f"Language: {'|'.join(LANGUAGES)}"),
    password_stdin: bool = typer.Option(False, "--password-stdin",
                                        help="Read the password from the first line of stdin"),
) -> None:
    """Create a user and make them a member of a book."""
    password = _read_password(password_stdin)
    if not password:
        fail("no password given")
    with cli_session(write=True) as session:
        book = resolve_book(session, book_slug)
        user = create_user(session, email, password, name, language)
        add_member(session, book, user, role)
        out.print(f"Created user [bold]{escape(user.email)}[/] as {role.value} "
                  f"of {book.slug}.", highlight=False)


@app.command("list")
def list_() -> None:
    """List users with their roles (tab-separated: email, name, active, book:role,...)."""
    with cli_session() as session:
        for user in list_users(session):
            books = ",".join(f"{book.slug}:{role.value}"
                             for book, role in memberships_of(session, user))
            active = "active" if user.is_active else "inactive"
            typer.echo(f"{user.email}\t{user.display_name}\t{active}\t{books}")


@app.command("add")
def add(
    email: str = typer.Argument(..., help="Email of an existing user"),
    book_slug: str = typer.Option(..., "--book", help="The book"),
    role: Role = typer.Option(..., "--role", help=ROLE_HELP),
) -> None:
    """Give an existing user a role in a book."""
    with cli_session(write=True) as session:
        book = get_book(session, book_slug)
        user = get_user(session, email)
        add_member(session, book, user, role)
        out.print(f"Added [bold]{escape(user.email)}[/] to {book.slug} as {role.value}.",
                  highlight=False)


@app.command("remove")
def remove(
    email: str = typer.Argument(..., help="Email of a member"),
    book_slug: str = typer.Option(..., "--book", help="The book"),
) -> None:
    """Take a user out of a book (the last owner stays)."""
    with cli_session(write=True) as session:
        book = get_book(session, book_slug)
        user = get_user(session, email)
        remove_member(session, book, user)
        out.print(f"Removed [bold]{escape(user.email)}[/] from {book.slug}.", highlight=False)


@app.command("setup-link")
def setup_link() -> None:
    """Print a fresh one-time link (24 hours) that creates the first administrator."""
    from folio.auth.setup import ensure_setup_link, startup_base_url
    from folio.db import get_engine
    from folio.settings import get_settings

    link = ensure_setup_link(get_engine(), startup_base_url(get_settings()))
    if link is None:
        fail("Folio already has users; sign in, or create one with `folio users create`")
    typer.echo(link)


@app.command("reset-link")
def reset_link(email: str = typer.Argument(..., help="Email of the user")) -> None:
    """Print a one-time link (1 hour) to choose a new password, for when mail is off."""
    from folio.auth.recovery import RESET_TTL, issue_link, link_url
    from folio.auth.setup import startup_base_url
    from folio.settings import get_settings

    with cli_session(write=True) as session:
        user = get_user(session, email)
        plain = issue_link(session, "reset", RESET_TTL, user)
    typer.echo(link_url(startup_base_url(get_settings()), plain))
