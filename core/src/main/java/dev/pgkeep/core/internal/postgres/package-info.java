/** The PostgreSQL tools: finding them per major, running pg_restore and psql, the advisory lock, SQL text. Not an API. */
@NullMarked
package dev.pgkeep.core.internal.postgres;

import org.jspecify.annotations.NullMarked;
