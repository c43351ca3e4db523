/** Micrometer meters for pgkeep's backups, restores, verifications and retention. */
@NullMarked
package dev.pgkeep.metrics.micrometer;

import org.jspecify.annotations.NullMarked;
