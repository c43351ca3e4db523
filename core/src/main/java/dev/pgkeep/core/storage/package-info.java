/** Built-in storage adapters. */
@NullMarked
package dev.pgkeep.core.storage;

import org.jspecify.annotations.NullMarked;
