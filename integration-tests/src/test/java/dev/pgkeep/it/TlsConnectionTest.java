package dev.pgkeep.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.BackupRequest;
import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.cluster.ExternalCommand;
import dev.pgkeep.testsupport.DatabaseFingerprint;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.SampleDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that accepts TCP connections over TLS only, with a certificate of a CA made here by openssl: a JDBC URL's
 * {@code ssl=true} makes the tools verify it (as the application's own driver does), and a wrong CA is a clear
 * failure, never a silent connection.
 */
class TlsConnectionTest {
    private static final String HBA = """
            local all all trust
            hostssl all all 127.0.0.1/32 scram-sha-256
            hostnossl all all 127.0.0.1/32 reject
            """;

    @TempDir
    static Path certs;

    private static PostgresServer pg;
    private static String source = "";

    @BeforeAll
    static void startServerWithTls() throws IOException {
        Path ca = certificateAuthority("ca");
        certificateAuthority("other-ca");
        Files.writeString(certs.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        openssl(
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=127.0.0.1");
        openssl(
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                ca.toString(),
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.crt",
                "-days",
                "2",
                "-extfile",
                "server.ext");
        pg = PostgresServer.startLocal(
                Map.of("ssl", "on", "ssl_cert_file", "server.crt", "ssl_key_file", "server.key"),
                Map.of(
                        "server.crt", Files.readAllBytes(certs.resolve("server.crt")),
                        "server.key", Files.readAllBytes(certs.resolve("server.key")),
                        "pg_hba.conf", HBA.getBytes(StandardCharsets.UTF_8)));
        source = PostgresServer.uniqueDatabaseName("tls");
        SampleDatabase.create(pg, source);
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void sslTrueWithTheServersCaBacksUpAndRestoresOverVerifiedTls(@TempDir Path dir) {
        DatabaseConnection verified = jdbc(source, "ssl=true&sslrootcert=" + certs.resolve("ca.crt"));
        assertThat(verified.libpqEnvironment()).containsEntry("PGSSLMODE", "verify-full");
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service = fx.service();
        BackupManifest m =
                service.backup(BackupRequest.of(verified, Trigger.TEST)).manifest();
        assertThat(service.list(source)).extracting(BackupManifest::id).containsExactly(m.id());

        // the restore's maintenance-database sessions, locks and pg_restore connect the same way
        String copy = PostgresServer.uniqueDatabaseName("tls_copy");
        try {
            service.restore(RestoreRequest.builder(RestoreSource.byId(m.id().value()), verified.withDatabase(copy))
                    .createDatabase(true)
                    .build());
            assertThat(DatabaseFingerprint.of(pg, copy).diff(DatabaseFingerprint.of(pg, source)))
                    .isEmpty();
        } finally {
            pg.dropDatabase(copy);
        }
    }

    @Test
    void aCertificateOfAnotherCaFailsClearlyInsteadOfConnecting(@TempDir Path dir) {
        ServiceFixture fx = new ServiceFixture(pg, dir.resolve("repo"));
        BackupService service = fx.service();
        DatabaseConnection wrongCa = jdbc(source, "ssl=true&sslrootcert=" + certs.resolve("other-ca.crt"));
        assertThatThrownBy(() -> service.backup(BackupRequest.of(wrongCa, Trigger.TEST)))
                .isInstanceOf(PgkeepException.class)
                .hasMessageContaining("Cannot back up database '" + source + "'")
                .hasMessageContaining("certificate verify failed")
                .hasMessageNotContaining(pg.password());
        assertThat(service.list(source)).isEmpty();
        // what pgkeep did before it read ssl=true: libpq's default (prefer) connects to whichever server answers
        DatabaseConnection unverified = jdbc(source, "ssl=false");
        assertThat(service.backup(BackupRequest.of(unverified, Trigger.TEST)).id())
                .isNotNull();
    }

    private static DatabaseConnection jdbc(String database, String query) {
        return DatabaseConnection.parse("jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/" + database + "?user="
                + pg.superuser() + "&password=" + pg.password() + "&" + query);
    }

    private static Path certificateAuthority(String name) {
        openssl(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                name + ".key",
                "-out",
                name + ".crt",
                "-days",
                "2",
                "-subj",
                "/CN=pgkeep test " + name,
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign");
        return certs.resolve(name + ".crt");
    }

    private static void openssl(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        ExternalCommand.Result result =
                ExternalCommand.run(command, System.getenv(), certs, null, Duration.ofMinutes(1));
        if (!result.succeeded()) {
            throw new IllegalStateException("openssl " + args[0] + " failed: " + result.stderr());
        }
    }
}
