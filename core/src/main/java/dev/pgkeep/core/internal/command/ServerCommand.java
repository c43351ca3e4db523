package dev.pgkeep.core.internal.command;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupNotFoundException;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupSet;
import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreResult;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.SafetyGuardException;
import dev.pgkeep.core.ServerRestoreRequest;
import dev.pgkeep.core.ServerRestoreResult;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.internal.archive.CountingDigestOutputStream;
import dev.pgkeep.core.internal.postgres.PgTools;
import dev.pgkeep.core.internal.postgres.ProcessOutput;
import dev.pgkeep.core.internal.postgres.TargetDatabases;
import dev.pgkeep.core.internal.repository.ManifestJson;
import dev.pgkeep.core.internal.repository.RepositoryLayout;
import dev.pgkeep.core.spi.Codec;
import dev.pgkeep.core.spi.ProcessRunner.RunningProcess;
import dev.pgkeep.core.spi.StorageAdapter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code backup --all} and {@code restore --all}: a whole server as one set of its globals (roles, memberships, role
 * settings, tablespaces) and an ordinary backup per database, the set manifest written last; restored roles first,
 * then every database, onto a server that does not have them yet.
 */
public final class ServerCommand {
    private static final Logger log = LoggerFactory.getLogger(ServerCommand.class);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** The maintenance database: tools connect to it, and pgkeep never restores into it. */
    static final String MAINTENANCE = "postgres";
    /** {@code CREATE ROLE name;} as pg_dumpall writes it, one per line (names quoted when they need it). */
    private static final Pattern CREATE_ROLE =
            Pattern.compile("^CREATE ROLE (\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_$]*);$");

    private final CommandContext c;
    private final BackupCommand backups;
    private final RestoreCommand restores;

    public ServerCommand(CommandContext context, BackupCommand backups, RestoreCommand restores) {
        this.c = context;
        this.backups = backups;
        this.restores = restores;
    }

    /** Backs up the globals of {@code server} and every database it holds that the role may connect to. */
    public BackupSet backupAll(
            DatabaseConnection server, boolean rolePasswords, Trigger trigger, @Nullable String actor) {
        if (rolePasswords && c.encryptor().describe() == null) {
            throw new BadInputException("Role passwords go only into an encrypted repository: add a recipient to"
                    + " encrypt to, or leave the passwords out (the roles are still backed up, without them).");
        }
        DatabaseConnection maintenance = TargetDatabases.maintenance(server);
        Instant started = c.clock().instant();
        String id = "set-" + STAMP.format(started.truncatedTo(ChronoUnit.SECONDS)) + "-"
                + HexFormat.of().formatHex(random(4));
        String serverVersion = c.tools().serverVersion(maintenance);
        PgTools tools = c.tools().forServer(PgTools.major(serverVersion), "PostgreSQL " + serverVersion);
        BackupSet.Globals globals = dumpGlobals(tools, maintenance, id, rolePasswords);

        List<String> names = new ArrayList<>();
        for (String line : c.tools()
                .psql(
                        maintenance,
                        "SELECT datname FROM pg_database WHERE NOT datistemplate AND datallowconn"
                                + " AND has_database_privilege(datname, 'CONNECT') ORDER BY datname")
                .stdout()
                .split("\n")) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        List<String> skipped = names.contains(MAINTENANCE) ? List.of(MAINTENANCE) : List.of();
        names.remove(MAINTENANCE);
        List<BackupSet.Part> parts = new ArrayList<>();
        for (String name : names) {
            try {
                BackupManifest m = backups.run(new BackupRequest(server.withDatabase(name), id, trigger, actor, null))
                        .manifest();
                parts.add(new BackupSet.Part(name, m.id(), null));
            } catch (PgkeepException e) {
                log.error("Whole-server backup {}: database {} failed: {}", id, name, e.getMessage());
                parts.add(new BackupSet.Part(name, null, e.getMessage()));
            }
        }
        BackupSet set = new BackupSet(
                BackupSet.FORMAT_VERSION,
                id,
                serverVersion,
                started,
                c.clock().instant(),
                globals,
                parts,
                skipped,
                parts.stream().allMatch(BackupSet.Part::ok));
        write(RepositoryLayout.SETS + id + "/" + RepositoryLayout.SET_MANIFEST, ManifestJson.writeSet(set));
        return set;
    }

