/**
 * Backups in AWS S3 and S3-compatible stores (MinIO, Cloudflare R2, Ceph, Wasabi): {@link
 * dev.pgkeep.storage.s3.S3StorageAdapter} streams objects with multipart upload in bounded memory.
 */
@NullMarked
package dev.pgkeep.storage.s3;

import org.jspecify.annotations.NullMarked;
