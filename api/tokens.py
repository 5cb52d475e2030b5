"""API tokens (访问令牌): who may call the API, with which role, over which
part of the map.

Neo4j Community has no roles, so the API keeps its own. A token is 32 random
bytes (``cg_`` + URL-safe base64); only its SHA-256 is kept, in
``$CIVICGRAPH_HOME/tokens.json`` (mode 600), so the clear token is seen once,
when it is made. Each token has a **role** — ``viewer`` reads, ``editor``
also changes needs and assignments, ``admin`` also uploads workbooks and
manages tokens — and an optional **scope**: a street or community id whose
subtree is all the token sees.

The file is re-read whenever it changes on disk, so a token made or revoked
with ``civicgraph token`` takes effect on a running server at once. Writers
take an exclusive lock on a lock file beside it and replace the file
atomically.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from graph.errors import CivicGraphError, NotFoundError
from graph.settings import Settings
from graph.text import NAME_MAX_LENGTH, control_character_problem

TOKEN_FILE = "tokens.json"
"""The file under ``$CIVICGRAPH_HOME`` that holds the token hashes."""

TOKEN_PREFIX = "cg_"
"""What every clear token starts with (so that a leaked one is recognisable)."""


class TokenStoreError(CivicGraphError):
    """The token file cannot be read or written, or a token is asked for with
    values it cannot take."""


class TokenStoreUnavailableError(TokenStoreError):
    """The token file exists but cannot be read or is damaged: no token can
    be checked until an administrator repairs it."""


class Role(StrEnum):
    """What a token may do; each role may do everything the one before it may."""

    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """0 for viewer, 1 for editor, 2 for admin."""
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        """Whether this role may do what ``needed`` may."""
        return self.rank >= needed.rank


ROLE_ZH: dict[Role, str] = {Role.VIEWER: "只读", Role.EDITOR: "编辑", Role.ADMIN: "管理员"}


@dataclass(frozen=True)
class ApiToken:
    """A token as kept (never the clear token).

    Attributes:
        id: a short public id (``t_`` + 8 hex digits) to list and revoke it by.
        name: a free note: whose it is, what for.
        role: viewer, editor or admin.
        scope_id: the street or community it is limited to (``None``: everything).
        scope_kind: ``street`` or ``community`` (``None`` without a scope).
        created: when it was made (ISO, UTC).
        token_hash: SHA-256 of the clear token, hex.
    """

    id: str
    name: str
    role: Role
    scope_id: str | None
    scope_kind: str | None
    created: str
    token_hash: str

    def public_json(self) -> dict[str, Any]:
        """The token without its hash."""
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role.value,
            "scope_id": self.scope_id,
            "scope_kind": self.scope_kind,
            "created": self.created,
        }


def hash_token(clear: str) -> str:
    """The SHA-256 of a clear token, as kept in the file."""
    return hashlib.sha256(clear.encode("utf-8")).hexdigest()


class TokenStore:
    """The token file: create, list, revoke, verify.

    Args:
        path: the file (``$CIVICGRAPH_HOME/tokens.json``).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._tokens: list[ApiToken] = []
        self._by_hash: dict[str, ApiToken] = {}

    @classmethod
    def for_settings(cls, settings: Settings) -> TokenStore:
        """The store of ``$CIVICGRAPH_HOME``."""
        return cls(Path(settings.civicgraph_home) / TOKEN_FILE)

    def tokens(self) -> list[ApiToken]:
        """Every token, oldest first."""
        with self._lock:
            self._refresh()
            return list(self._tokens)

    def verify(self, clear: str) -> ApiToken | None:
        """The token a clear token is, or ``None`` when it is unknown or revoked."""
        if not clear.startswith(TOKEN_PREFIX) or len(clear) > 200:
            return None
        with self._lock:
            self._refresh()
            return self._by_hash.get(hash_token(clear))

    def create(
        self,
        role: Role,
        *,
        scope_id: str | None = None,
        scope_kind: str | None = None,
        name: str = "",
    ) -> tuple[ApiToken, str]:
        """Make a token.

        Args:
            role: its role.
            scope_id: the street or community it is limited to.
            scope_kind: ``street`` or ``community``, with ``scope_id``.
            name: a note.

        Returns:
            The token as kept, and the clear token (shown once, kept nowhere).

        Raises:
            TokenStoreError: a scope without its kind, or the file cannot be written.
        """
        if (scope_id is None) != (scope_kind is None) or scope_kind not in (
            None,
            "street",
            "community",
        ):
            raise TokenStoreError("a scope is a street or a community id, with its kind")
        problem = control_character_problem(name)
        if problem is not None:
            raise TokenStoreError(f"a token's name may not hold a {problem}")
        clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(
            id="t_" + secrets.token_hex(4),
            name=" ".join(name.split())[:NAME_MAX_LENGTH],
            role=role,
            scope_id=scope_id,
            scope_kind=scope_kind,
            created=datetime.now(UTC).replace(microsecond=0).isoformat(),
            token_hash=hash_token(clear),
        )
        with self._writing() as tokens:
            tokens.append(token)
        return token, clear

    def revoke(self, token_id: str) -> ApiToken:
        """Delete a token by its id.

        Raises:
            NotFoundError: no token has that id.
        """
        with self._writing() as tokens:
            for position, token in enumerate(tokens):
                if token.id == token_id:
                    del tokens[position]
                    return token
        raise NotFoundError(token_id, "token")

    @contextmanager
    def _writing(self) -> Iterator[list[ApiToken]]:
        """The tokens to change, under the file lock; written back on exit."""
        self._ensure_folder()
        lock_path = self.path.with_name(self.path.name + ".lock")
        with self._lock, open(os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)) as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            tokens = self._read()
            yield tokens
            self._write(tokens)
            self._stamp = None

    def _ensure_folder(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as error:
            raise TokenStoreError(f"cannot create {self.path.parent}: {error}") from error

    def _refresh(self) -> None:
        try:
            status = self.path.stat()
        except FileNotFoundError:
            self._stamp, self._tokens, self._by_hash = None, [], {}
            return
        stamp = (status.st_mtime_ns, status.st_size, status.st_ino)
        if stamp != self._stamp:
            self._tokens = self._read()
            self._by_hash = {token.token_hash: token for token in self._tokens}
            self._stamp = stamp

    def _read(self) -> list[ApiToken]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except OSError as error:
            raise TokenStoreUnavailableError(f"cannot read {self.path}: {error}") from error
        try:
            entries = json.loads(text)["tokens"]
            return [
                ApiToken(**{**entry, "role": Role(entry["role"])})
                for entry in entries
                if isinstance(entry, dict)
            ]
        except (ValueError, KeyError, TypeError) as error:
            raise TokenStoreUnavailableError(f"{self.path} is not a token file: {error}") from error

    def _write(self, tokens: list[ApiToken]) -> None:
        document = {"tokens": [{**asdict(token), "role": token.role.value} for token in tokens]}
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            descriptor = os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
            with open(descriptor, "w", encoding="utf-8") as handle:
                json.dump(document, handle, ensure_ascii=False, indent=2)
                handle.write("\n")
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.path)
        except OSError as error:
            raise TokenStoreError(f"cannot write {self.path}: {error}") from error
