package dev.pgkeep.core.internal.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The script filter for restoring with tools newer than the server: only the preamble's setting lines go. */
class PgRestoreRunTest {
    private static final String PREAMBLE = """
            --
            -- PostgreSQL database dump
            --

            \\restrict abc123

            SET statement_timeout = 0;
            SET lock_timeout = 0;
            SET idle_in_transaction_session_timeout = 0;
            SET transaction_timeout = 0;
            SET client_encoding = 'UTF8';
            SELECT pg_catalog.set_config('search_path', '', false);
            SET row_security = off;

            """;

    private static final String BODY = """
            --
            -- Name: t; Type: TABLE; Schema: public; Owner: postgres
            --

            CREATE TABLE public.t (note text);
            CREATE FUNCTION public.f() RETURNS void LANGUAGE sql AS $$
            SET transaction_timeout = 0;
            $$;
            COPY public.t (note) FROM stdin;
            SET transaction_timeout = 0;
            \\.

            """;

    private static String filter(String script, List<String> settings) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PgRestoreRun.copyWithoutSettings(
                new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)), out, settings);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void dropsOnlyThePreamblesLineForTheSetting() throws IOException {
        String filtered = filter(PREAMBLE + BODY, List.of("transaction_timeout"));
        assertThat(filtered)
                .isEqualTo(PREAMBLE.replace("SET transaction_timeout = 0;\n", "") + BODY)
                // the function body and the COPY row that read the same are data, and stay
                .contains("$$\nSET transaction_timeout = 0;\n$$")
                .contains("FROM stdin;\nSET transaction_timeout = 0;\n\\.");
    }

    @Test
    void withNothingToDropTheScriptPassesUnchanged() throws IOException {
        assertThat(filter(PREAMBLE + BODY, List.of())).isEqualTo(PREAMBLE + BODY);
        assertThat(filter("", List.of("transaction_timeout"))).isEmpty();
    }

    @Test
    void settingsAreDroppedOnlyForServersOlderThanTheSetting() {
        assertThat(PgRestoreRun.settingsUnknownTo(16, 17)).containsExactly("transaction_timeout");
        assertThat(PgRestoreRun.settingsUnknownTo(13, 18)).containsExactly("transaction_timeout");
        assertThat(PgRestoreRun.settingsUnknownTo(17, 18)).isEmpty();
        assertThat(PgRestoreRun.settingsUnknownTo(14, 15)).isEmpty();
    }
}
