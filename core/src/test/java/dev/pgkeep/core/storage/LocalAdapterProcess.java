package dev.pgkeep.core.storage;

import dev.pgkeep.core.spi.StorageAdapter.PendingObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A separate JVM using {@link LocalStorageAdapter}, for tests of what one process sees of another's writes.
 *
 * <pre>
 * write ROOT KEY   start writing KEY, write a few bytes, print WRITING, wait (never committing) until killed
 * clean ROOT       run the leftover cleanup once and print how many it removed
 * commit ROOT KEY  write KEY (a few bytes) and commit it
 * </pre>
 */
public final class LocalAdapterProcess {
    private LocalAdapterProcess() {}

    public static void main(String[] args) throws Exception {
        LocalStorageAdapter adapter = new LocalStorageAdapter(Path.of(args[1]));
        if (args[0].equals("clean")) {
            System.out.println(adapter.removeIncompleteWrites(Duration.ZERO));
            return;
        }
        if (args[0].equals("commit")) {
            try (PendingObject pending = adapter.create(args[2])) {
                pending.output().write(new byte[] {1, 2, 3});
                pending.commit();
            }
            return;
        }
        PendingObject pending = adapter.create(args[2]);
        pending.output().write(new byte[4096]);
        pending.output().flush();
        System.out.println("WRITING");
        System.out.flush();
        System.in.read();
    }

    static Process start(String... args) throws IOException {
        return start(List.of(), args);
    }

    /** Runs it behind {@code wrapper} (e.g. {@code strace ...}), which ends with the program to run. */
    static Process start(List<String> wrapper, String... args) throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LocalAdapterProcess.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    static String firstLine(Process process) throws IOException {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }
}
