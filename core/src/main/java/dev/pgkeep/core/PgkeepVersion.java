package dev.pgkeep.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The pgkeep version that is running, as the build stamped it: what {@code pgkeep --version} prints, what every
 * manifest records as {@code tool.version} and what every audit line carries as {@code pgkeepVersion}.
 *
 * <p>It comes from {@code dev/pgkeep/core/pgkeep-version.properties}, which Maven fills in when it builds core (so it
 * is right in the jar, in a shaded jar and when tests run from {@code target/classes}), else from core's jar
 * manifest ({@code Implementation-Version}). The resource comes first because an application that repackages
 * core into its own jar gives that jar's manifest its own version.
 */
public final class PgkeepVersion {
    /** When neither the resource nor a manifest says (classes compiled by something other than Maven). */
    public static final String UNKNOWN = "unknown";

    private static final String RESOURCE = "pgkeep-version.properties";
    private static final PgkeepVersion CURRENT = load();

    private final String version;
    private final @Nullable String commit;

    private PgkeepVersion(String version, @Nullable String commit) {
        this.version = version;
        this.commit = commit;
    }

    /** The version, e.g. {@code 0.1.0} or {@code 0.2.0-SNAPSHOT}; {@value #UNKNOWN} when the build left none. */
    public static String version() {
        return CURRENT.version;
    }

    /** The abbreviated git commit core was built from; empty when it was built without git (a source tarball). */
    public static Optional<String> commit() {
        return Optional.ofNullable(CURRENT.commit);
    }

    /** The version with the commit when known, e.g. {@code 0.1.0 (commit 1a2b3c4)}. */
    public static String describe() {
        String c = CURRENT.commit;
        return c == null ? CURRENT.version : CURRENT.version + " (commit " + c + ")";
    }

    private static PgkeepVersion load() {
        Properties p = new Properties();
        try (InputStream in = PgkeepVersion.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + RESOURCE, e);
        }
        String version = stamped(p.getProperty("version"));
        if (version == null) {
            version = stamped(PgkeepVersion.class.getPackage().getImplementationVersion());
        }
        return new PgkeepVersion(version == null ? UNKNOWN : version, stamped(p.getProperty("commit")));
    }

    /** A value Maven filled in, or {@code null} for none or a placeholder it left (no such property). */
    private static @Nullable String stamped(@Nullable String value) {
        if (value == null || value.isBlank() || value.contains("${")) {
            return null;
        }
        return value.strip();
    }
}
