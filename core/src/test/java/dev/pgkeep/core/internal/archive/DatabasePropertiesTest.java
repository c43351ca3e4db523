package dev.pgkeep.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.internal.archive.ArchiveHeader.DatabaseEntry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The database's own entries, as pg_dump 15 to 18 write them, rewritten for another name and older servers. */
class DatabasePropertiesTest {
    private static final List<DatabaseEntry> ENTRIES = List.of(
            new DatabaseEntry(
                    "DATABASE",
                    "My \"Shop\"",
                    "CREATE DATABASE \"My \"\"Shop\"\"\" WITH TEMPLATE = template0 ENCODING = 'UTF8'"
                            + " LOCALE_PROVIDER = libc LOCALE = 'en_US.UTF-8' TABLESPACE = fast;\n",
                    "app"),
            new DatabaseEntry(
                    "DATABASE PROPERTIES",
                    "My \"Shop\"",
                    "ALTER DATABASE \"My \"\"Shop\"\"\" SET \"TimeZone\" TO 'UTC';\n"
                            + "ALTER ROLE app IN DATABASE \"My \"\"Shop\"\"\" SET work_mem TO '8MB';\n",
                    "app"),
            new DatabaseEntry(
                    "COMMENT",
                    "DATABASE \"My \"\"Shop\"\"\"",
                    "COMMENT ON DATABASE \"My \"\"Shop\"\"\" IS 'a;\nb';\n",
                    "app"),
            new DatabaseEntry(
                    "ACL",
                    "DATABASE \"My \"\"Shop\"\"\"",
                    "GRANT CONNECT ON DATABASE \"My \"\"Shop\"\"\" TO app;\n",
                    "app"));

    @Test
    void createsTheTargetWithTheSourcesOptionsButNoTablespace() {
        List<String> dropped = new ArrayList<>();
        String sql = DatabaseProperties.from(ENTRIES).createStatement("copy", 17, dropped);
        assertThat(sql)
                .isEqualTo("CREATE DATABASE copy WITH TEMPLATE = template0 ENCODING = 'UTF8' LOCALE_PROVIDER = libc"
                        + " LOCALE = 'en_US.UTF-8';");
        assertThat(dropped).containsExactly("TABLESPACE = fast");
    }

    @Test
    void leavesOutWhatAnOlderServerLacks() {
        List<String> dropped = new ArrayList<>();
        String sql = DatabaseProperties.from(ENTRIES).createStatement("copy", 13, dropped);
        assertThat(sql)
                .isEqualTo("CREATE DATABASE copy WITH TEMPLATE = template0 ENCODING = 'UTF8' LOCALE = 'en_US.UTF-8';");
        assertThat(dropped).containsExactly("TABLESPACE = fast"); // libc is 13's only provider: nothing lost

        List<DatabaseEntry> icu = List.of(new DatabaseEntry(
                "DATABASE",
                "s",
                "CREATE DATABASE s WITH TEMPLATE = template0 ENCODING = 'UTF8' LOCALE_PROVIDER = icu"
                        + " LOCALE = 'en_US.UTF-8' ICU_LOCALE = 'und';\n",
                "app"));
        List<String> droppedIcu = new ArrayList<>();
        DatabaseProperties.from(icu).createStatement("t", 14, droppedIcu);
        assertThat(droppedIcu).contains("LOCALE_PROVIDER = icu", "ICU_LOCALE = 'und'");
    }

    @Test
    void settingsCommentAndGrantsNameTheTarget() {
        DatabaseProperties p = DatabaseProperties.from(ENTRIES);
        assertThat(p.statementsFor("copy", true))
                .containsExactly(
                        "ALTER DATABASE copy SET \"TimeZone\" TO 'UTC';",
                        "ALTER ROLE app IN DATABASE copy SET work_mem TO '8MB';",
                        "COMMENT ON DATABASE copy IS 'a;\nb';",
                        "GRANT CONNECT ON DATABASE copy TO app;");
        assertThat(p.statementsFor("copy", false)).noneMatch(s -> s.startsWith("GRANT"));
    }

    @Test
    void anArchiveWithoutADatabaseEntryHasNoProperties() {
        assertThat(DatabaseProperties.from(List.of()).isEmpty()).isTrue();
        assertThat(DatabaseProperties.identifierAtStart("\"a \"\"b\"\"\" WITH")).isEqualTo("\"a \"\"b\"\"\"");
        assertThat(DatabaseProperties.identifierAtStart("shop WITH")).isEqualTo("shop");
    }

    @Test
    void theTargetGetsTheSourcesOwnerAsPgRestoreCreateWouldGiveIt() {
        assertThat(DatabaseProperties.from(ENTRIES).ownerStatement("copy"))
                .containsExactly("ALTER DATABASE copy OWNER TO \"app\";");
        assertThat(DatabaseProperties.NONE.ownerStatement("copy")).isEmpty();
    }
}
