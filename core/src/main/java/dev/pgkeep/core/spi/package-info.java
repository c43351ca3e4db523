/** Extension points: storage, encryption, compression, processes, audit and locking. */
@NullMarked
package dev.pgkeep.core.spi;

import org.jspecify.annotations.NullMarked;
