/*
 * The civicgraph local Neo4j: opens the embedded Neo4j Community DBMS with its
 * Bolt connector on 127.0.0.1, with authentication on, and keeps it running
 * until SIGTERM or until its parent closes standard input (with --watch-stdin).
 *
 * On start it makes sure the `neo4j` user's password equals the one kept in
 * the password file (generating one on first start, readable by its owner
 * only), then writes a state file naming its pid, port and version. The state
 * file is removed on a clean shutdown; a state file left behind by a crash is
 * recognised as stale by its dead pid.
 *
 * Usage: java [jvm flags] -cp LIB/* Launcher --home DIR --port N
 *             --password-file FILE --state-file FILE [--pagecache BYTES]
 *             [--watch-stdin]
 */

import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryExecutionException;

public final class Launcher {
    private static final String HOST = "127.0.0.1";
    private static final int PORT_ATTEMPTS = 8;
    /**
     * Relationships a node has before the store groups them by type
     * ({@code db.relationship_grouping_threshold}; Neo4j's default is 50).
     * Below it, reading one type of a node's relationships walks all of
     * them. A service, a project, a place or an organization has a dozen or
     * so, of several types, and matching reads them one type at a time: a
     * service's category past the needs assigned to it, an organization's
     * services past its members. Grouped, a need's candidates cost Neo4j
     * two fifths fewer reads. A need or a person has three or fewer and
     * stays as it is. A node is grouped when a relationship is written to
     * it past the threshold: a store loaded with this setting is grouped
     * throughout.
     */
    private static final int RELATIONSHIP_GROUPING_THRESHOLD = 8;

    private Launcher() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable error) {
            // Neo4j's own threads would keep a half-started JVM alive: exit, so
            // that the shutdown hook (if registered) closes the database and the
            // starter sees the failure at once.
            System.err.println("civicgraph: the local Neo4j failed to start: " + error);
            error.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        Path home = Path.of(require(options, "--home")).toAbsolutePath();
        Path passwordFile = Path.of(require(options, "--password-file")).toAbsolutePath();
        Path stateFile = Path.of(require(options, "--state-file")).toAbsolutePath();
        int requestedPort = Integer.parseInt(options.getOrDefault("--port", "0"));
        long pagecache = Long.parseLong(options.getOrDefault("--pagecache", "0"));
        boolean watchStdin = options.containsKey("--watch-stdin");

        Files.createDirectories(home);
        DatabaseManagementService service = null;
        int port = requestedPort > 0 && portIsFree(requestedPort) ? requestedPort : freePort();
        for (int attempt = 1; service == null; attempt++) {
            try {
                service = open(home, port, pagecache);
            } catch (RuntimeException e) {
                if (!isBindFailure(e) || attempt >= PORT_ATTEMPTS) {
                    throw e;
                }
                // The preferred port is taken, or another process took the free
                // one between our probe and the bind: try another.
                System.err.println("civicgraph: port " + port + " is taken, trying another");
                port = freePort();
            }
        }

        CountDownLatch stopped = new CountDownLatch(1);
        DatabaseManagementService running = service;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(stateFile);
            } catch (IOException ignored) {
                // The pid check recognises a leftover state file as stale.
            }
            running.shutdown();
            stopped.countDown();
        }, "civicgraph-shutdown"));

        String password = ensurePassword(service, passwordFile);
        String version = neo4jVersion(service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME));
        writeState(stateFile, port, version, home, passwordFile);
        System.out.println("civicgraph: Neo4j " + version + " ready on bolt://" + HOST + ":" + port
                + " (password " + (password.isEmpty() ? "unset" : "in " + passwordFile) + ")");
        System.out.flush();

        if (watchStdin) {
            Thread watcher = new Thread(() -> {
                waitForEndOfInput(System.in);
                System.exit(0);
            }, "civicgraph-stdin-watch");
            watcher.setDaemon(true);
            watcher.start();
        }
        stopped.await();
    }

    private static DatabaseManagementService open(Path home, int port, long pagecache) {
        SocketAddress address = new SocketAddress(HOST, port);
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, address)
                .setConfig(BoltConnector.advertised_address, address)
                // Keep-alive for every request (ALL) would also send the driver a
                // receive timeout, and the Python driver then wraps each socket
                // read in a timed task: a seventh of its work on a short query.
                // A server on the same host is never silently cut off; results
                // being streamed still get their keep-alive messages.
                .setConfig(BoltConnector.connection_keep_alive_type,
                        BoltConnector.KeepAliveRequestType.STREAMING)
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress(HOST))
                .setConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress(HOST))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(30))
                .setConfig(GraphDatabaseSettings.dense_node_threshold, RELATIONSHIP_GROUPING_THRESHOLD);
        if (pagecache > 0) {
            builder.setConfig(GraphDatabaseSettings.pagecache_memory, pagecache);
        }
        return builder.build();
    }

    private static boolean isBindFailure(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return true;
            }
            String message = String.valueOf(cause.getMessage());
            if (message.contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    private static boolean portIsFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /**
     * Sets the `neo4j` user's password to the one in the password file,
     * generating and saving one (mode 600) when the file does not exist yet.
     * The embedded system database is reached without authentication, so this
     * also recovers a database whose password file was lost.
     */
    private static String ensurePassword(DatabaseManagementService service, Path passwordFile)
            throws IOException {
        String password;
        if (Files.exists(passwordFile)) {
            password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        } else {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            writeOwnerOnly(passwordFile, password + "\n");
        }
        GraphDatabaseService system = service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (QueryExecutionException e) {
            // Neo4j refuses to set a password equal to the current one: then
            // the password already matches the file, which is what we want.
            if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                throw e;
            }
        }
        return password;
    }

    private static String neo4jVersion(GraphDatabaseService system) {
        return system.executeTransactionally(
                "CALL dbms.components() YIELD versions RETURN versions[0] AS version",
                Map.of(),
                result -> String.valueOf(result.next().get("version")));
    }

    private static void writeState(Path stateFile, int port, String version, Path home, Path passwordFile)
            throws IOException {
        String json = "{"
                + "\"pid\": " + ProcessHandle.current().pid() + ", "
                + "\"port\": " + port + ", "
                + "\"uri\": \"bolt://" + HOST + ":" + port + "\", "
                + "\"version\": \"" + escape(version) + "\", "
                + "\"home\": \"" + escape(home.toString()) + "\", "
                + "\"password_file\": \"" + escape(passwordFile.toString()) + "\""
                + "}\n";
        Path temporary = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
        Files.createDirectories(stateFile.getParent());
        Files.writeString(temporary, json, StandardCharsets.UTF_8);
        try {
            Files.move(temporary, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, stateFile, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void waitForEndOfInput(InputStream input) {
        byte[] buffer = new byte[256];
        try {
            while (true) {
                int read = input.read(buffer);
                if (read < 0) {
                    return;
                }
                String text = new String(buffer, 0, read, StandardCharsets.UTF_8);
                if (text.contains("stop")) {
                    return;
                }
            }
        } catch (IOException e) {
            // A broken pipe means the parent is gone: shut down as well.
        }
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--watch-stdin")) {
                options.put(name, "true");
            } else if (name.startsWith("--") && i + 1 < args.length) {
                options.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("unexpected argument: " + name);
            }
        }
        return options;
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return value;
    }
}
