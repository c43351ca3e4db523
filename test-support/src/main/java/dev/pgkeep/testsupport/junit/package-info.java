/**
 * JUnit Jupiter support for applications that use pgkeep: {@link dev.pgkeep.testsupport.junit.PgkeepPostgres} gives
 * a test class a throwaway PostgreSQL server and database, optionally restored from a fixture backup.
 */
@NullMarked
package dev.pgkeep.testsupport.junit;

import org.jspecify.annotations.NullMarked;
