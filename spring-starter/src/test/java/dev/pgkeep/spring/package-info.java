/** Test fixtures of the starter's tests. */
@NullMarked
package dev.pgkeep.spring;

import org.jspecify.annotations.NullMarked;
