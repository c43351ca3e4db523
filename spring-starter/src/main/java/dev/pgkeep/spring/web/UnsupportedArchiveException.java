package dev.pgkeep.spring.web;

/** An uploaded file is not an archive format pgkeep reads; nothing was changed. */
public class UnsupportedArchiveException extends RuntimeException {
    public UnsupportedArchiveException(String message) {
        super(message);
    }
}
