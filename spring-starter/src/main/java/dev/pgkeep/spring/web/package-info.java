/** The admin HTTP endpoints, their security check and their problem details. */
@NullMarked
package dev.pgkeep.spring.web;

import org.jspecify.annotations.NullMarked;
