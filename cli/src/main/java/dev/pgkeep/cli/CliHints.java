package dev.pgkeep.cli;

import dev.pgkeep.core.PgkeepException;
import org.jspecify.annotations.Nullable;

/** What to do about an error, in the CLI's terms: core names the remedy, this names the option. */
final class CliHints {
    private CliHints() {}

    /** The error's message plus, when core names a remedy, the option that applies it. */
    static String message(PgkeepException e) {
        PgkeepException.Remedy remedy = e.remedy();
        if (remedy == null) {
            return e.getMessage();
        }
        return e.getMessage() + " " + hint(remedy, e.remedyArgument());
    }

    static String hint(PgkeepException.Remedy remedy, @Nullable String argument) {
        return switch (remedy) {
            case FORCE -> "Add --force to restore over it.";
            case CONFIRM -> "Add --confirm " + argument + ".";
            case CREATE -> "Add --create to create it.";
            case DO_NOT_CREATE ->
                "Restore into it without --create (with --force if it holds tables), or give --db"
                        + " another database name.";
            case NAME_SOURCE -> "Say which with --source NAME.";
            case NAME_BACKUP -> "Give --backup ID or --latest.";
            case LIST_BACKUPS -> "Run 'pgkeep list' to see the backups there.";
            case NAME_DATABASE -> "Give --db URL (or set PGKEEP_DB).";
            case NAME_SCRATCH_SERVER -> "Give --db URL of a server to restore the test copy into.";
            case DECRYPTION_KEY ->
                "Give the secret key with --decrypt-key KEYFILE and its passphrase with"
                        + " --passphrase-env VAR (default PGKEEP_PASSPHRASE) or --passphrase-file FILE.";
            case TOOLS ->
                "Give the tools' folders with --pg-bin DIR[:DIR...] (or PGKEEP_PG_BIN); 'pgkeep doctor'"
                        + " shows what is found.";
        };
    }
}
