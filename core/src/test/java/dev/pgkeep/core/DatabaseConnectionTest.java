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
}
