/** The stored layout, manifests as JSON and the retention plan. Not an API. */
@NullMarked
package dev.pgkeep.core.internal.repository;

import org.jspecify.annotations.NullMarked;
