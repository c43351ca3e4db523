package dev.pgkeep.storage.s3;

import dev.pgkeep.testsupport.s3.S3TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Starts {@link S3UploadProcess} in a separate JVM with this test's class path and the server's credentials. */
final class ChildJvm {
    private ChildJvm() {}

    static Process start(S3TestServer server, List<String> jvmOptions, String... args) throws IOException {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(S3UploadProcess.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        // the adapter finds credentials the way the CLI does: the SDK's default chain, here the environment
        builder.environment().put("AWS_ACCESS_KEY_ID", server.accessKey());
        builder.environment().put("AWS_SECRET_ACCESS_KEY", server.secretKey());
        builder.environment().put("AWS_CONFIG_FILE", "/nonexistent/aws-config");
        builder.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials");
        builder.environment().remove("AWS_PROFILE");
        return builder.start();
    }

    private static final Pattern GC_LINE = Pattern.compile("\\d+M->(\\d+)M\\(\\d+M\\)");

    /**
     * The largest heap left after a collection in a {@code -Xlog:gc} log: after full collections when there were any
     * (what the process really kept alive), else after any collection (an upper bound).
     */
    static long maxHeapAfterGcMiB(Path gcLog) throws IOException {
        List<String> lines = Files.readAllLines(gcLog);
        boolean anyFull = lines.stream().anyMatch(line -> line.contains("Pause Full"));
        long max = 0;
        for (String line : lines) {
            Matcher m = GC_LINE.matcher(line);
            if (m.find() && (!anyFull || line.contains("Pause Full"))) {
                max = Math.max(max, Long.parseLong(m.group(1)));
            }
        }
        return max;
    }

    static String repositoryUri(S3TestServer server, String prefix, String extra) {
        return "s3://" + S3Fixture.BUCKET + "/" + prefix + "?endpoint=" + server.endpoint() + "&path-style=true"
                + (extra.isEmpty() ? "" : "&" + extra);
    }
}
