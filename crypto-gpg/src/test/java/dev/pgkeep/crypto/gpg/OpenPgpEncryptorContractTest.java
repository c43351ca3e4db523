package dev.pgkeep.crypto.gpg;

import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.testsupport.contract.EncryptorContract;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

class OpenPgpEncryptorContractTest extends EncryptorContract {

    @TempDir
    static Path keys;

    static TestKeys.KeyPairFiles alice;
    static TestKeys.KeyPairFiles bob;
    static TestKeys.KeyPairFiles mallory;

    @BeforeAll
    static void generateKeys() {
        alice = TestKeys.generate(keys, "alice", "alice passphrase");
        bob = TestKeys.generate(keys, "bob", "bob passphrase");
        mallory = TestKeys.generate(keys, "mallory", "mallory passphrase");
    }

    @Override
    protected Encryptor encryptor() {
        return alice.encryptor();
    }

    @Override
    protected Recipients severalRecipients() {
        Encryptor both = OpenPgpEncryptor.builder()
                .recipient(alice.publicKey())
                .recipient(bob.publicKey())
                .build();
        return new Recipients(both, List.of(alice.decryptOnly(), bob.decryptOnly()));
    }

    @Override
    protected Encryptor encryptorWithAnotherKey() {
        return mallory.encryptor();
    }
}
