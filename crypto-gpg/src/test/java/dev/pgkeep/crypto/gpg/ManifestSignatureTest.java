package dev.pgkeep.crypto.gpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BadInputException;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed backups with keys the real gpg made: pgkeep's signatures verify with gpg, and the other way round. */
class ManifestSignatureTest {
    private static final String PASSPHRASE = "signing passphrase " + System.nanoTime();
    private static final byte[] STATEMENT = ("pgkeep signed backup v1\nid: 20261125T020000Z-7f3a0c1d2e3f\n"
                    + "database: shop\nformat: custom\ndumpObject: dump.pgc.zst\ndumpBytes: 10\nstoredBytes: 5\n"
                    + "sha256: 00ff\n")
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path directory;

    static GnuPg gpg;
    static String signing;
    static Path signingSecret;
    static Path signingPublic;
    static Path otherPublic;

    @TempDir
    Path work;

    @BeforeAll
    static void generateKeysWithGpg() throws Exception {
        Optional<String> version = GnuPg.version();
        Assumptions.assumeTrue(version.isPresent(), "SKIPPED: no gpg binary on the PATH (apt-get install gnupg)");
        gpg = GnuPg.withHome(directory.resolve("gnupg"));
        signing = gpg.generateKey("Backup Host <host@pgkeep.test>", "ed25519", "cv25519", PASSPHRASE);
        String other = gpg.generateKey("Someone Else <else@pgkeep.test>", "ed25519", null, PASSPHRASE);
        signingSecret = gpg.exportSecret(signing, PASSPHRASE, directory.resolve("host.sec.asc"));
        signingPublic = gpg.exportPublic(signing, directory.resolve("host.pub.asc"), true);
        otherPublic = gpg.exportPublic(other, directory.resolve("else.pub.asc"), true);
    }

    @AfterAll
    static void stopAgent() throws Exception {
        if (gpg != null) {
            gpg.stopAgent();
        }
    }

    @Test
    void gpgVerifiesWhatPgkeepSignedAndPgkeepTrustsOnlyTheConfiguredKeys() throws Exception {
        OpenPgpManifestSigner signer = OpenPgpManifestSigner.fromFile(signingSecret, Secret.of(PASSPHRASE));
        assertThat(signer.describe()).contains(signing);
        byte[] signature = signer.sign(STATEMENT);
        assertThat(new String(signature, StandardCharsets.US_ASCII)).startsWith("-----BEGIN PGP SIGNATURE-----");

        Path statement = Files.write(work.resolve("statement.txt"), STATEMENT);
        Path sig = Files.write(work.resolve("manifest.sig"), signature);
        GnuPg.Result verified = gpg.run("--status-fd", "1", "--verify", sig.toString(), statement.toString());
        assertThat(verified.exitCode()).as(verified.stderr()).isZero();
        assertThat(new String(verified.stdout(), StandardCharsets.UTF_8)).contains("VALIDSIG " + signing);

        OpenPgpManifestVerifier.trusting(List.of(signingPublic)).verify(STATEMENT, signature, "backup x of shop");
        assertThatThrownBy(() -> OpenPgpManifestVerifier.trusting(List.of(otherPublic))
                        .verify(STATEMENT, signature, "backup x of shop"))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("backup x of shop is signed by key")
                .hasMessageContaining("which is not a trusted key");
        byte[] changed = new String(STATEMENT, StandardCharsets.UTF_8)
                .replace("sha256: 00ff", "sha256: 0bad")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> OpenPgpManifestVerifier.trusting(List.of(otherPublic, signingPublic))
                        .verify(changed, signature, "backup x of shop"))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("signed by trusted key " + signing)
                .hasMessageContaining("does not match the backup");
        assertThatThrownBy(() -> OpenPgpManifestVerifier.trusting(List.of(signingPublic))
                        .verify(STATEMENT, "not a signature".getBytes(StandardCharsets.UTF_8), "backup x of shop"))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("cannot be read");
    }

    @Test
    void pgkeepVerifiesADetachedSignatureGpgMade() throws Exception {
        Path statement = Files.write(work.resolve("statement.txt"), STATEMENT);
        Path sig = work.resolve("by-gpg.sig");
        gpg.withPassphrase(
                PASSPHRASE,
                new String[] {"--local-user", signing, "--armor", "--output", sig.toString()},
                "--detach-sign",
                statement.toString());
        OpenPgpManifestVerifier.trusting(List.of(signingPublic))
                .verify(STATEMENT, Files.readAllBytes(sig), "backup x of shop");
    }

    @Test
    void aSignerWithAWrongPassphraseOrOnlyAPublicKeyFailsWhenItIsMade() {
        assertThatThrownBy(() -> OpenPgpManifestSigner.fromFile(signingSecret, Secret.of("wrong")))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(signingSecret.toString())
                .hasMessageContaining("cannot sign with the OpenPGP key " + signing)
                .hasMessageNotContaining("wrong");
        assertThatThrownBy(() -> OpenPgpManifestSigner.fromFile(signingPublic, null))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("holds the public key");
    }
}
