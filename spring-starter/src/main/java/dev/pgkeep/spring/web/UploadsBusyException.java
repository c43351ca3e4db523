package dev.pgkeep.spring.web;

/** As many uploads as {@code pgkeep.admin.max-concurrent-uploads} allows are in progress; nothing was changed. */
public class UploadsBusyException extends RuntimeException {
    public UploadsBusyException(String message) {
        super(message);
    }
}
