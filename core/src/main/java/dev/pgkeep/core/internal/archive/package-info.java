/** Reading, checking and staging pg_dump archives: the inspector, the backup stream, restore staging. Not an API. */
@NullMarked
package dev.pgkeep.core.internal.archive;

import org.jspecify.annotations.NullMarked;
