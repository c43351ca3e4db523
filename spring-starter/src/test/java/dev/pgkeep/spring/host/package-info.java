/** A small host application for the starter's end-to-end tests: JWT resource server with roles from a claim. */
@NullMarked
package dev.pgkeep.spring.host;

import org.jspecify.annotations.NullMarked;
