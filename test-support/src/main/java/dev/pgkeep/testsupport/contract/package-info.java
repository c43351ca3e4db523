/** Contract test kits: abstract JUnit classes that hold the tests every implementation of an SPI must pass. */
@NullMarked
package dev.pgkeep.testsupport.contract;

import org.jspecify.annotations.NullMarked;
