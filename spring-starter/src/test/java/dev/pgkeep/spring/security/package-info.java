/** Host applications of every kind the admin endpoints must stay closed in, and the hostile requests they refuse. */
@NullMarked
package dev.pgkeep.spring.security;

import org.jspecify.annotations.NullMarked;
