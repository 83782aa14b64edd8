"""``folio tokens``: personal API tokens for scripts and integrations.

The secret is printed once, on creation, and stored only as a hash.
"""

from __future__ import annotations

from enum import StrEnum

import typer
from rich.markup import escape

from folio.auth.service import get_user
from folio.auth.tokens import create_api_token, list_api_tokens, revoke_api_token
from folio.cli_support import Format, cli_session, emit, err, out

app = typer.Typer(help="Personal API tokens (Authorization: Bearer ...).", no_args_is_help=True)


class Scope(StrEnum):
    read = "read"
    write = "write"


@app.command("create")
def create(
    email: str = typer.Argument(..., help="The user the token acts for"),
    name: str = typer.Option(..., "--name", help="What the token is for, e.g. 'nightly export'"),
    scope: Scope = typer.Option(Scope.read, "--scope", help="read: reports and lists only"),
    expires_in_days: int | None = typer.Option(None, "--expires-in-days", min=1, max=3650,
                                               help="Expire after so many days"),
) -> None:
    """Create a token and print its secret once (stdout: the secret alone)."""
    with cli_session(write=True) as session:
        token, plain = create_api_token(session, get_user(session, email), name, scope.value,
                                        expires_in_days)
    err.print(f"Created token {token.id} [bold]{escape(token.name)}[/] ({token.scope}) for "
              f"{escape(email)}. Copy it now; it is not shown again.", highlight=False)
    typer.echo(plain)


@app.command("list")
def list_(
    email: str = typer.Argument(..., help="Whose tokens"),
    fmt: Format = typer.Option(Format.table, "--format", help="table, csv or json"),
) -> None:
    """List a user's tokens (never their secrets)."""
    with cli_session() as session:
        tokens = list_api_tokens(session, get_user(session, email))
        rows = [{"id": t.id, "name": t.name, "prefix": t.prefix, "scope": t.scope,
                 "created_at": t.created_at.isoformat(timespec="seconds"),
                 "last_used_at": t.last_used_at.isoformat(timespec="seconds")
                 if t.last_used_at else "",
                 "expires_at": t.expires_at.isoformat(timespec="seconds") if t.expires_at else "",
                 "revoked": t.revoked_at is not None} for t in tokens]
    header = ["id", "name", "prefix", "scope", "created_at", "last_used_at", "expires_at",
              "revoked"]
    emit(fmt, {"tokens": rows}, (header, [[str(r[h]) for h in header] for r in rows]),
         title=f"API tokens of {email}")


@app.command("revoke")
def revoke(email: str = typer.Argument(..., help="Whose token"),
           token_id: int = typer.Argument(..., help="The token's id (see tokens list)")) -> None:
    """Revoke a token; requests with it get 401 from now on."""
    with cli_session(write=True) as session:
        token = revoke_api_token(session, get_user(session, email), token_id)
    out.print(f"Revoked token {token.id} ({escape(token.name)}).", highlight=False)
