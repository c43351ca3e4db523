/** Tests of the job executor. */
@NullMarked
package dev.pgkeep.spring.jobs;

import org.jspecify.annotations.NullMarked;
