/** Spring Boot auto-configuration of pgkeep and its {@code pgkeep.*} properties. */
@NullMarked
package dev.pgkeep.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
