package dev.pgkeep.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Asks to restore a whole-server backup onto a server.
 *
 * @param setId the set; {@code null} for the newest complete one
 * @param server any connection to the target server (its maintenance database is used)
 * @param force restore over databases of the set that the server already has
 * @param production whether the production guard is on: then {@code confirm} must name the set
 */
public record ServerRestoreRequest(
        @Nullable String setId,
        DatabaseConnection server,
        boolean force,
        boolean production,
        @Nullable String confirm,
        Trigger trigger,
        @Nullable String actor) {
    public ServerRestoreRequest {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(trigger, "trigger");
    }

    public static ServerRestoreRequest of(@Nullable String setId, DatabaseConnection server) {
        return new ServerRestoreRequest(setId, server, false, false, null, Trigger.API, null);
    }
}
