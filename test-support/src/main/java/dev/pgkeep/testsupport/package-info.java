/**
 * Test fixtures for pgkeep: a throwaway PostgreSQL server ({@link dev.pgkeep.testsupport.PostgresServer}), a sample
 * database with awkward content, and a fingerprint that proves two databases hold the same schema and data.
 */
@NullMarked
package dev.pgkeep.testsupport;

import org.jspecify.annotations.NullMarked;
