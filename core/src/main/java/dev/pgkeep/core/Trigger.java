package dev.pgkeep.core;

import java.util.Locale;

/** What started an operation; recorded in the manifest, the audit events and the metrics. */
public enum Trigger {
    CLI,
    API,
    SCHEDULE,
    /** Before the host application's pending schema migrations ran (the starter's pre-migrate backup). */
    MIGRATION,
    TEST;

    /** The lower-case name used in manifests, events and metric tags. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Trigger fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
