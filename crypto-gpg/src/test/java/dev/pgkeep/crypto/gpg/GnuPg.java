package dev.pgkeep.crypto.gpg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The real {@code gpg} binary with its own throwaway home directory. Passphrases go through file descriptor 0,
 * never through the command line.
 */
final class GnuPg {
    private final Path home;

    private GnuPg(Path home) {
        this.home = home;
    }

    /** The gpg on the PATH, or empty when there is none. */
    static Optional<String> version() {
        try {
            Process process = new ProcessBuilder("gpg", "--version")
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.waitFor() == 0
                    ? Optional.of(output.lines().findFirst().orElse("gpg"))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    static GnuPg withHome(Path home) throws IOException {
        Files.createDirectories(home);
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return new GnuPg(home);
    }

    /** Runs gpg in batch mode; {@code stdin} is what it reads from descriptor 0 (a passphrase or data). */
    Result run(byte[] stdin, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("gpg", "--batch", "--no-tty", "--homedir", home.toString()));
        command.addAll(List.of(arguments));
        Path out = Files.createTempFile(home, "stdout", ".bin");
        Path err = Files.createTempFile(home, "stderr", ".txt");
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin);
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("gpg did not finish within 120 s: " + command);
        }
        Result result = new Result(process.exitValue(), Files.readAllBytes(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return result;
    }

    Result run(String... arguments) throws IOException, InterruptedException {
        return run(new byte[0], arguments);
    }

    /** Runs gpg and expects success. */
    Result ok(byte[] stdin, String... arguments) throws IOException, InterruptedException {
        Result result = run(stdin, arguments);
        assertThat(result.exitCode())
                .as("gpg %s failed: %s", List.of(arguments), result.stderr())
                .isZero();
        return result;
    }

    /** Runs {@code gpg --encrypt} of {@code input} to one recipient (trusted as is), with extra options. */
    Path encrypt(Path input, Path output, String recipient, String... options)
            throws IOException, InterruptedException {
        return encrypt(new byte[0], input, output, recipient, options);
    }

    /** As {@link #encrypt(Path, Path, String, String...)}, with {@code stdin} for a signing key's passphrase. */
    Path encrypt(byte[] stdin, Path input, Path output, String recipient, String... options)
            throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of("--trust-model", "always"));
        arguments.addAll(List.of(options));
        arguments.addAll(
                List.of("--output", output.toString(), "--recipient", recipient, "--encrypt", input.toString()));
        ok(stdin, arguments.toArray(String[]::new));
        return output;
    }

    /**
     * Generates a key with the given primary algorithm and an encryption subkey (none when null), both valid for a
     * year, and returns its fingerprint.
     *
     * @param options extra gpg options for both steps, e.g. {@code --faked-system-time 20200101T000000}
     */
    String generateKey(
            String userId, String primary, @Nullable String encryptionSubkey, String passphrase, String... options)
            throws IOException, InterruptedException {
        withPassphrase(passphrase, options, "--quick-gen-key", userId, primary, "sign,cert", "1y");
        String fingerprint = fingerprint(userId);
        if (encryptionSubkey != null) {
            withPassphrase(passphrase, options, "--quick-add-key", fingerprint, encryptionSubkey, "encr", "1y");
        }
        return fingerprint;
    }

    /** Runs a key-editing command that needs the key's passphrase (given on descriptor 0). */
    Result withPassphrase(String passphrase, String[] options, String... command)
            throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of(options));
        arguments.addAll(List.of("--pinentry-mode", "loopback", "--passphrase-fd", "0"));
        arguments.addAll(List.of(command));
        return ok((passphrase + "\n").getBytes(StandardCharsets.UTF_8), arguments.toArray(String[]::new));
    }

    String fingerprint(String userId) throws IOException, InterruptedException {
        String listing = new String(
                ok(new byte[0], "--with-colons", "--list-keys", "=" + userId).stdout(), StandardCharsets.UTF_8);
        return listing.lines()
                .filter(line -> line.startsWith("fpr:"))
                .map(line -> line.split(":")[9])
                .findFirst()
                .orElseThrow();
    }

    Path exportPublic(String fingerprint, Path file, boolean armor) throws IOException, InterruptedException {
        Files.write(
                file,
                ok(
                                new byte[0],
                                armor
                                        ? new String[] {"--armor", "--export", fingerprint}
                                        : new String[] {"--export", fingerprint})
                        .stdout());
        return file;
    }

    Path exportSecret(String fingerprint, String passphrase, Path file) throws IOException, InterruptedException {
        Files.write(
                file,
                ok(
                                (passphrase + "\n").getBytes(StandardCharsets.UTF_8),
                                "--pinentry-mode",
                                "loopback",
                                "--passphrase-fd",
                                "0",
                                "--armor",
                                "--export-secret-keys",
                                fingerprint)
                        .stdout());
        return file;
    }

    /** Imports the revocation certificate gpg wrote when it generated the key. */
    void revoke(String fingerprint) throws IOException, InterruptedException {
        String certificate = Files.readString(home.resolve("openpgp-revocs.d").resolve(fingerprint + ".rev"));
        // gpg prefixes the armor line with ':' so the certificate cannot be imported by accident.
        ok(certificate.replace(":-----BEGIN", "-----BEGIN").getBytes(StandardCharsets.UTF_8), "--import");
    }

    /** Stops the agent this home directory started. */
    void stopAgent() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent")
                .redirectErrorStream(true)
                .start();
        process.getInputStream().readAllBytes();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** What one gpg run printed and returned. */
    record Result(int exitCode, byte[] stdout, String stderr) {}
}
