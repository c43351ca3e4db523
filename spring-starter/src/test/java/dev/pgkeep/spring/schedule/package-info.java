/** Tests of the scheduler and its cluster claim. */
@NullMarked
package dev.pgkeep.spring.schedule;

import org.jspecify.annotations.NullMarked;
