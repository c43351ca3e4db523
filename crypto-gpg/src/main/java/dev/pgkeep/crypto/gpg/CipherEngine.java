package dev.pgkeep.crypto.gpg;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.PGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.PublicKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.PublicKeyKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyDataDecryptorFactoryBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyKeyEncryptionMethodGenerator;

/**
 * Which implementation runs the bulk cipher. The session-key algorithms (RSA, ECDH, X25519) always use
 * BouncyCastle's provider, which knows every OpenPGP key type; only the symmetric layer differs.
 */
enum CipherEngine {
    /** The JDK's own AES ({@code SunJCE}), which HotSpot runs on AES-NI: the default, chosen by measurement. */
    JDK_JCE,
    /** BouncyCastle's provider through the JCE API. */
    BOUNCYCASTLE_JCE,
    /** BouncyCastle's lightweight engines, without the JCE. */
    BOUNCYCASTLE_LIGHTWEIGHT;

    // An unregistered instance: pgkeep never touches the JVM-wide provider list.
    static final Provider BOUNCYCASTLE = new BouncyCastleProvider();

    // The JDK's provider of AES/CFB; JcePGPDataEncryptorBuilder finds it by default, the decryptor needs its name.
    private static final String JDK_CIPHER_PROVIDER = "SunJCE";

    PGPDataEncryptorBuilder dataEncryptor(int symmetricAlgorithm) {
        return switch (this) {
            case JDK_JCE -> new JcePGPDataEncryptorBuilder(symmetricAlgorithm).setWithIntegrityPacket(true);
            case BOUNCYCASTLE_JCE ->
                new JcePGPDataEncryptorBuilder(symmetricAlgorithm)
                        .setProvider(BOUNCYCASTLE)
                        .setWithIntegrityPacket(true);
            case BOUNCYCASTLE_LIGHTWEIGHT ->
                new BcPGPDataEncryptorBuilder(symmetricAlgorithm).setWithIntegrityPacket(true);
        };
    }

    PublicKeyKeyEncryptionMethodGenerator sessionKeyEncryption(PGPPublicKey recipient) {
        return switch (this) {
            case JDK_JCE, BOUNCYCASTLE_JCE ->
                new JcePublicKeyKeyEncryptionMethodGenerator(recipient).setProvider(BOUNCYCASTLE);
            case BOUNCYCASTLE_LIGHTWEIGHT -> new BcPublicKeyKeyEncryptionMethodGenerator(recipient);
        };
    }

    PublicKeyDataDecryptorFactory decryptorFactory(PGPPrivateKey key) {
        return switch (this) {
            case JDK_JCE ->
                new JcePublicKeyDataDecryptorFactoryBuilder()
                        .setProvider(BOUNCYCASTLE)
                        .setContentProvider(JDK_CIPHER_PROVIDER)
                        .build(key);
            case BOUNCYCASTLE_JCE ->
                new JcePublicKeyDataDecryptorFactoryBuilder()
                        .setProvider(BOUNCYCASTLE)
                        .setContentProvider(BOUNCYCASTLE)
                        .build(key);
            case BOUNCYCASTLE_LIGHTWEIGHT -> new BcPublicKeyDataDecryptorFactory(key);
        };
    }
}
