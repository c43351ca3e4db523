/** Tests of the auto-configuration. */
@NullMarked
package dev.pgkeep.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
