package dev.pgkeep.core.cluster;

import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.PostgresTools;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throwaway PostgreSQL cluster made by {@code initdb} in a temporary folder and run by {@code pg_ctl} on a free
 * loopback port, with scram-sha-256 password authentication over TCP. As root it runs the server as the
 * {@code postgres} OS user (initdb and pg_ctl refuse root), and every folder the server needs is that user's.
 * {@link #close()} stops the server and deletes the folder; clusters left by a killed JVM are removed by the next
 * {@link #start}. For demos, example applications and tests: {@code pgkeep demo} and the test kit's
 * {@code PostgresServer} both use it.
 */
public final class LocalCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);
    private static final String OS_USER = "postgres";
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration PSQL_TIMEOUT = Duration.ofMinutes(5);
    private static final int START_ATTEMPTS = 3;
    private static final String OWNER_FILE = "owner.pid";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path binDir;
    private final Path baseDir;
    private final Path dataDir;
    private final boolean asPostgresUser;
    private final int port;
    private final String superuser;
    private final String password;
    private boolean stopped;

    private LocalCluster(
            Path binDir, Path baseDir, boolean asPostgresUser, int port, String superuser, String password) {
        this.binDir = binDir;
        this.baseDir = baseDir;
        this.dataDir = baseDir.resolve("data");
        this.asPostgresUser = asPostgresUser;
        this.port = port;
        this.superuser = superuser;
        this.password = password;
    }

    /** Starts a cluster whose superuser is {@code postgres} with a random password. */
    public static LocalCluster start(Path binDir) {
        return start(binDir, OS_USER, randomPassword(24));
    }

    /**
     * Starts a cluster with the {@code initdb}, {@code pg_ctl} and {@code postgres} of {@code binDir}; fails with
     * the server's log when it does not start.
     */
    public static LocalCluster start(Path binDir, String superuser, String password) {
        return start(binDir, superuser, password, Map.of(), Map.of());
    }

    /**
     * A cluster whose {@code postgresql.conf} also holds {@code settings}, with {@code dataFiles} (e.g. a server
     * certificate and key) written into its data folder, owned by the server's user and readable only by it.
     */
    public static LocalCluster start(
            Path binDir,
            String superuser,
            String password,
            Map<String, String> settings,
            Map<String, byte[]> dataFiles) {
        boolean asPostgresUser = runningAsRoot();
        Path baseDir = null;
        try {
            baseDir = createBaseDir(asPostgresUser);
            removeClustersOfDeadJvms(baseDir.getParent(), binDir, asPostgresUser);
            Files.writeString(
                    baseDir.resolve(OWNER_FILE),
                    Long.toString(ProcessHandle.current().pid()));
            Path socketDir = Files.createDirectory(baseDir.resolve("sock"));
            Path passwordFile = baseDir.resolve("pwfile");
            Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
            if (asPostgresUser) {
                giveToPostgresUser(baseDir);
                giveToPostgresUser(socketDir);
                giveToPostgresUser(passwordFile);
            }
            Path dataDir = baseDir.resolve("data");
            ExternalCommand.Result initdb = runServerTool(
                    asPostgresUser,
                    baseDir,
                    INITDB_TIMEOUT,
                    binDir.resolve("initdb").toString(),
                    "-D",
                    dataDir.toString(),
                    "-U",
                    superuser,
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "--pwfile=" + passwordFile,
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-sync");
            Files.deleteIfExists(passwordFile);
            if (!initdb.succeeded()) {
                throw new IllegalStateException("initdb failed (exit " + initdb.exitCode() + "): "
                        + (initdb.stderr() + initdb.stdout()).strip());
            }
            configure(dataDir, settings, dataFiles, asPostgresUser);
            String lastFailure = "";
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                int port = freeLoopbackPort();
                LocalCluster cluster = new LocalCluster(binDir, baseDir, asPostgresUser, port, superuser, password);
                String failure = cluster.pgCtlStart(socketDir);
                if (failure == null) {
                    log.info("Started PostgreSQL from {} on 127.0.0.1:{} in {}", binDir, port, baseDir);
                    return cluster;
                }
                // another process may have taken the port between probing and binding; a new port fixes that
                lastFailure = failure;
            }
            throw new IllegalStateException(
                    "pg_ctl could not start PostgreSQL after " + START_ATTEMPTS + " attempts: " + lastFailure);
        } catch (IOException e) {
            deleteTree(baseDir);
            throw new IllegalStateException("Could not prepare a PostgreSQL cluster folder: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteTree(baseDir);
            throw e;
        }
    }

    private static void configure(
            Path dataDir, Map<String, String> settings, Map<String, byte[]> dataFiles, boolean asPostgresUser)
            throws IOException {
        for (Map.Entry<String, byte[]> file : dataFiles.entrySet()) {
            Path path = dataDir.resolve(file.getKey());
            Files.write(path, file.getValue());
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            if (asPostgresUser) {
                giveToPostgresUser(path);
            }
        }
        if (!settings.isEmpty()) {
            StringBuilder conf = new StringBuilder("\n# added by the test\n");
            settings.forEach((k, v) ->
                    conf.append(k).append(" = '").append(v.replace("'", "''")).append("'\n"));
            Files.writeString(
                    dataDir.resolve("postgresql.conf"),
                    conf,
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);
        }
    }

    /** Runs {@code pg_ctl start}; returns why it failed, or null when the server accepts connections. */
    private @Nullable String pgCtlStart(Path socketDir) {
        String options = "-p " + port + " -k " + socketDir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=50";
        Path logFile = baseDir.resolve("server-" + port + ".log");
        ExternalCommand.Result result = pgCtl("-l", logFile.toString(), "-w", "-t", "60", "-o", options, "start");
        if (result.succeeded()) {
            return null;
        }
        String serverLog = "";
        try {
            if (Files.exists(logFile)) {
                List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
                serverLog = String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
            }
        } catch (IOException e) {
            serverLog = "(server log unreadable: " + e.getMessage() + ")";
        }
        // pg_ctl may have left a half-started postmaster behind when -w timed out
        stopServer();
        return "exit " + result.exitCode() + ": " + (result.stderr() + result.stdout()).strip() + "\nserver log:\n"
                + serverLog;
    }

    /** {@code 127.0.0.1}. */
    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public String superuser() {
        return superuser;
    }

    /** The superuser's password; give it to client programs through the environment, never argv. */
    public String password() {
        return password;
    }

    /** The folder of the server programs (and, on most installs, of psql, pg_dump and pg_restore). */
    public Path binDir() {
        return binDir;
    }

    /** The temporary folder holding the data directory, the socket and the server log; gone after close. */
    public Path folder() {
        return baseDir;
    }

    /** How to connect to {@code database} on this cluster as the superuser. */
    public DatabaseConnection connection(String database) {
        return DatabaseConnection.of(host(), port, database, superuser, password);
    }

    /**
     * Runs {@code sql} (one or more statements, on standard input) with {@code psql -X -A -t -q -v ON_ERROR_STOP=1}
     * as the superuser and returns its standard output without trailing line breaks; fails with psql's error.
     */
    public String psql(String database, String sql) {
        return psql(binDir, connection(database), sql);
    }

    /** {@link #psql(String, String)} with the {@code psql} of {@code binDir}, for any server. */
    public static String psql(Path binDir, DatabaseConnection connection, String sql) {
        List<String> command =
                List.of(binDir.resolve("psql").toString(), "-X", "-A", "-t", "-q", "-w", "-v", "ON_ERROR_STOP=1");
        ExternalCommand.Result result =
                ExternalCommand.run(command, clientEnvironment(connection), null, sql, PSQL_TIMEOUT);
        if (!result.succeeded()) {
            throw new IllegalStateException("psql on database '" + connection.database() + "' failed (exit "
                    + result.exitCode() + "): " + result.stderr().strip());
        }
        return result.stdout().replaceAll("[\\r\\n]+$", "");
    }

    /** {@link #clientEnvironment(DatabaseConnection)} for {@code database} on this cluster as the superuser. */
    public Map<String, String> clientEnvironment(String database) {
        return clientEnvironment(connection(database));
    }

    /**
     * The environment for a libpq client program (psql, pg_dump) connecting as {@code connection} says: the
     * inherited one without any {@code PG*} variables (a developer's PGPORT must not redirect it), plus
     * {@code PGHOST}, {@code PGPORT}, {@code PGUSER}, {@code PGPASSWORD}, {@code PGDATABASE}.
     */
    public static Map<String, String> clientEnvironment(DatabaseConnection connection) {
        Map<String, String> env = new HashMap<>();
        System.getenv().forEach((k, v) -> {
            if (!k.startsWith("PG")) {
                env.put(k, v);
            }
        });
        env.putAll(connection.libpqEnvironment());
        env.put("PGCONNECT_TIMEOUT", "10");
        return env;
    }

    /** Stops the server at once (as a crash would) and starts it again on the same port with the same data. */
    public synchronized void restart() {
        stopServer();
        String failure = pgCtlStart(baseDir.resolve("sock"));
        if (failure != null) {
            throw new IllegalStateException("pg_ctl could not start PostgreSQL again: " + failure);
        }
    }

    /** Stops the server (immediate mode) and deletes its folder; safe to call twice and from a shutdown hook. */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        stopServer();
        deleteTree(baseDir);
    }

    /** Whether {@link #close()} ran. */
    public synchronized boolean closed() {
        return stopped;
    }

    private ExternalCommand.Result pgCtl(String... arguments) {
        List<String> argv = new ArrayList<>(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString()));
        argv.addAll(List.of(arguments));
        return runServerTool(asPostgresUser, baseDir, PG_CTL_TIMEOUT, argv.toArray(String[]::new));
    }

    private void stopServer() {
        if (!Files.exists(dataDir.resolve("postmaster.pid"))) {
            return;
        }
        ExternalCommand.Result result = pgCtl("-m", "immediate", "-w", "-t", "30", "stop");
        if (!result.succeeded()) {
            log.warn("pg_ctl stop failed for {}: {}", dataDir, (result.stderr() + result.stdout()).strip());
        }
    }

    @Override
    public String toString() {
        return "local cluster " + dataDir + " (" + binDir + ") on " + host() + ":" + port;
    }

    /** A password of {@code length} letters and digits (URL-safe), from a secure random source. */
    public static String randomPassword(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static ExternalCommand.Result runServerTool(
            boolean asPostgresUser, Path workingDirectory, Duration timeout, String... command) {
        List<String> argv = new ArrayList<>();
        if (asPostgresUser) {
            argv.addAll(List.of(runuser(), "-u", OS_USER, "--"));
        }
        argv.addAll(List.of(command));
        Map<String, String> env = new HashMap<>();
        for (Map.Entry<String, String> e : System.getenv().entrySet()) {
            // a PGDATA, PGPORT or PGOPTIONS from the developer's shell must not redirect the throwaway server
            if (!e.getKey().startsWith("PG")
                    && !e.getKey().startsWith("LC_")
                    && !e.getKey().equals("LANG")) {
                env.put(e.getKey(), e.getValue());
            }
        }
        env.put("LC_ALL", "C");
        return ExternalCommand.run(argv, env, workingDirectory, null, timeout);
    }

    private static String runuser() {
        for (String candidate : List.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("Running as root, but 'runuser' (util-linux) is missing; initdb refuses"
                + " root, so install util-linux or run the tests as a non-root user.");
    }

    /** Whether this JVM runs as root (then the server runs as the {@code postgres} OS user). */
    public static boolean runningAsRoot() {
        if ("root".equals(System.getProperty("user.name"))) {
            return true;
        }
        try {
            // /proc/self belongs to the effective user
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static Path createBaseDir(boolean asPostgresUser) throws IOException {
        Path parent = Path.of(System.getProperty("java.io.tmpdir"));
        if (asPostgresUser && !traversableByOthers(parent)) {
            // the postgres user must reach the cluster folder through every parent folder
            parent = Path.of("/tmp");
        }
        return Files.createTempDirectory(parent, "pgkeep-pg-");
    }

    /**
     * Stops and deletes clusters left by test JVMs that were killed (a postmaster outlives its JVM), so that aborted
     * runs do not pile up servers on a CI machine.
     */
    private static void removeClustersOfDeadJvms(Path parent, Path binDir, boolean asPostgresUser) {
        try (Stream<Path> dirs = Files.list(parent)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("pgkeep-pg-"))
                    .toList()) {
                Path owner = dir.resolve(OWNER_FILE);
                if (!Files.isRegularFile(owner)) {
                    continue; // being set up right now, or not ours
                }
                long pid = Long.parseLong(Files.readString(owner).strip());
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                log.info("Removing PostgreSQL cluster {} left by dead JVM {}", dir, pid);
                new LocalCluster(binDir, dir, asPostgresUser, 0, OS_USER, "").close();
            }
        } catch (IOException | RuntimeException e) {
            log.debug("Could not look for clusters of dead test JVMs in {}: {}", parent, e.toString());
        }
    }

    private static boolean traversableByOthers(Path dir) {
        try {
            for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            }
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static void giveToPostgresUser(Path path) throws IOException {
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        try {
            view.setOwner(lookup.lookupPrincipalByName(OS_USER));
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(OS_USER);
            view.setGroup(group);
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
            throw new IllegalStateException("Running as root, but there is no '" + OS_USER + "' OS user to run"
                    + " PostgreSQL as; create it (useradd --system postgres) or run the tests as a non-root user.");
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** Deletes a folder and everything in it, logging what it could not delete. */
    public static void deleteTree(@Nullable Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, @Nullable IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.warn("Could not delete {} completely: {}", root, e.getMessage());
        }
    }

    /**
     * The folder holding {@code program} (e.g. {@code initdb}): the first of {@code configured} (folders separated by
     * ':', as {@code PGKEEP_PG_BIN} gives them) that has it, else the newest {@code /usr/lib/postgresql/<major>/bin},
     * else PATH; fails with a message saying how to fix it.
     */
    public static Path locate(String program, @Nullable String configured) {
        if (configured != null && !configured.isBlank()) {
            // several folders (one per major, as pgkeep itself takes them): the first that has the program
            for (Path dir : PostgresTools.splitPath(configured)) {
                if (Files.isExecutable(dir.resolve(program))) {
                    return dir;
                }
            }
            throw new IllegalStateException("PGKEEP_PG_BIN=" + configured + " holds no executable '" + program
                    + "'; point it at PostgreSQL bin folders (e.g. /usr/lib/postgresql/15/bin), separated by ':'.");
        }
        return newestDebianBin(program)
                .or(() -> onPath(program))
                .orElseThrow(() -> new IllegalStateException("No PostgreSQL '" + program
                        + "' found in /usr/lib/postgresql/*/bin or on PATH; install PostgreSQL 15+ (apt-get install"
                        + " postgresql-15) or set PGKEEP_PG_BIN to its bin folder."));
    }

    private static Optional<Path> newestDebianBin(String program) {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(base)) {
            return versions.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> Files.isExecutable(p.resolve("bin").resolve(program)))
                    .max(Comparator.comparingInt(
                            p -> Integer.parseInt(p.getFileName().toString())))
                    .map(p -> p.resolve("bin"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(entry).resolve(program);
            if (Files.isExecutable(candidate)) {
                try {
                    // Debian's /usr/bin/psql is a wrapper script; the real folder keeps the tools of one version
                    // together
                    return Optional.of(candidate.toRealPath().getParent());
                } catch (IOException e) {
                    return Optional.of(candidate.getParent());
                }
            }
        }
        return Optional.empty();
    }
}
