/** Contract test kits: abstract JUnit 5 classes that own the tests, each implementation's test only supplies it. */
@NullMarked
package dev.pgkeep.testsupport.contract;

import org.jspecify.annotations.NullMarked;
