/** Implementation details; not an API, may change in any release. */
@NullMarked
package dev.pgkeep.core.internal;

import org.jspecify.annotations.NullMarked;
