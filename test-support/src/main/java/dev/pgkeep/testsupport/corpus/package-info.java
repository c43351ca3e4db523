/**
 * A generated test corpus that looks like production databases: {@link dev.pgkeep.testsupport.corpus.LargeCatalog}
 * (thousands of tables, a table of contents of megabytes), {@link dev.pgkeep.testsupport.corpus.EveryObjectKind}
 * (every kind of object pg_dump writes, on PostgreSQL 13 to 18), a {@link
 * dev.pgkeep.testsupport.corpus.CorpusFingerprint} that compares two such databases quickly, and {@link
 * dev.pgkeep.testsupport.corpus.CorpusMain} to build the corpus on any server. Every schema, name and value is made
 * by this code; nothing is copied from elsewhere.
 */
@NullMarked
package dev.pgkeep.testsupport.corpus;

import org.jspecify.annotations.NullMarked;
