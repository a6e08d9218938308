"""`readingroom api-token create|list|revoke`: the staff keys for the JSON API's write endpoints."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from .app import app, fail, open_archive, out

token_app = typer.Typer(help="API tokens for staff: the key for the JSON API's write endpoints.",
                        no_args_is_help=True)
app.add_typer(token_app, name="api-token")


@token_app.command("create")
def create(
    username: Annotated[str, typer.Argument(help="A staff user's username")],
    name: Annotated[str, typer.Option("--name", help="What the token is for")] = "",
) -> None:
    """Make a token for a staff user and print its key (shown this once; only its hash is kept)."""
    open_archive()
    from django.contrib.auth import get_user_model

    from readingroom.api import tokens

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        fail(f"no user {username!r} (create one with `python -m django createsuperuser`)")
    if not user.is_staff or not user.is_active:
        fail(f"{username} is not active staff: API tokens are for staff")
    token, key = tokens.issue(user, name)
    out.print(key, highlight=False)
    typer.echo(f"Token {token.prefix}… for {username} made: send it as 'Authorization: Bearer <key>'; "
               "it is not shown again.", err=True)


@token_app.command("list")
def list_tokens() -> None:
    """Every token: its prefix, user, purpose, when made and last used, and whether revoked."""
    open_archive()
    from readingroom.api.models import ApiToken

    table = Table("prefix", "user", "name", "created", "last used", "revoked")
    rows = ApiToken.objects.select_related("user")
    for t in rows:
        table.add_row(t.prefix, t.user.get_username(), t.name, f"{t.created:%Y-%m-%d %H:%M}",
                      f"{t.last_used:%Y-%m-%d %H:%M}" if t.last_used else "",
                      f"{t.revoked:%Y-%m-%d %H:%M}" if t.revoked else "")
    out.print(table)
    out.print(f"{len(rows)} token(s)")


@token_app.command("revoke")
def revoke(prefix: Annotated[str, typer.Argument(help="The token's prefix, as `list` shows it")]) -> None:
    """Revoke a token: it stops working at once."""
    open_archive()
    from readingroom.api import tokens

    if not tokens.revoke(prefix):
        fail(f"no active token {prefix}")
    out.print(f"Token {prefix}… revoked")