    /** Every set in the repository, newest first; unreadable set manifests are skipped with a warning. */
    public List<BackupSet> sets() {
        List<BackupSet> sets = new ArrayList<>();
        try {
            for (StorageAdapter.ObjectInfo o : c.storage().list(RepositoryLayout.SETS)) {
                if (o.key().endsWith("/" + RepositoryLayout.SET_MANIFEST)) {
                    try (InputStream in = c.storage().read(o.key())) {
                        sets.add(ManifestJson.readSet(in.readAllBytes(), o.key()));
                    } catch (PgkeepException e) {
                        log.warn("Skipping {}: {}", o.key(), e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            throw new PgkeepException("Cannot list the sets in " + c.storage().describe() + ": " + e.getMessage(), e);
        }
        sets.sort(Comparator.comparing(BackupSet::startedAt).reversed());
        return sets;
    }

    /**
     * Restores set {@code setId} (the newest complete one when {@code null}) onto {@code server}: roles the server
     * lacks, then every database, created like its source. Refuses, naming them, when databases of the set exist on
     * the server, unless {@code force} (then those are restored over, each after its safety backup).
     */
    public ServerRestoreResult restoreAll(ServerRestoreRequest request) {
        DatabaseConnection server = request.server();
        BackupSet set = resolve(request.setId());
        if (request.production() && !set.id().equals(request.confirm())) {
            throw new SafetyGuardException("This is a production environment: restoring a whole server needs a"
                            + " confirmation naming the set (" + set.id() + "). Nothing was changed.")
                    .withRemedy(PgkeepException.Remedy.CONFIRM, set.id());
        }
        DatabaseConnection maintenance = TargetDatabases.maintenance(server);
        Set<String> existing = new TreeSet<>(List.of(c.tools()
                .psql(maintenance, "SELECT datname FROM pg_database")
                .stdout()
                .strip()
                .split("\n")));
        List<String> clashing = set.databases().stream()
                .filter(BackupSet.Part::ok)
                .map(BackupSet.Part::database)
                .filter(existing::contains)
                .toList();
        if (!clashing.isEmpty() && !request.force()) {
            throw new SafetyGuardException("The server " + maintenance.describe() + " already has "
                            + clashing + " of set " + set.id() + "; restoring the whole server replaces them."
                            + " Nothing was changed.")
                    .withRemedy(PgkeepException.Remedy.FORCE, null);
        }
        List<String> created = restoreGlobals(set, maintenance);
        List<RestoreResult> results = new ArrayList<>();
        for (BackupSet.Part part : set.databases()) {
            if (!part.ok()) {
                log.warn("Set {} has no backup of {} ({}); skipped", set.id(), part.database(), part.error());
                continue;
            }
            boolean exists = existing.contains(part.database());
            results.add(restores.run(RestoreRequest.builder(
                            RestoreSource.byId(part.backupId().value()), server.withDatabase(part.database()))
                    .createDatabase(!exists)
                    .force(exists)
                    .trigger(request.trigger())
                    .actor(request.actor(), null)
                    .build()));
        }
        return new ServerRestoreResult(set.id(), created, results);
    }

    private BackupSet resolve(@Nullable String setId) {
        List<BackupSet> sets = sets();
        if (setId != null) {
            return sets.stream()
                    .filter(s -> s.id().equals(setId))
                    .findFirst()
                    .orElseThrow(() -> new BackupNotFoundException(
                            "No set " + setId + " in " + c.storage().describe() + "."));
        }
        return sets.stream()
                .filter(BackupSet::complete)
                .findFirst()
                .orElseThrow(() -> new BackupNotFoundException(
                        "No complete whole-server backup in " + c.storage().describe() + "."));
    }

    private BackupSet.Globals dumpGlobals(
            PgTools tools, DatabaseConnection maintenance, String id, boolean rolePasswords) {
        Codec codec = c.codec();
        String object = "globals.sql" + codec.fileSuffix() + c.encryptor().fileSuffix();
        List<String> command = new ArrayList<>(
                List.of(tools.program("pg_dumpall"), "--globals-only", "--no-password", "-l", maintenance.database()));
        if (!rolePasswords) {
            command.add("--no-role-passwords");
        }
        RunningProcess process;
        try {
            process = tools.runner().start(command, maintenance.libpqEnvironment(), null);
        } catch (IOException e) {
            throw new PgkeepException("Cannot start pg_dumpall: " + e.getMessage(), e);
        }
        ProcessOutput.StreamCollector stderr =
                ProcessOutput.StreamCollector.start(process.stderr(), 16 * 1024, "pg_dumpall-stderr");
        try (StorageAdapter.PendingObject out = c.storage().create(RepositoryLayout.SETS + id + "/" + object)) {
            process.stdin().close();
            CountingDigestOutputStream digest = new CountingDigestOutputStream(out.output());
            try (OutputStream encoded = codec.compress(c.encryptor().encrypt(digest))) {
                process.stdout().transferTo(encoded);
            }
            int exit = process.waitFor();
            if (exit != 0) {
                throw new PgkeepException("pg_dumpall --globals-only of " + maintenance.describe()
                        + " failed (exit code " + exit + "): " + ProcessOutput.tail(stderr.text()));
            }
            out.commit();
            return new BackupSet.Globals(
                    object,
                    digest.count(),
                    digest.sha256Hex(),
                    rolePasswords,
                    new BackupManifest.Compression(codec.name(), codec.level()),
                    c.encryptor().describe());
        } catch (IOException e) {
            throw new PgkeepException(
                    "Cannot store the globals of " + maintenance.describe() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgkeepException("Interrupted while dumping the globals.", e);
        } finally {
            if (process.isAlive()) {
                process.kill();
            }
        }
    }

    /** The set's globals, proven against its manifest, without the CREATE ROLE of roles the server has. */
    private List<String> restoreGlobals(BackupSet set, DatabaseConnection maintenance) {
        String sql = readGlobals(set);
        Set<String> roles = new TreeSet<>(List.of(c.tools()
                .psql(maintenance, "SELECT rolname FROM pg_roles")
                .stdout()
                .strip()
                .split("\n")));
        List<String> created = new ArrayList<>();
        StringBuilder script = new StringBuilder();
        for (String line : sql.split("\n", -1)) {
            Matcher m = CREATE_ROLE.matcher(line);
            if (m.matches()) {
                String name = unquote(m.group(1));
                if (roles.contains(name)) {
                    continue; // its ALTER ROLE below still sets its attributes as they were
                }
                created.add(name);
            }
            script.append(line).append('\n');
        }
        c.tools().psqlScript(maintenance, script.toString());
        log.info("Set {}: created roles {} on {}", set.id(), created, maintenance.describe());
        return created;
    }

    private String readGlobals(BackupSet set) {
        BackupSet.Globals g = set.globals();
        String key = RepositoryLayout.SETS + set.id() + "/" + g.object();
        byte[] stored;
        try (InputStream in = c.storage().read(key)) {
            stored = in.readAllBytes();
        } catch (IOException e) {
            throw new PgkeepException(
                    "Cannot read " + key + " from " + c.storage().describe() + ": " + e.getMessage(), e);
        }
        MessageDigest sha = CountingDigestOutputStream.sha256();
        String actual = HexFormat.of().formatHex(sha.digest(stored));
        if (stored.length != g.storedBytes() || !actual.equals(g.sha256())) {
            throw new IntegrityException("The globals of set " + set.id() + " are corrupt (SHA-256 " + actual
                    + ", the set manifest says " + g.sha256() + "). Nothing was changed.");
        }
        Codec codec = Codec.of(
                g.compression().codec(),
                g.compression().level() == 0 ? null : g.compression().level());
        try (InputStream plain = codec.decompress(
                g.encryption() == null
                        ? new java.io.ByteArrayInputStream(stored)
                        : c.encryptor().decrypt(new java.io.ByteArrayInputStream(stored)))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            plain.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PgkeepException(
                    ErrorKind.INTEGRITY, "The globals of set " + set.id() + " cannot be decoded: " + e.getMessage(), e);
        }
    }

    private void write(String key, byte[] bytes) {
        try (StorageAdapter.PendingObject out = c.storage().create(key)) {
            out.output().write(bytes);
            out.commit();
        } catch (IOException e) {
            throw new PgkeepException(
                    "Cannot store " + key + " in " + c.storage().describe() + ": " + e.getMessage(), e);
        }
    }

    private static String unquote(String identifier) {
        return identifier.startsWith("\"")
                ? identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"")
                : identifier;
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new java.security.SecureRandom().nextBytes(b);
        return b;
    }
}
