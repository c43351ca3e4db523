/** The {@code pgkeep} Actuator endpoint: databases, backups, runs and schedules, and a backup on demand. */
@NullMarked
package dev.pgkeep.spring.actuate;

import org.jspecify.annotations.NullMarked;
