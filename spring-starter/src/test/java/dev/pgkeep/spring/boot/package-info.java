/** The starter inside Boot's own machinery: its logging system, its failure reports, hosts whose tools run elsewhere. */
@NullMarked
package dev.pgkeep.spring.boot;

import org.jspecify.annotations.NullMarked;
