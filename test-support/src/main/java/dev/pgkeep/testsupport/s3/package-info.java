/** A throwaway S3 API server (s3proxy) for tests of S3 storage. */
@NullMarked
package dev.pgkeep.testsupport.s3;

import org.jspecify.annotations.NullMarked;
