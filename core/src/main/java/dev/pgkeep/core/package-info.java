/** pgkeep's public API: {@link dev.pgkeep.core.BackupService}, its requests, results, manifest and exceptions. */
@NullMarked
package dev.pgkeep.core;

import org.jspecify.annotations.NullMarked;
