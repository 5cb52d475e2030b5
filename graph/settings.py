"""Settings, read from the environment and from a ``.env`` file in the working
folder.

``NEO4J_URI`` unset means "use the project's own local Neo4j": the URI and the
password then come from the running local instance (``graph.server``), and the
user is ``neo4j``.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _data_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "civicgraph"


def _cache_home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "civicgraph"


class Settings(BaseSettings):
    """Everything civicgraph reads from its environment.

    Attributes:
        neo4j_uri: ``bolt://``, ``neo4j://`` or ``neo4j+s://`` URI of a Neo4j
            server or cluster; unset for the local Neo4j.
        neo4j_user: the database user.
        neo4j_password: the password; for the local Neo4j it is read from
            the password file in ``civicgraph_home`` instead.
        neo4j_database: the database name; unset for the server's default.
        civicgraph_home: where the local Neo4j keeps its data, password and
            state, and where the API keeps its tokens.
        civicgraph_cache: where the Neo4j jars and the compiled launcher go.
        civicgraph_neo4j_heap: the local Neo4j's JVM heap (``-Xmx``).
        civicgraph_neo4j_pagecache: the local Neo4j's page cache.
        civicgraph_neo4j_start_timeout: seconds to wait for the local Neo4j.
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr | None = None
    neo4j_database: str | None = None
    civicgraph_home: Path = Field(default_factory=_data_home)
    civicgraph_cache: Path = Field(default_factory=_cache_home)
    civicgraph_neo4j_heap: str = "4g"
    civicgraph_neo4j_pagecache: str = "2g"
    civicgraph_neo4j_start_timeout: float = 180.0


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
