"""The local Neo4j that civicgraph starts itself when ``NEO4J_URI`` is unset.

The Neo4j Community jars are resolved from Maven Central once, with
``mvn dependency:copy-dependencies`` on the project's small ``pom.xml``, into
the cache folder; the launcher (``Launcher.java``) is compiled once next to
them. A start spawns the launcher as a detached process that outlives the
command that started it, with its data under ``$CIVICGRAPH_HOME/neo4j``. The
launcher writes a state file (pid, port, version) when the database is ready
and removes it on a clean shutdown; a state file whose process is gone is
stale and is cleared. Stopping sends SIGTERM and waits: a healthy database is
never killed.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from graph.errors import ConfigurationError, DatabaseUnavailableError, SetupError
from graph.settings import Settings

LOCAL_USER = "neo4j"
HOST = "127.0.0.1"

JVM_FLAGS: tuple[str, ...] = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
)
"""The JVM flags Neo4j's own ``neo4j.conf`` passes (``server.jvm.additional``)."""

MINIMUM_JAVA = 17
_MEMORY_SIZE = re.compile(r"^(\d+)([kmg]?)$", re.IGNORECASE)
_NO_JAVA_HINT = (
    "install OpenJDK 17 (Debian: apt-get install openjdk-17-jdk-headless), "
    "or set NEO4J_URI to an existing Neo4j server"
)

Echo = Callable[[str], None]


def _silent(_: str) -> None:
    return None


def neo4j_version() -> str:
    """The Neo4j version pinned in the project's ``pom.xml``."""
    pom = resources.files("graph.server").joinpath("pom.xml").read_text(encoding="utf-8")
    namespace = {"m": "http://maven.apache.org/POM/4.0.0"}
    element = ElementTree.fromstring(pom).find("m:properties/m:neo4j.version", namespace)
    if element is None or not element.text:
        raise SetupError("graph/server/pom.xml names no neo4j.version")
    return element.text.strip()


def memory_bytes(size: str, setting: str) -> int:
    """Parse a JVM-style size (``512m``, ``2g``) into bytes.

    Raises:
        ConfigurationError: when ``size`` is not such a size.
    """
    match = _MEMORY_SIZE.match(size.strip())
    if match is None:
        raise ConfigurationError(f"{setting}={size!r} is not a size like 512m or 2g")
    number, unit = int(match.group(1)), match.group(2).lower()
    return number * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit]


@dataclass(frozen=True)
class ServerStatus:
    """What ``civicgraph neo4j status`` reports."""

    running: bool
    uri: str | None
    pid: int | None
    version: str | None
    home: Path
    user: str
    password_file: Path

    def to_json(self) -> dict[str, Any]:
        """The status as DESIGN.md's ``status --json`` object."""
        return {
            "running": self.running,
            "uri": self.uri,
            "pid": self.pid,
            "version": self.version,
            "home": str(self.home),
            "user": self.user,
            "password_file": str(self.password_file),
        }


@dataclass(frozen=True)
class JavaTools:
    """The Java runtime and compiler the local Neo4j runs with."""

    java: Path
    javac: Path | None
    major_version: int


def find_java(settings_path: str | None = None) -> JavaTools:
    """Find ``java`` (``JAVA_HOME`` first, then ``PATH``) and check its version.

    Args:
        settings_path: a ``PATH`` to search instead of the process's own.

    Raises:
        SetupError: when no Java 17 or newer is found.
    """
    search_path = settings_path if settings_path is not None else os.environ.get("PATH", "")
    java_home = os.environ.get("JAVA_HOME")
    candidates: list[Path] = []
    if java_home:
        candidates.append(Path(java_home) / "bin" / "java")
    found = shutil.which("java", path=search_path)
    if found:
        candidates.append(Path(found))
    java = next((path for path in candidates if path.is_file() and os.access(path, os.X_OK)), None)
    if java is None:
        raise SetupError(
            f"the local Neo4j needs Java {MINIMUM_JAVA} and none was found: {_NO_JAVA_HINT}"
        )
    try:
        probe = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError as error:
        raise SetupError(f"cannot run {java}: {error}; {_NO_JAVA_HINT}") from error
    match = re.search(r'version "(\d+)(?:\.(\d+))?', probe.stderr + probe.stdout)
    if match is None:
        raise SetupError(f"cannot tell the version of {java}; {_NO_JAVA_HINT}")
    major = int(match.group(1))
    if major == 1 and match.group(2):
        major = int(match.group(2))
    if major < MINIMUM_JAVA:
        raise SetupError(
            f"{java} is Java {major}; the local Neo4j needs Java {MINIMUM_JAVA} "
            f"or newer: {_NO_JAVA_HINT}"
        )
    javac = java.with_name("javac")
    if not javac.is_file():
        found_javac = shutil.which("javac", path=search_path)
        javac = Path(found_javac) if found_javac else javac
    return JavaTools(java=java, javac=javac if javac.is_file() else None, major_version=major)


