package dev.pgkeep.core;

import java.util.Objects;

/** A password or passphrase. {@link #toString()} never reveals it, so it cannot leak into logs by accident. */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    public static Secret of(char[] value) {
        return new Secret(new String(value));
    }

    /** The secret itself: pass it only to the place that needs it (an environment variable, a key ring). */
    public String reveal() {
        return value;
    }

    public char[] revealChars() {
        return value.toCharArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && other.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "******";
    }
}
