/** Audit events around every operation. Not an API. */
@NullMarked
package dev.pgkeep.core.internal.events;

import org.jspecify.annotations.NullMarked;
