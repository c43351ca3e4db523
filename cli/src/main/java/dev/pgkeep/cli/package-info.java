/** The {@code pgkeep} command line. */
@NullMarked
package dev.pgkeep.cli;

import org.jspecify.annotations.NullMarked;
