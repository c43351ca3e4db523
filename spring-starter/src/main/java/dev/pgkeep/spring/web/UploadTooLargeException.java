package dev.pgkeep.spring.web;

/** An uploaded archive exceeds {@code pgkeep.admin.max-upload-size}; nothing was changed. */
public class UploadTooLargeException extends RuntimeException {
    public UploadTooLargeException(String message) {
        super(message);
    }
}
