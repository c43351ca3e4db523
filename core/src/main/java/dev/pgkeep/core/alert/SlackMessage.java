package dev.pgkeep.core.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.internal.CredentialRedactor;
import dev.pgkeep.core.spi.BackupEvent;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BackupEvent} as a Slack incoming-webhook message: a plain {@code text} (what notifications and old clients
 * show) and Block Kit {@code blocks} with one field per fact and the error's first lines in a code block.
 */
final class SlackMessage {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter AT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private SlackMessage() {}

    static String toJson(BackupEvent event) {
        boolean failed = event.phase() == BackupEvent.Phase.FAILED;
        String operation = event.operation().wireName();
        String subject = event.database() == null ? "" : " of " + event.database();
        String outcome = failed ? "failed" : "succeeded";

        ObjectNode root = MAPPER.createObjectNode();
        root.put("text", "pgkeep: " + operation + subject + " " + outcome);
        ArrayNode blocks = root.putArray("blocks");

        ObjectNode headline = blocks.addObject().put("type", "section");
        headline.putObject("text")
                .put("type", "mrkdwn")
                .put(
                        "text",
                        (failed ? ":x: " : ":white_check_mark: ") + "*pgkeep " + operation + " " + outcome + "*"
                                + (event.database() == null ? "" : " for database `" + escape(event.database()) + "`"));

        ObjectNode facts = blocks.addObject().put("type", "section");
        ArrayNode fields = facts.putArray("fields");
        if (event.database() != null) {
            field(fields, "Database", event.database());
        }
        String backupId = backupId(event);
        if (backupId != null) {
            field(fields, "Backup", backupId);
        }
        field(fields, "Trigger", event.trigger().wireName());
        if (event.durationMs() != null) {
            field(fields, "Duration", duration(event.durationMs()));
        }
        if (event.storedBytes() != null) {
            String size = bytes(event.storedBytes());
            if (event.dumpBytes() != null) {
                size += " (dump " + bytes(event.dumpBytes()) + ")";
            }
            field(fields, "Size", size);
        }
        if (event.count() != null) {
            field(fields, "Deleted", Integer.toString(event.count()));
        }
        if (event.actor() != null) {
            field(fields, "Requested by", event.actor());
        }
        field(fields, "At", AT.format(event.at()));

        if (event.error() != null) {
            String lines = CredentialRedactor.firstLines(
                    event.error(), WebhookNotifier.MAX_ERROR_LINES, WebhookNotifier.MAX_ERROR_CHARS);
            // a backtick in the error would end the code block early
            blocks.addObject()
                    .put("type", "section")
                    .putObject("text")
                    .put("type", "mrkdwn")
                    .put("text", "```" + escape(lines).replace('`', '\'') + "```");
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Could not write a Slack message", e);
        }
    }

    private static @Nullable String backupId(BackupEvent event) {
        if (event.backupId() != null) {
            return event.backupId();
        }
        BackupManifest manifest = event.manifest();
        return manifest == null ? null : manifest.id().value();
    }

    private static void field(ArrayNode fields, String name, String value) {
        fields.addObject().put("type", "mrkdwn").put("text", "*" + name + "*\n" + escape(value));
    }

    /** Slack's mrkdwn needs exactly these three escaped. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String duration(long millis) {
        if (millis < 1000) {
            return millis + " ms";
        }
        long seconds = Math.round(millis / 1000.0);
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long hours = seconds / 3600;
        long minutes = seconds % 3600 / 60;
        long rest = seconds % 60;
        return hours > 0 ? hours + " h " + minutes + " min" : minutes + " min " + rest + " s";
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
