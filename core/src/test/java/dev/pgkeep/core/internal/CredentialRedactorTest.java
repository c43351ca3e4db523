package dev.pgkeep.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CredentialRedactorTest {

    @Test
    void removesPasswordsFromUrlsAndKeyValuePairs() {
        String text = "could not connect: postgresql://app:hunter2@db:5432/shop?sslmode=require&password=hunter3\n"
                + "jdbc:postgresql://db/shop?user=app&password=hunter4 "
                + "s3://KEY:hunter5@bucket/x PGPASSWORD=hunter6 passphrase: 'hunter 7' password=\"hunter8\"";
        String redacted = CredentialRedactor.redact(text);
        assertThat(redacted)
                .doesNotContain("hunter")
                .contains("postgresql://db:5432/shop")
                .contains("jdbc:postgresql://db/shop")
                .contains("s3://KEY:******@bucket/x")
                .contains("PGPASSWORD=******");
    }

    @Test
    void leavesOrdinaryToolOutputAlone() {
        String text = "pg_dump: error: connection to server at \"db\" (10.0.0.5), port 5432 failed:"
                + " FATAL:  password authentication failed for user \"app\"";
        assertThat(CredentialRedactor.redact(text)).isEqualTo(text);
    }

    @Test
    void firstLinesCutsLinesAndLengthAndSaysSo() {
        assertThat(CredentialRedactor.firstLines("a\nb\nc\nd", 2, 100)).isEqualTo("a\nb\n...");
        assertThat(CredentialRedactor.firstLines("a\nb", 5, 100)).isEqualTo("a\nb");
        assertThat(CredentialRedactor.firstLines("x".repeat(50), 5, 10)).isEqualTo("x".repeat(10) + "\n...");
        assertThat(CredentialRedactor.firstLines("  one line \n", 5, 100)).isEqualTo("one line");
    }
}
