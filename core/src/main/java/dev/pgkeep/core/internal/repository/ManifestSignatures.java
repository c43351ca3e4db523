package dev.pgkeep.core.internal.repository;

import dev.pgkeep.core.BackupManifest;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.spi.ManifestSigner;
import dev.pgkeep.core.spi.ManifestVerifier;
import dev.pgkeep.core.spi.StorageAdapter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import org.jspecify.annotations.Nullable;

/**
 * Signed backups: {@code manifest.sig} beside the manifest holds a signature of the manifest's
 * {@linkplain BackupManifest#signedStatement() signed statement}. It is written before the manifest (the commit
 * marker), so a backup is never listed before its signature exists; a run killed in between leaves an orphan that
 * cleanup removes with its dump.
 */
public final class ManifestSignatures {
    private final StorageAdapter storage;
    private final @Nullable ManifestSigner signer;
    private final @Nullable ManifestVerifier verifier;

    public ManifestSignatures(
            StorageAdapter storage, @Nullable ManifestSigner signer, @Nullable ManifestVerifier verifier) {
        this.storage = storage;
        this.signer = signer;
        this.verifier = verifier;
    }

    /** Stores the signature of {@code manifest} when this service signs; call it before writing the manifest. */
    public void sign(BackupManifest manifest) {
        if (signer == null) {
            return;
        }
        byte[] signature = signer.sign(manifest.signedStatement());
        String key = RepositoryLayout.signatureKey(manifest.database(), manifest.id());
        try (StorageAdapter.PendingObject object = storage.create(key)) {
            object.output().write(signature);
            object.commit();
        } catch (IOException e) {
            throw new PgkeepException(
                    "Cannot store the signature of backup " + manifest.id() + " in " + storage.describe() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * When trusted keys are configured: fails ({@link IntegrityException}) unless {@code manifest} carries a valid
     * signature by one of them. Nothing has been downloaded or changed when it fails.
     */
    public void check(BackupManifest manifest) {
        if (verifier == null) {
            return;
        }
        String what = "backup " + manifest.id() + " of " + manifest.database();
        String key = RepositoryLayout.signatureKey(manifest.database(), manifest.id());
        byte[] signature;
        try (InputStream in = storage.read(key)) {
            signature = in.readAllBytes();
        } catch (NoSuchFileException e) {
            throw new IntegrityException("The " + what + " is not signed (it has no " + RepositoryLayout.SIGNATURE
                    + "), and signatures by trusted keys are required: anyone who can write the repository could"
                    + " have replaced its dump and checksum. Refused; nothing was changed.");
        } catch (IOException e) {
            throw new PgkeepException(
                    "Cannot read the signature of " + what + " from " + storage.describe() + ": " + e.getMessage(), e);
        }
        verifier.verify(manifest.signedStatement(), signature, what);
    }
}
