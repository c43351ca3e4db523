/** Built-in audit sinks. */
@NullMarked
package dev.pgkeep.core.audit;

import org.jspecify.annotations.NullMarked;
