package dev.pgkeep.core.internal.command;

import dev.pgkeep.core.spi.ProcessRunner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Stands in for the PostgreSQL programs in unit tests of the commands: each rule answers the commands it matches
 * with an exit code, stdout and stderr; every argv is recorded. A command no rule matches fails to start.
 */
public final class FakeProcessRunner implements ProcessRunner {
    public record Answer(int exit, byte[] stdout, String stderr) {
        public static Answer ok(String stdout) {
            return new Answer(0, stdout.getBytes(StandardCharsets.UTF_8), "");
        }

        public static Answer ok(byte[] stdout) {
            return new Answer(0, stdout, "");
        }

        public static Answer fail(int exit, String stderr) {
            return new Answer(exit, new byte[0], stderr);
        }
    }

    private record Rule(Predicate<List<String>> matches, Answer answer) {}

    private final List<Rule> rules = new ArrayList<>();
    public final List<List<String>> commands = new CopyOnWriteArrayList<>();

    /** Answers commands whose program is {@code program} and whose argv contains every one of {@code args}. */
    public FakeProcessRunner on(String program, List<String> args, Answer answer) {
        rules.add(
                0,
                new Rule(
                        c -> Path.of(c.get(0)).getFileName().toString().equals(program)
                                && String.join("\u0000", c).contains(String.join("\u0000", args)),
                        answer));
        return this;
    }

    /** Like {@link #on}, answering {@code first} the first time and {@code later} every time after. */
    public FakeProcessRunner onceThen(String program, List<String> args, Answer first, Answer later) {
        on(program, args, later);
        java.util.function.Predicate<List<String>> matches = rules.get(0).matches();
        java.util.concurrent.atomic.AtomicBoolean used = new java.util.concurrent.atomic.AtomicBoolean();
        rules.add(0, new Rule(c -> matches.test(c) && used.compareAndSet(false, true), first));
        return this;
    }

    /** Answers the command whose first word is exactly {@code path} (a program in one tools folder). */
    public FakeProcessRunner onPath(String path, Answer answer) {
        rules.add(0, new Rule(c -> c.get(0).equals(path), answer));
        return this;
    }

    /** A PostgreSQL {@code version} server with tools of the same version, answering what every command asks. */
    static FakeProcessRunner postgres(String version) {
        FakeProcessRunner runner = new FakeProcessRunner();
        runner.on("pg_dump", List.of("--version"), Answer.ok("pg_dump (PostgreSQL) " + version + "\n"));
        runner.on("psql", List.of("SHOW server_version"), Answer.ok(version + "\n"));
        runner.on("pg_restore", List.of("--list"), Answer.ok(";\n; Archive\n;\n1; 0 0 TABLE DATA public t app\n"));
        runner.on("pg_restore", List.of("--file=/dev/null"), Answer.ok(""));
        return runner;
    }

    List<List<String>> commandsOf(String program) {
        return commands.stream()
                .filter(c -> Path.of(c.get(0)).getFileName().toString().equals(program))
                .toList();
    }

    @Override
    public RunningProcess start(List<String> command, Map<String, String> environment, @Nullable Path workingDirectory)
            throws IOException {
        commands.add(List.copyOf(command));
        for (Rule rule : rules) {
            if (rule.matches().test(command)) {
                return new Finished(rule.answer());
            }
        }
        throw new IOException("no such program in this test: " + String.join(" ", command));
    }

    /** A process that has already done its work: its output is there to read, its input goes nowhere. */
    private static final class Finished implements RunningProcess {
        private final Answer answer;
        private final InputStream stdout;

        Finished(Answer answer) {
            this.answer = answer;
            this.stdout = new ByteArrayInputStream(answer.stdout());
        }

        @Override
        public OutputStream stdin() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream stdout() {
            return stdout;
        }

        @Override
        public InputStream stderr() {
            return new ByteArrayInputStream(answer.stderr().getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public int waitFor() {
            return answer.exit();
        }

        @Override
        public boolean waitFor(long timeout, TimeUnit unit) {
            return true;
        }

        @Override
        public void kill() {}

        @Override
        public boolean isAlive() {
            return false;
        }
    }
}
