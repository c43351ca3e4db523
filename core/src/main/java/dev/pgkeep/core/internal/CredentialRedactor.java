package dev.pgkeep.core.internal;

import java.util.regex.Pattern;

/**
 * Removes credentials from free text (tool output, exception messages) before it leaves the process in an audit
 * line or an alert: passwords in URLs, {@code password=...} pairs, and everything but host and database of a
 * PostgreSQL connection URL. Events should not carry secrets in the first place; this is the second line of defence.
 */
public final class CredentialRedactor {
    /** What a removed secret is replaced with. */
    public static final String MASK = "******";

    // userinfo and query string of a PostgreSQL URL can both hold a password (user:pw@, ?password=, ?sslpassword=)
    private static final Pattern POSTGRES_URL =
            Pattern.compile("((?:jdbc:)?postgres(?:ql)?://)(?:[^@\\s/]*@)?([^\\s?'\"]*)(?:\\?[^\\s'\"]*)?");
    private static final Pattern URL_PASSWORD = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\\s]*):[^@\\s/]*@");
    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)\\b(pgpassword|sslpassword|password|passwd|pwd|passphrase)(\\s*[=:]\\s*)('[^']*'|\"[^\"]*\"|[^\\s&;,]+)");

    private CredentialRedactor() {}

    /** {@code text} with every recognizable credential replaced by {@value #MASK}. */
    public static String redact(String text) {
        String out = POSTGRES_URL.matcher(text).replaceAll("$1$2");
        out = URL_PASSWORD.matcher(out).replaceAll("$1:" + MASK + "@");
        return KEY_VALUE.matcher(out).replaceAll("$1$2" + MASK);
    }

    /**
     * The first {@code maxLines} lines of {@code text}, at most {@code maxChars} characters, redacted; an ellipsis
     * line says that something was cut.
     */
    public static String firstLines(String text, int maxLines, int maxChars) {
        String redacted = redact(text.strip());
        String[] lines = redacted.split("\\R", -1);
        StringBuilder out = new StringBuilder();
        boolean cut = false;
        for (int i = 0; i < lines.length; i++) {
            if (i == maxLines || out.length() + lines[i].length() > maxChars) {
                cut = true;
                break;
            }
            if (i > 0) {
                out.append('\n');
            }
            out.append(lines[i]);
        }
        if (out.length() == 0 && !lines[0].isEmpty()) {
            out.append(lines[0], 0, Math.min(lines[0].length(), maxChars));
            cut = lines.length > 1 || lines[0].length() > maxChars;
        }
        if (cut) {
            out.append("\n...");
        }
        return out.toString();
    }
}
