/** Long operations run as jobs on a bounded executor, polled by id. */
@NullMarked
package dev.pgkeep.spring.jobs;

import org.jspecify.annotations.NullMarked;
