/** Tests of the S3 adapter against a real S3 API server (s3proxy). */
@NullMarked
package dev.pgkeep.storage.s3;

import org.jspecify.annotations.NullMarked;
