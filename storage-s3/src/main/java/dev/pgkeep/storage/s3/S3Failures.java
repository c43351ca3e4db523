package dev.pgkeep.storage.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Turns SDK exceptions into IOExceptions whose message says what failed and what to do next, without credentials. */
final class S3Failures {
    private S3Failures() {}

    static IOException describe(String action, String location, SdkException e) {
        if (e instanceof AbortedException) {
            InterruptedIOException interrupted = new InterruptedIOException(action + " " + location + " was cancelled");
            interrupted.initCause(e);
            return interrupted;
        }
        if (e instanceof S3Exception s3) {
            String code =
                    s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            String what = action + " " + location + " failed: " + (code == null ? "" : code + ", ") + "HTTP "
                    + s3.statusCode() + " (request id " + s3.requestId() + ")";
            String next = switch (s3.statusCode()) {
                case 301, 307, 400 -> "NoSuchBucket".equals(code) ? "create the bucket or fix the URI" : hint400(code);
                case 403 ->
                    "check the credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile or role) "
                            + "and that the bucket policy allows s3:PutObject, s3:GetObject, s3:ListBucket, "
                            + "s3:DeleteObject and s3:AbortMultipartUpload"
                            + (code != null && code.contains("KMS") ? " plus kms:GenerateDataKey/kms:Decrypt" : "");
                case 404 ->
                    "the bucket does not exist or the region/endpoint is wrong; create it or fix the "
                            + "repository URI";
                case 503, 500, 502, 504 ->
                    "the store is failing or throttling even after retries; try again " + "later or raise max-attempts";
                default -> "see the store's error code above";
            };
            return new IOException(what + "; " + next + ".", e);
        }
        if (e instanceof SdkClientException
                && String.valueOf(e.getMessage()).startsWith("Unable to load credentials")) {
            return new IOException(
                    action + " " + location + " failed: no AWS credentials found; set AWS_ACCESS_KEY_ID and "
                            + "AWS_SECRET_ACCESS_KEY, name a profile (profile=NAME in the URI or AWS_PROFILE), or run "
                            + "with an instance, task or web-identity role.",
                    e);
        }
        if (e instanceof SdkClientException) {
            return new IOException(
                    action + " " + location + " failed before the store answered: " + e.getMessage()
                            + "; check the endpoint, region, network and credentials.",
                    e);
        }
        return new IOException(action + " " + location + " failed: " + e.getMessage(), e);
    }

    private static String hint400(String code) {
        if ("BadDigest".equals(code) || "InvalidDigest".equals(code)) {
            return "the bytes were corrupted in transit (Content-MD5 mismatch); try again";
        }
        if ("PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code)) {
            return "the bucket is in another region; set region=... in the repository URI";
        }
        return "check the repository options (sse, kms-key-id, storage-class, endpoint)";
    }
}
