/** A Spring Boot host application using the pgkeep starter. */
@NullMarked
package dev.pgkeep.example;

import org.jspecify.annotations.NullMarked;
