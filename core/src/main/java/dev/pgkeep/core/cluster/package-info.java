/**
 * A throwaway PostgreSQL cluster ({@code initdb} + {@code pg_ctl} in a temporary folder), for {@code pgkeep demo},
 * the example application and the test kit: not something a backup tool needs in production.
 */
@NullMarked
package dev.pgkeep.core.cluster;

import org.jspecify.annotations.NullMarked;
