package dev.pgkeep.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Which signing keys restore and verify trust: with any, unsigned and otherwise signed backups are refused. */
final class TrustOptions {
    @Option(
            names = "--trusted-key",
            paramLabel = "KEYFILE",
            description = "OpenPGP public key of a host that signs backups (backup --sign-key); repeatable. With"
                    + " one, a backup that is unsigned or signed by another key is refused (exit 4).")
    List<Path> trustedKeys = new ArrayList<>();
}
