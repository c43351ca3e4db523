/** One class per verb (backup, restore, verify, prune, delete), behind DefaultBackupService. Not an API. */
@NullMarked
package dev.pgkeep.core.internal.command;

import org.jspecify.annotations.NullMarked;