class LocalNeo4j:
    """The project's own Neo4j, in ``$CIVICGRAPH_HOME``.

    Args:
        settings: where the home and cache folders are, and the memory sizes.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.home = settings.civicgraph_home.expanduser().resolve()
        self.neo4j_home = self.home / "neo4j"
        self.password_file = self.home / "neo4j-password"
        self.state_file = self.home / "neo4j.json"
        self.port_file = self.home / "neo4j.port"
        self.lock_file = self.home / "neo4j.lock"
        self.console_log = self.neo4j_home / "logs" / "console.log"
        self.version = neo4j_version()
        self.runtime = settings.civicgraph_cache.expanduser().resolve() / f"neo4j-{self.version}"

    # installation ---------------------------------------------------------

    @property
    def lib(self) -> Path:
        """The folder of resolved jars."""
        return self.runtime / "lib"

    def installed(self) -> bool:
        """Whether the jars are resolved and the launcher compiled."""
        return (self.runtime / ".resolved").is_file() and self._launcher_classes().joinpath(
            "Launcher.class"
        ).is_file()

    def install(self, echo: Echo = _silent) -> JavaTools:
        """Resolve the jars with Maven and compile the launcher, once.

        Args:
            echo: where to say what is being done (only when work is done).

        Raises:
            SetupError: when Java, the Java compiler or Maven is missing, or
                Maven cannot resolve the jars.
        """
        java = find_java()
        if not (self.runtime / ".resolved").is_file():
            self._resolve_jars(echo)
        classes = self._launcher_classes()
        if not (classes / "Launcher.class").is_file():
            self._compile_launcher(java, classes, echo)
        return java

    def _resolve_jars(self, echo: Echo) -> None:
        maven = shutil.which("mvn")
        if maven is None:
            raise SetupError(
                "the local Neo4j's jars are resolved with Maven once, and `mvn` was not found: "
                "install Maven (Debian: apt-get install maven), or set NEO4J_URI to an "
                "existing Neo4j server"
            )
        echo(f"Resolving Neo4j {self.version} from Maven Central into {self.lib} (once) ...")
        self.runtime.mkdir(parents=True, exist_ok=True)
        pom = self.runtime / "pom.xml"
        pom.write_text(
            resources.files("graph.server").joinpath("pom.xml").read_text(encoding="utf-8"),
            encoding="utf-8",
        )
        staging = self.runtime / "lib.partial"
        shutil.rmtree(staging, ignore_errors=True)
        command = [
            maven,
            "-B",
            "-q",
            "-f",
            str(pom),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={staging}",
            "-DincludeScope=runtime",
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            detail = _last_lines(result.stdout + result.stderr, 5)
            raise SetupError(f"Maven could not resolve Neo4j {self.version}: {detail}")
        shutil.rmtree(self.lib, ignore_errors=True)
        staging.rename(self.lib)
        (self.runtime / ".resolved").write_text(self.version + "\n", encoding="utf-8")

    def _launcher_source(self) -> bytes:
        return resources.files("graph.server").joinpath("Launcher.java").read_bytes()

    def _launcher_classes(self) -> Path:
        digest = hashlib.sha256(self._launcher_source()).hexdigest()[:12]
        return self.runtime / f"launcher-{digest}"

    def _compile_launcher(self, java: JavaTools, classes: Path, echo: Echo) -> None:
        if java.javac is None:
            raise SetupError(
                f"the launcher of the local Neo4j is compiled once with javac, which is missing "
                f"next to {java.java}: install a JDK (Debian: apt-get install "
                f"openjdk-17-jdk-headless), or set NEO4J_URI to an existing Neo4j server"
            )
        echo("Compiling the local Neo4j launcher (once) ...")
        staging = classes.with_name(classes.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        source = staging / "Launcher.java"
        source.write_bytes(self._launcher_source())
        command = [
            str(java.javac),
            "-nowarn",
            "-d",
            str(staging),
            "-cp",
            str(self.lib / "*"),
            str(source),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise SetupError(f"javac failed on the launcher: {_last_lines(result.stderr, 5)}")
        shutil.rmtree(classes, ignore_errors=True)
        staging.rename(classes)

    # life cycle -------------------------------------------------------------

    def status(self) -> ServerStatus:
        """The state of the local Neo4j, from its state file and its process."""
        state = self._read_state()
        running = state is not None and _process_alive(int(state["pid"]), self.neo4j_home)
        if running and state is not None and not _port_open(int(state["port"])):
            running = False
        return ServerStatus(
            running=running,
            uri=str(state["uri"]) if running and state else None,
            pid=int(state["pid"]) if running and state else None,
            version=str(state["version"]) if running and state else self.version,
            home=self.home,
            user=LOCAL_USER,
            password_file=self.password_file,
        )

    def start(self, echo: Echo = _silent) -> ServerStatus:
        """Start the local Neo4j, or reuse the one running.

        Args:
            echo: where to say what is being done.

        Returns:
            The status of the running instance.

        Raises:
            SetupError: Java or Maven missing.
            DatabaseUnavailableError: the database did not come up.
        """
        self._ensure_home()
        with self._locked():
            status = self.status()
            if status.running:
                return status
            self._clear_stale_state()
            java = self.install(echo)
            echo(f"Starting the local Neo4j {self.version} in {self.neo4j_home} ...")
            process = self._spawn(java)
            return self._wait_until_ready(process)

    def stop(self, timeout: float = 300.0) -> bool:
        """Stop the local Neo4j cleanly (SIGTERM, then wait).

        Args:
            timeout: seconds to wait for a clean shutdown.

        Returns:
            Whether an instance was running and was stopped.

        Raises:
            DatabaseUnavailableError: it did not shut down within ``timeout``;
                it is left to finish rather than killed.
        """
        if not self.home.exists():
            return False
        with self._locked():
            state = self._read_state()
            if state is None or not _process_alive(int(state["pid"]), self.neo4j_home):
                self._clear_stale_state()
                return False
            pid = int(state["pid"])
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while _process_alive(pid, self.neo4j_home):
                if time.monotonic() > deadline:
                    raise DatabaseUnavailableError(
                        f"the local Neo4j (pid {pid}) is still shutting down after "
                        f"{timeout:.0f} s; it was left to finish: run `civicgraph neo4j status` "
                        "later"
                    )
                time.sleep(0.1)
            self._clear_stale_state()
            return True

    def password(self) -> str:
        """The local Neo4j's password, from the owner-only password file.

        Raises:
            ConfigurationError: the password file is missing.
        """
        try:
            return self.password_file.read_text(encoding="utf-8").strip()
        except FileNotFoundError as error:
            raise ConfigurationError(
                f"the local Neo4j's password file {self.password_file} is missing: "
                "start it with `civicgraph neo4j start`, which creates one"
            ) from error

    # internals --------------------------------------------------------------

    def _ensure_home(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True, mode=0o700)
        (self.neo4j_home / "logs").mkdir(parents=True, exist_ok=True)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialise starts and stops of this home across processes."""
        with open(self.lock_file, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _read_state(self) -> dict[str, Any] | None:
        try:
            state: dict[str, Any] = json.loads(self.state_file.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None
        return state if {"pid", "port", "uri"} <= state.keys() else None

    def _clear_stale_state(self) -> None:
        self.state_file.unlink(missing_ok=True)

    def _preferred_port(self) -> int:
        """The port used last time, so that the URI stays the same; 0 for any."""
        try:
            port = int(self.port_file.read_text(encoding="utf-8").strip())
        except (FileNotFoundError, ValueError):
            return 0
        return port if 1024 <= port <= 65535 else 0

    def _spawn(self, java: JavaTools) -> subprocess.Popen[bytes]:
        heap = self.settings.civicgraph_neo4j_heap
        memory_bytes(heap, "CIVICGRAPH_NEO4J_HEAP")
        pagecache = memory_bytes(
            self.settings.civicgraph_neo4j_pagecache, "CIVICGRAPH_NEO4J_PAGECACHE"
        )
        classpath = os.pathsep.join([str(self._launcher_classes()), str(self.lib / "*")])
        command = [
            str(java.java),
            f"-Xmx{heap}",
            *JVM_FLAGS,
            "-cp",
            classpath,
            "Launcher",
            "--home",
            str(self.neo4j_home),
            "--port",
            str(self._preferred_port()),
            "--password-file",
            str(self.password_file),
            "--state-file",
            str(self.state_file),
            "--pagecache",
            str(pagecache),
        ]
        log = open(self.console_log, "ab")  # noqa: SIM115 - handed to the child
        try:
            return subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.neo4j_home,
                start_new_session=True,
                close_fds=True,
            )
        finally:
            log.close()

    def _wait_until_ready(self, process: subprocess.Popen[bytes]) -> ServerStatus:
        timeout = self.settings.civicgraph_neo4j_start_timeout
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self._read_state()
            if state is not None and int(state["pid"]) == process.pid:
                self.port_file.write_text(f"{state['port']}\n", encoding="utf-8")
                return self.status()
            if process.poll() is not None:
                tail = _last_lines(_read_tail(self.console_log), 3)
                raise DatabaseUnavailableError(
                    f"the local Neo4j exited while starting (code {process.returncode}): {tail} "
                    f"— see {self.console_log}"
                )
            time.sleep(0.1)
        raise DatabaseUnavailableError(
            f"the local Neo4j did not come up within {timeout:.0f} s (pid {process.pid} still "
            f"starting); see {self.console_log}, or raise CIVICGRAPH_NEO4J_START_TIMEOUT"
        )


def _process_alive(pid: int, neo4j_home: Path) -> bool:
    """Whether ``pid`` is a live launcher of this home (not a reused pid, not a zombie)."""
    with contextlib.suppress(ChildProcessError):
        reaped, _ = os.waitpid(pid, os.WNOHANG)
        if reaped == pid:
            return False
    try:
        command_line = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        process_state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return False
    if process_state.rsplit(")", 1)[-1].split()[0] == "Z":
        return False
    return b"Launcher" in command_line and str(neo4j_home).encode() in command_line


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        return probe.connect_ex((HOST, port)) == 0


def _read_tail(path: Path, size: int = 16_384) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - size))
            return handle.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def _last_lines(text: str, count: int) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " | ".join(lines[-count:]) if lines else "(no output)"
