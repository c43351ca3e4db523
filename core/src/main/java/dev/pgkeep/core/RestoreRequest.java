package dev.pgkeep.core;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Asks for one restore. Build with {@link #builder(RestoreSource, DatabaseConnection)}.
 *
 * @param target the database to restore into
 * @param createDatabase create {@code target} (it must not exist) instead of restoring into an existing one
 * @param jobs parallel pg_restore jobs ({@code -j}); 0 (the builder's default) chooses: a directory-format backup
 *     (taken with backup jobs) restores with {@link #DEFAULT_DIRECTORY_JOBS}, a single-file backup or archive file
 *     with 1. More than 1 of a single-file backup needs a local archive file (pgkeep decodes one)
 * @param singleTransaction all or nothing ({@code --single-transaction}); incompatible with {@code jobs > 1}
 * @param noOwner skip ownership commands, for restoring as another role
 * @param noPrivileges skip GRANT/REVOKE, for restoring as another role
 * @param force allow restoring over a database that holds user tables
 * @param confirm the target database name, required when {@code production} is set
 * @param production whether the production guard is on (every restore needs {@code confirm})
 * @param safetyBackup take a backup of the target (label {@code pre-restore}) before changing it
 * @param tables restore only these tables ({@code SCHEMA.NAME}) with their data, indexes, constraints, sequences,
 *     comments, grants and the views that need only them; empty for everything
 * @param schemas restore only these schemas, every object in them; empty for everything
 * @param progress hears how far the restore is ({@link ProgressListener#NONE} for nothing)
 */
public record RestoreRequest(
        RestoreSource source,
        DatabaseConnection target,
        boolean createDatabase,
        int jobs,
        boolean singleTransaction,
        boolean noOwner,
        boolean noPrivileges,
        boolean force,
        @Nullable String confirm,
        boolean production,
        boolean safetyBackup,
        Trigger trigger,
        @Nullable String actor,
        @Nullable String clientAddress,
        List<String> tables,
        List<String> schemas,
        ProgressListener progress) {

    public RestoreRequest {
        if (progress == null) {
            progress = ProgressListener.NONE;
        }
        tables = List.copyOf(tables);
        schemas = List.copyOf(schemas);
        for (String schema : schemas) {
            if (schema.isBlank()) {
                throw new BadInputException("A schema to restore needs a name.");
            }
        }
        for (String table : tables) {
            int dot = table.indexOf('.');
            if (dot <= 0 || dot == table.length() - 1 || table.indexOf('.', dot + 1) >= 0) {
                throw new BadInputException(
                        "A table to restore is named SCHEMA.NAME (e.g. public.orders), got '" + table + "'.");
            }
        }
        if (jobs < 0) {
            throw new BadInputException("--jobs must be at least 1, got " + jobs + ".");
        }
        if (jobs > 1 && singleTransaction) {
            throw new BadInputException(
                    "pg_restore cannot restore in a single transaction with parallel jobs; choose one of them.");
        }
    }

    /** The jobs a directory-format backup restores with when the request does not say: the cores, at most 8. */
    public static final int DEFAULT_DIRECTORY_JOBS =
            Math.min(Runtime.getRuntime().availableProcessors(), 8);

    /** Whether only some tables or schemas are restored. */
    public boolean selective() {
        return !tables.isEmpty() || !schemas.isEmpty();
    }

    public static Builder builder(RestoreSource source, DatabaseConnection target) {
        return new Builder(source, target);
    }

    /** Builds a {@link RestoreRequest}; the defaults are the safe choices. */
    public static final class Builder {
        private final RestoreSource source;
        private final DatabaseConnection target;
        private boolean createDatabase;
        private int jobs;
        private boolean singleTransaction;
        private boolean noOwner;
        private boolean noPrivileges;
        private boolean force;
        private @Nullable String confirm;
        private boolean production;
        private boolean safetyBackup = true;
        private Trigger trigger = Trigger.API;
        private @Nullable String actor;
        private @Nullable String clientAddress;
        private final List<String> tables = new ArrayList<>();
        private final List<String> schemas = new ArrayList<>();
        private ProgressListener progress = ProgressListener.NONE;

        private Builder(RestoreSource source, DatabaseConnection target) {
            this.source = source;
            this.target = target;
        }

        public Builder createDatabase(boolean value) {
            this.createDatabase = value;
            return this;
        }

        /** Parallel pg_restore jobs, at least 1; unset, pgkeep chooses (see {@link RestoreRequest#jobs}). */
        public Builder jobs(int value) {
            if (value < 1) {
                throw new BadInputException("--jobs must be at least 1, got " + value + ".");
            }
            this.jobs = value;
            return this;
        }

        public Builder singleTransaction(boolean value) {
            this.singleTransaction = value;
            return this;
        }

        public Builder noOwner(boolean value) {
            this.noOwner = value;
            return this;
        }

        public Builder noPrivileges(boolean value) {
            this.noPrivileges = value;
            return this;
        }

        public Builder force(boolean value) {
            this.force = value;
            return this;
        }

        public Builder confirm(@Nullable String value) {
            this.confirm = value;
            return this;
        }

        public Builder production(boolean value) {
            this.production = value;
            return this;
        }

        public Builder safetyBackup(boolean value) {
            this.safetyBackup = value;
            return this;
        }

        public Builder trigger(Trigger value) {
            this.trigger = value;
            return this;
        }

        public Builder actor(@Nullable String value, @Nullable String address) {
            this.actor = value;
            this.clientAddress = address;
            return this;
        }

        /** Restores only this table ({@code SCHEMA.NAME}) and what belongs to it; repeat for several. */
        public Builder table(String qualifiedName) {
            this.tables.add(qualifiedName);
            return this;
        }

        /** Restores only this schema; repeat for several. */
        public Builder schema(String name) {
            this.schemas.add(name);
            return this;
        }

        /** Hears how far the restore is: the checksum pass, then the archive streaming into pg_restore. */
        public Builder progress(ProgressListener value) {
            this.progress = value;
            return this;
        }

        public RestoreRequest build() {
            return new RestoreRequest(
                    source,
                    target,
                    createDatabase,
                    jobs,
                    singleTransaction,
                    noOwner,
                    noPrivileges,
                    force,
                    confirm,
                    production,
                    safetyBackup,
                    trigger,
                    actor,
                    clientAddress,
                    tables,
                    schemas,
                    progress);
        }
    }
}
