package dev.pgkeep.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.internal.postgres.SqlText;
import dev.pgkeep.testsupport.PostgresExtension;
import dev.pgkeep.testsupport.PostgresServer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The literals and identifiers pgkeep builds mean exactly their text to a real server, whatever
 * {@code standard_conforming_strings} says: a connection's options can turn it off, and then a backslash in a plain
 * literal escapes the closing quote.
 */
@ExtendWith(PostgresExtension.class)
class SqlTextTest {
    @ParameterizedTest
    @ValueSource(
            strings = {"plain", "it's", "back\\slash", "ends with \\", "\\'; DROP TABLE x; --", "\\\\''\\", "Zürich ☃"})
    void aLiteralIsItsTextWithStandardConformingStringsOnAndOff(String text, PostgresServer pg) {
        for (String setting : new String[] {"on", "off"}) {
            String out = pg.psql(
                    "postgres",
                    "SET standard_conforming_strings = " + setting + ";\nSELECT " + SqlText.literal(text) + ";");
            assertThat(out).as("standard_conforming_strings = " + setting).isEqualTo(text);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "My \"db\"", "with space", "back\\slash"})
    void anIdentifierIsItsText(String name, PostgresServer pg) {
        String out = pg.psql(
                "postgres",
                "CREATE TEMP TABLE t (" + SqlText.identifier(name) + " int);\n"
                        + "SELECT attname FROM pg_attribute WHERE attrelid = 'pg_temp.t'::regclass AND attnum > 0;");
        assertThat(out).isEqualTo(name);
    }
}
