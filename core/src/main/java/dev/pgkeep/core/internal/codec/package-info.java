/** The built-in codecs; obtain them through {@link dev.pgkeep.core.spi.Codec}. */
@NullMarked
package dev.pgkeep.core.internal.codec;

import org.jspecify.annotations.NullMarked;
