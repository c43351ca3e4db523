package dev.pgkeep.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseConnectionTest {
    @Test
    void parsesPostgresqlUrlsWithPercentEncodingAndParameters() {
        DatabaseConnection c = DatabaseConnection.parse(
                "postgresql://app%40corp:p%40ss%3Aw@db.example:6543/my%20db" + "?sslmode=require&application_name=x");
        assertThat(c.host()).isEqualTo("db.example");
        assertThat(c.port()).isEqualTo(6543);
        assertThat(c.user()).isEqualTo("app@corp");
        assertThat(c.password().reveal()).isEqualTo("p@ss:w");
        assertThat(c.database()).isEqualTo("my db");
        assertThat(c.libpqEnvironment())
                .containsEntry("PGHOST", "db.example")
                .containsEntry("PGPORT", "6543")
                .containsEntry("PGUSER", "app@corp")
                .containsEntry("PGPASSWORD", "p@ss:w")
                .containsEntry("PGDATABASE", "my db")
                .containsEntry("PGSSLMODE", "require")
                .containsEntry("PGAPPNAME", "x");
    }

    @Test
    void parsesJdbcUrlsWithCredentialsInTheQuery() {
        DatabaseConnection c = DatabaseConnection.parse("jdbc:postgresql://localhost:5432/shop?user=u&password=pw");
        assertThat(c.user()).isEqualTo("u");
        assertThat(c.password().reveal()).isEqualTo("pw");
        assertThat(c.database()).isEqualTo("shop");
        assertThat(c.parameters()).isEmpty();
    }

    @Test
    void neverPrintsThePassword() {
        DatabaseConnection c = DatabaseConnection.parse("postgresql://u:s3cret@h/db");
        assertThat(c.toString()).doesNotContain("s3cret").contains("u@h/db");
        assertThat(c.describe()).doesNotContain("s3cret");
    }

    @Test
    void rejectsUrlsItCannotUseWithoutEchoingThePassword() {
        assertThatThrownBy(() -> DatabaseConnection.parse("mysql://u:s3cret@h/db"))
                .isInstanceOf(BadInputException.class)
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> DatabaseConnection.parse("postgresql://u:s3cret@h/"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("names no database")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> DatabaseConnection.parse("postgresql://u:s3cret@h:port/db"))
                .isInstanceOf(BadInputException.class)
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void sslTrueMeansVerifyFullAsPgjdbcReadsItUnlessAnSslmodeIsGiven() {
        assertThat(DatabaseConnection.parse("jdbc:postgresql://db/shop?ssl=true")
                        .libpqEnvironment())
                .containsEntry("PGSSLMODE", "verify-full");
        assertThat(DatabaseConnection.parse("jdbc:postgresql://db/shop?ssl").libpqEnvironment())
                .containsEntry("PGSSLMODE", "verify-full");
        assertThat(DatabaseConnection.parse("postgresql://db/shop?ssl=TRUE").libpqEnvironment())
                .containsEntry("PGSSLMODE", "verify-full");
        assertThat(DatabaseConnection.parse("jdbc:postgresql://db/shop?sslmode=require&ssl=true")
                        .libpqEnvironment())
                .containsEntry("PGSSLMODE", "require");
        assertThat(DatabaseConnection.parse("jdbc:postgresql://db/shop?ssl=true&sslmode=verify-ca")
                        .libpqEnvironment())
                .containsEntry("PGSSLMODE", "verify-ca");
        // ssl=false leaves libpq's own default, as pgjdbc does
        assertThat(DatabaseConnection.parse("jdbc:postgresql://db/shop?ssl=false")
                        .libpqEnvironment())
                .doesNotContainKey("PGSSLMODE");
        assertThatThrownBy(() -> DatabaseConnection.parse("jdbc:postgresql://db/shop?ssl=yes"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("ssl=yes");
        assertThatThrownBy(() -> DatabaseConnection.parse("jdbc:postgresql://db/shop?sslmode=verify"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("sslmode 'verify' is not one of");
    }

    @Test
    void theCertificateParametersReachLibpqThroughItsEnvironment() {
        DatabaseConnection c = DatabaseConnection.parse("jdbc:postgresql://db:5432/shop?ssl=true"
                + "&sslrootcert=/etc/ca.pem&sslcert=/etc/client.pem&sslkey=/etc/client.key&sslcrl=/etc/crl.pem"
                + "&ApplicationName=shop-backup&connectTimeout=7&targetServerType=primary&options=-c%20x%3Dy");
        assertThat(c.libpqEnvironment())
                .containsEntry("PGSSLMODE", "verify-full")
                .containsEntry("PGSSLROOTCERT", "/etc/ca.pem")
                .containsEntry("PGSSLCERT", "/etc/client.pem")
                .containsEntry("PGSSLKEY", "/etc/client.key")
                .containsEntry("PGSSLCRL", "/etc/crl.pem")
                .containsEntry("PGAPPNAME", "shop-backup")
                .containsEntry("PGCONNECT_TIMEOUT", "7")
                .containsEntry("PGTARGETSESSIONATTRS", "primary")
                .containsEntry("PGOPTIONS", "-c x=y");
        // the parsed form is libpq's: it survives a copy to another database unchanged
        assertThat(c.withDatabase("other").libpqEnvironment()).containsEntry("PGSSLMODE", "verify-full");
    }

    @Test
    void settingsOfTheJavaDriverAloneAreIgnoredOnPurposeAndEverythingElseIsRefused() {
        DatabaseConnection c = DatabaseConnection.parse(
                "jdbc:postgresql://db/shop?loginTimeout=5&socketTimeout=30&prepareThreshold=0&currentSchema=app");
        assertThat(c.parameters()).isEmpty();
        assertThatThrownBy(() -> DatabaseConnection.parse("jdbc:postgresql://db/shop?sslmdoe=verify-full"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("'sslmdoe' is not one pgkeep understands")
                .hasMessageContaining("Supported: sslmode, sslrootcert, sslcert, sslkey, sslcrl")
                .hasMessageContaining("loginTimeout");
        assertThatThrownBy(() -> DatabaseConnection.parse("jdbc:postgresql://db/shop?sslpassword=s3cret"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("'sslpassword' is not supported")
                .hasMessageContaining("command line")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> DatabaseConnection.parse(
                        "jdbc:postgresql://db/shop?ssl=true&sslfactory=org.postgresql.ssl.NonValidatingFactory"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("'sslfactory'")
                .hasMessageContaining("sslrootcert");
        assertThatThrownBy(() -> DatabaseConnection.parse(
                        "jdbc:postgresql://db/shop?socketFactory=com.google.cloud.sql.postgres.SocketFactory"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("'socketFactory' is not supported")
                .hasMessageContaining("proxy");
        assertThat(DatabaseConnection.parse("jdbc:postgresql://db/shop?kerberosServerName=pg&loggerLevel=OFF")
                        .libpqEnvironment())
                .containsEntry("PGKRBSRVNAME", "pg");
        assertThatThrownBy(() -> DatabaseConnection.parse("jdbc:postgresql://db/shop?targetServerType=preferPrimary"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("no libpq equivalent");
        // built in code, not parsed: the same rule
        assertThatThrownBy(() -> new DatabaseConnection("h", 5432, "db", "u", null, java.util.Map.of("ssl", "true")))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("'ssl'");
    }

    @Test
    void oddUrlsAndHostileNamesAreRefusedClearly() {
        assertThatThrownBy(() -> DatabaseConnection.parse("jdbc:postgresql://h1:5432,h2:5432/shop"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("several hosts");
        assertThatThrownBy(() -> DatabaseConnection.parse("jdbc:postgresql://h/shop?port=abc"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("Invalid port 'abc'");
        assertThatThrownBy(() -> DatabaseConnection.parse("postgresql://h:70000/shop"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("Invalid port '70000'");
        assertThatThrownBy(() -> DatabaseConnection.parse("postgresql://h/sh%00op"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("NUL");
        assertThatThrownBy(() -> DatabaseConnection.parse("postgresql://h/shop?application_name=a%00b"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("NUL");
        // the server would cut a 64-byte name to 63 bytes: a different database than the one named
        assertThatThrownBy(() -> DatabaseConnection.parse("postgresql://h/" + "d".repeat(64)))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("64 bytes long");
        assertThatThrownBy(() -> DatabaseConnection.parse("postgresql://h/" + "é".repeat(32)))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("64 bytes long");
        assertThat(DatabaseConnection.parse("postgresql://h/" + "d".repeat(63)).database())
                .hasSize(63);
        // path tricks stay one name: the repository percent-encodes it, libpq gets it verbatim
        assertThat(DatabaseConnection.parse("postgresql://h/..%2F..%2Fetc").libpqEnvironment())
                .containsEntry("PGDATABASE", "../../etc");
    }
}
