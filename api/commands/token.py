"""``civicgraph token create / list / revoke``: the API's access tokens (访问令牌).

``create`` prints the clear token once — only its SHA-256 is kept, in
``$CIVICGRAPH_HOME/tokens.json`` (mode 600); ``list`` never shows secrets.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from api.console import JsonOption, app, console, open_graph, print_json, say
from api.services.tokens import token_created, token_public
from api.tokens import ROLE_ZH, Role, TokenStore
from graph.errors import NotFoundError
from graph.settings import get_settings
from queries.nodes import scope_place

token_app = typer.Typer(
    help="API access tokens (访问令牌): roles viewer, editor, admin; optional scope.",
    no_args_is_help=True,
)
app.add_typer(token_app, name="token")


def _store() -> TokenStore:
    return TokenStore.for_settings(get_settings())


@token_app.command("create")
def token_create(
    role: Annotated[Role, typer.Option("--role", help="viewer, editor or admin")],
    scope: Annotated[
        str | None, typer.Option("--scope", help="a street or community id: only its subtree")
    ] = None,
    name: Annotated[str, typer.Option("--name", help="a note: whose, what for")] = "",
    json_output: JsonOption = False,
) -> None:
    """Make a token and print it once (新建令牌)."""
    scope_kind = None
    if scope is not None:
        place = scope_place(open_graph(), scope)
        if place is None:
            raise NotFoundError(scope, "street or community")
        scope_kind = place.kind
    token, clear = _store().create(role, scope_id=scope, scope_kind=scope_kind, name=name)
    if json_output:
        print_json(token_created(token, clear).model_dump(mode="json"))
        return
    where = f", scope {scope_kind} {scope}" if scope else ""
    say(f"token {token.id}: {role.value} ({ROLE_ZH[role]}){where} — shown once, keep it safe")
    console.print(clear, highlight=False)


@token_app.command("list")
def token_list(json_output: JsonOption = False) -> None:
    """Every token, without its secret (令牌列表)."""
    tokens = _store().tokens()
    if json_output:
        print_json([token_public(token).model_dump(mode="json") for token in tokens])
        return
    table = Table(title="令牌 · tokens")
    for column in ("id", "role", "scope", "name", "created"):
        table.add_column(column)
    for token in tokens:
        scope = f"{token.scope_kind} {token.scope_id}" if token.scope_id else "—"
        table.add_row(token.id, token.role.value, scope, token.name, token.created)
    console.print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(help="the token's id (t_…)")],
    json_output: JsonOption = False,
) -> None:
    """Delete a token; it stops working at once (吊销令牌)."""
    token = _store().revoke(token_id)
    if json_output:
        print_json({"revoked": token_public(token).model_dump(mode="json")})
    else:
        console.print(f"revoked {token.id} ({token.role.value})")
