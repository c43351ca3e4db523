package dev.pgkeep.cli;

import dev.pgkeep.core.ErrorKind;
import dev.pgkeep.core.PgkeepException;

/** The CLI's exit codes, from core's one error taxonomy: the only place they are decided. */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int REFUSED = 3;
    static final int INTEGRITY = 4;

    private ExitCodes() {}

    static int of(ErrorKind kind) {
        return switch (kind) {
            case FAILED, IN_PROGRESS -> FAILED;
            case BAD_INPUT, NOT_FOUND -> USAGE;
            case REFUSED -> REFUSED;
            case INTEGRITY -> INTEGRITY;
        };
    }

    static int of(Throwable failure) {
        return failure instanceof PgkeepException p ? of(p.kind()) : FAILED;
    }
}
