/** Scheduled backups with retention, claimed once per tick across instances. */
@NullMarked
package dev.pgkeep.spring.schedule;

import org.jspecify.annotations.NullMarked;
