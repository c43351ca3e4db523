package dev.pgkeep.core.internal.postgres;

import dev.pgkeep.core.DatabaseConnection;

/**
 * Where a restore goes and with which tools: {@code tools} are of the target server's major or newer (and as new as
 * the archive's pg_dump); {@code serverMajor} decides whether pg_restore's script must go through psql.
 */
public record RestoreTarget(DatabaseConnection database, PgTools tools, int serverMajor) {}
