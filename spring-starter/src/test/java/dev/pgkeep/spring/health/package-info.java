/** Tests of the health indicator. */
@NullMarked
package dev.pgkeep.spring.health;

import org.jspecify.annotations.NullMarked;
