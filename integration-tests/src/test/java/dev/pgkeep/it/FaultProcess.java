package dev.pgkeep.it;

import dev.pgkeep.core.BackupService;
import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.core.RestoreRequest;
import dev.pgkeep.core.RestoreSource;
import dev.pgkeep.core.RetentionPolicy;
import dev.pgkeep.core.Trigger;
import dev.pgkeep.core.VerifyRequest;
import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.core.storage.LocalStorageAdapter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A separate JVM running one pgkeep operation, for tests that SIGKILL it at a chosen moment. The scratch server's URL
 * comes from the environment ({@code FAULT_DB_URL}), never from the command line.
 *
 * <pre>
 * verify-restore-test REPO TOOLS ID               a restore-test verify of backup ID in the local repository REPO
 * restore REPO TOOLS ID TEMP JOBS TARGET           a restore of backup ID into a new database TARGET on that server
 * prune REPO TOOLS [HALT-AFTER]                    retention: keep one day, at least one backup per database; with
 *                                                  HALT-AFTER, it stops for good after that many manifest deletions
 *                                                  and says so in REPO/../prune.halted (the test kills it then)
 * </pre>
 */
public final class FaultProcess {
    private FaultProcess() {}

    public static void main(String[] args) {
        StorageAdapter storage = new LocalStorageAdapter(Path.of(args[1]));
        if (args[0].equals("prune") && args.length > 3) {
            storage = haltingAfter(
                    storage, Integer.parseInt(args[3]), Path.of(args[1]).resolveSibling("prune.halted"));
        }
        BackupService service = BackupService.builder()
                .storage(storage)
                .toolsDirectory(Path.of(args[2]))
                .tempDirectory(args.length > 4 ? Path.of(args[4]) : null)
                .build();
        if (args[0].equals("prune")) {
            service.prune(new RetentionPolicy(1, 1), false);
            return;
        }

        DatabaseConnection server = DatabaseConnection.parse(System.getenv("FAULT_DB_URL"));
        switch (args[0]) {
            case "restore" ->
                service.restore(RestoreRequest.builder(RestoreSource.byId(args[3]), server.withDatabase(args[6]))
                        .createDatabase(true)
                        .jobs(Integer.parseInt(args[5]))
                        .build());
            case "verify-restore-test" ->
                service.verify(VerifyRequest.withRestoreTest(RestoreSource.byId(args[3]), server, Trigger.TEST));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /**
     * The real local storage, except that after {@code manifests} manifest deletions it writes {@code marker} and
     * blocks every further call: the process is then midway through its prune for certain, however fast the machine.
     */
    private static StorageAdapter haltingAfter(StorageAdapter real, int manifests, Path marker) {
        java.util.concurrent.atomic.AtomicInteger deleted = new java.util.concurrent.atomic.AtomicInteger();
        return (StorageAdapter) java.lang.reflect.Proxy.newProxyInstance(
                StorageAdapter.class.getClassLoader(), new Class<?>[] {StorageAdapter.class}, (proxy, method, args) -> {
                    if (method.getName().equals("delete")
                            && String.valueOf(args[0]).endsWith("/manifest.json")
                            && deleted.incrementAndGet() > manifests) {
                        java.nio.file.Files.writeString(marker, "halted after " + manifests + " manifests\n");
                        new java.util.concurrent.CountDownLatch(1).await(); // until killed
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    static Process start(String dbUrl, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                FaultProcess.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("FAULT_DB_URL", dbUrl);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }
}
