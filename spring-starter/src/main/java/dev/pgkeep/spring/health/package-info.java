/** The {@code pgkeep} health indicator and the record of recent runs it reads. */
@NullMarked
package dev.pgkeep.spring.health;

import org.jspecify.annotations.NullMarked;
