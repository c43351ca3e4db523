/**
 * Test fixtures for pgkeep and for applications that use it (published as {@code pgkeep-test}): a throwaway
 * PostgreSQL server ({@link dev.pgkeep.testsupport.PostgresServer}), a sample database with awkward content, a
 * fingerprint that proves two databases hold the same schema and data, fixture restores ({@link
 * dev.pgkeep.testsupport.Fixtures}) and {@link dev.pgkeep.testsupport.PgkeepAssertions}; the JUnit extension is in
 * {@link dev.pgkeep.testsupport.junit}.
 */
@NullMarked
package dev.pgkeep.testsupport;

import org.jspecify.annotations.NullMarked;
