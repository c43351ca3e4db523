package dev.pgkeep.core.internal.archive;

import dev.pgkeep.core.BackupManifest.StoredObject;
import dev.pgkeep.core.BackupManifest.TableRows;
import dev.pgkeep.core.IntegrityException;
import dev.pgkeep.core.PgkeepException;
import dev.pgkeep.core.internal.postgres.PgRestoreCheck;
import dev.pgkeep.core.internal.postgres.PgTools;
import dev.pgkeep.core.spi.Codec;
import dev.pgkeep.core.spi.Encryptor;
import dev.pgkeep.core.spi.ProcessRunner.RunningProcess;
import dev.pgkeep.core.spi.StorageAdapter;
import java.io.BufferedReader;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A parallel backup's pipeline. {@code pg_dump --format=directory --jobs=N --compress=0 --verbose} writes one file per
 * table into a private spool folder; as soon as its log says {@code finished item <id> TABLE DATA ...} (the leader's
 * {@code mark_dump_job_done}, the same words in pg_dump 13 to 18) that file is complete, streams through the codec, the
 * encryptor and SHA-256 into storage as an object of its own on one of a bounded pool of threads, while pg_dump goes
 * on with the other tables, and leaves the spool. What is left when pg_dump exits ({@code toc.dat}, large objects)
 * follows. The spool so holds at most the tables being dumped or stored at the moment, uncompressed.
 */
public final class DirectoryDump {
    private static final int BUFFER = 256 * 1024;
    private static final Pattern FINISHED = Pattern.compile("^pg_dump: finished item (\\d+) TABLE DATA ");
    private static final Pattern DATA_FILE = Pattern.compile("(\\d+)\\.dat");
    /** The object name prefix of a directory backup's files: {@code dump.d.toc.dat.zst}. */
    public static final String OBJECT_PREFIX = "dump.d.";

    /** Creates the pending object a file goes to, by object name. */
    @FunctionalInterface
    public interface Objects {
        StorageAdapter.PendingObject create(String objectName) throws IOException;
    }

    /** What was stored: every object, the table of contents' object name, the row counts and the spool's peak. */
    public record Outcome(
            List<StoredObject> objects,
            String tocObject,
            long dumpBytes,
            long storedBytes,
            List<TableRows> tables,
            long spoolPeakBytes) {}

    private final Path dir;
    private final Codec codec;
    private final Encryptor encryptor;
    private final Objects objects;
    private final String suffix;
    private final ExecutorService pool;
    private final ProgressMeter meter;
    private final List<Future<StoredObject>> uploads = new ArrayList<>();
    private final Set<String> submitted = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Long> rows = new ConcurrentHashMap<>();
    private final Map<Integer, Boolean> ended = new ConcurrentHashMap<>();
    private final List<String> committed = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong spoolPeak = new AtomicLong();
    private final Deque<String> said = new ArrayDeque<>();
    private final Set<Integer> finishedIds = ConcurrentHashMap.newKeySet();
    private final Object signal = new Object();
    private volatile boolean exited;
    private static final long POLL_MILLIS = 10;

    private DirectoryDump(
            Path dir, Codec codec, Encryptor encryptor, Objects objects, int consumers, ProgressMeter meter) {
        this.dir = dir;
        this.codec = codec;
        this.encryptor = encryptor;
        this.objects = objects;
        this.suffix = codec.fileSuffix() + encryptor.fileSuffix();
        this.meter = meter;
        this.pool = Executors.newFixedThreadPool(consumers, r -> {
            Thread t = new Thread(r, "pgkeep-store-file");
            t.setDaemon(true);
            return t;
        });
    }

    /** The object name a pg_dump file is stored under. */
    public static String objectName(String file, Codec codec, Encryptor encryptor) {
        return OBJECT_PREFIX + file + codec.fileSuffix() + encryptor.fileSuffix();
    }

    /** The command line arguments that make pg_dump write its directory format into {@code dir}. */
    public static List<String> pgDumpOptions(Path dir, int jobs) {
        return List.of("--format=directory", "--jobs=" + jobs, "--compress=0", "--verbose", "--file=" + dir);
    }

    /**
     * Stores what {@code pgDump} (started with {@link #pgDumpOptions}) writes into {@code dir}. Waits for pg_dump's
     * exit and proves the archive ({@code pg_restore --list} of {@code toc.dat}, every table's data file stored and
     * ending as COPY data ends); on failure removes what it stored. {@code what} names the backup in messages.
     */
    public static Outcome run(
            RunningProcess pgDump,
            Path dir,
            PgTools tools,
            Codec codec,
            Encryptor encryptor,
            Objects objects,
            int consumers,
            ProgressMeter meter,
            String what,
            Deleter deleter)
            throws IOException, InterruptedException {
        DirectoryDump dump = new DirectoryDump(dir, codec, encryptor, objects, consumers, meter);
        try {
            return dump.store(pgDump, tools, what);
        } catch (IOException | InterruptedException | RuntimeException e) {
            pgDump.kill();
            dump.exited = true; // ends the spool watcher
            dump.pool.shutdownNow();
            try {
                // no store still running may commit after its object was deleted here
                dump.pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            for (String name : List.copyOf(dump.committed)) {
                deleter.delete(name);
            }
            throw e;
        } finally {
            dump.pool.shutdownNow();
        }
    }

    /** Removes a stored object again (best effort). */
    @FunctionalInterface
    public interface Deleter {
        void delete(String objectName);
    }

    private Outcome store(RunningProcess pgDump, PgTools tools, String what) throws IOException, InterruptedException {
        pgDump.stdin().close();
        Thread log = new Thread(() -> readLog(pgDump.stderr()), "pgkeep-pg_dump-log");
        log.setDaemon(true);
        log.start();
        Thread watcher = new Thread(this::watchSpool, "pgkeep-spool-watch");
        watcher.setDaemon(true);
        watcher.start();
        try (InputStream out = pgDump.stdout()) {
            out.transferTo(OutputStream.nullOutputStream());
        }
        int exit = pgDump.waitFor();
        log.join(30_000);
        exited = true; // every file is as complete as it will get
        signal();
        watcher.join(30_000);
        if (exit != 0) {
            throw new PgkeepException(what + " failed (exit code " + exit + "): " + messages());
        }
        Path toc = dir.resolve("toc.dat");
        if (!Files.isRegularFile(toc)) {
            throw new PgkeepException(what + " exited without writing its files into the spool folder " + dir
                    + ": a process runner that runs pg_dump elsewhere (a container, another host) cannot make a"
                    + " parallel backup; back up with one job.");
        }
        ArchiveHeader header = readToc(toc, what);
        PgRestoreCheck.Result listed;
        try (PgRestoreCheck list = PgRestoreCheck.start(tools, List.of("--list", dir.toString()))) {
            listed = list.finish();
        }
        if (!listed.ran()) {
            throw new PgkeepException("Cannot check the archive of " + what + ": " + listed.message()
                    + ". Install pg_restore beside pg_dump; nothing was stored.");
        }
        if (!listed.ok()) {
            throw new PgkeepException(what + " produced an archive that pg_restore cannot read (" + listed.message()
                    + "); nothing was stored.");
        }
        List<String> rest;
        try (Stream<Path> files = Files.list(dir)) {
            rest = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        for (String file : rest) {
            submit(file);
        }
        List<StoredObject> stored = new ArrayList<>();
        for (Future<StoredObject> upload : uploads) {
            stored.add(await(upload));
        }
        List<TableRows> tables = new ArrayList<>();
        for (ArchiveHeader.TocEntry entry : header.toc().values()) {
            if (!"TABLE DATA".equals(entry.desc()) || !entry.hasData()) {
                continue;
            }
            if (!Boolean.TRUE.equals(ended.get(entry.dumpId()))) {
                throw new PgkeepException(what + " produced a truncated archive (the data file " + entry.dumpId()
                        + ".dat of " + entry.namespace() + "." + entry.tag()
                        + " is missing or does not end as COPY data does); nothing was stored.");
            }
            tables.add(new TableRows(
                    entry.namespace() == null ? "" : entry.namespace(),
                    entry.tag() == null ? "" : entry.tag(),
                    rows.get(entry.dumpId())));
        }
        ArchiveInspector.sortByName(tables);
        long dumpBytes = stored.stream().mapToLong(StoredObject::dumpBytes).sum();
        long storedBytes = stored.stream().mapToLong(StoredObject::storedBytes).sum();
        return new Outcome(stored, OBJECT_PREFIX + "toc.dat" + suffix, dumpBytes, storedBytes, tables, spoolPeak.get());
    }

    /** The result of a task on one of the pools, its failure thrown as it was. */
    static <T> T await(Future<T> task) throws IOException, InterruptedException {
        try {
            return task.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(cause.getMessage(), cause);
        }
    }

    /** Reads a directory archive's {@code toc.dat} (the same header and table of contents as a custom archive). */
    static ArchiveHeader readToc(Path toc, String what) throws IOException {
        byte[] bytes = Files.readAllBytes(toc);
        try {
            return ArchiveHeader.parse(new ArchiveHeader.Reader(bytes, bytes.length));
        } catch (ArchiveHeader.NeedMoreBytes | ArchiveHeader.UnexpectedArchive e) {
            throw new IntegrityException(what + ": its table of contents (toc.dat) cannot be read ("
                    + (e.getMessage() == null ? "it ends early" : e.getMessage()) + ").");
        }
    }

    /** pg_dump's verbose log: finished tables go to storage at once; what is not chatter is kept for messages. */
    private void readLog(InputStream stderr) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                Matcher finished = FINISHED.matcher(line);
                if (finished.find()) {
                    measureSpool();
                    finishedIds.add(Integer.valueOf(finished.group(1)));
                    signal();
                    submit(finished.group(1) + ".dat");
                } else if (!line.startsWith("pg_dump: ")
                        || line.startsWith("pg_dump: error:")
                        || line.startsWith("pg_dump: warning:")
                        || line.startsWith("pg_dump: detail:")
                        || line.startsWith("pg_dump: hint:")) {
                    synchronized (said) {
                        said.addLast(line);
                        if (said.size() > 20) {
                            said.removeFirst();
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // pg_dump went away; its exit code says why, and every file left is stored after it
        }
    }

    private String messages() {
        synchronized (said) {
            return said.isEmpty() ? "(no message)" : String.join("\n", said);
        }
    }

    private void measureSpool() {
        try (Stream<Path> files = Files.list(dir)) {
            long total = files.mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException e) {
                            return 0; // stored and removed meanwhile
                        }
                    })
                    .sum();
            spoolPeak.accumulateAndGet(total, Math::max);
        } catch (IOException e) {
            // only a measurement
        }
    }

    /**
     * Starts storing each table's file as soon as pg_dump creates it, so that compressing and storing a table
     * overlaps with dumping it; the reader follows the file as it grows ({@link GrowingFile}).
     */
    private void watchSpool() {
        while (!exited) {
            try (Stream<Path> files = Files.list(dir)) {
                files.map(f -> f.getFileName().toString())
                        .filter(f -> DATA_FILE.matcher(f).matches())
                        .forEach(this::submit);
            } catch (IOException | RuntimeException e) {
                // pg_dump has not created the folder yet, or a file went meanwhile
            }
            awaitSignal();
        }
    }

    private void signal() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /** Waits until pg_dump finishes an item or exits, or {@value #POLL_MILLIS} ms pass (a file may have grown). */
    private void awaitSignal() {
        synchronized (signal) {
            try {
                signal.wait(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether pg_dump is done with {@code dumpId}'s file: its leader said so, or it exited. */
    private boolean complete(@Nullable Integer dumpId) {
        return exited || (dumpId != null && finishedIds.contains(dumpId));
    }

    /**
     * A file pg_dump may still be writing: at its current end, a read waits until it grows, or returns the end once
     * the file is known complete (checked before the read that found no more bytes, so no last write is missed).
     */
    private final class GrowingFile extends InputStream {
        private final java.nio.channels.FileChannel channel;
        private final @Nullable Integer dumpId;

        GrowingFile(Path path, @Nullable Integer dumpId) throws IOException {
            this.channel = java.nio.channels.FileChannel.open(path, java.nio.file.StandardOpenOption.READ);
            this.dumpId = dumpId;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (true) {
                boolean done = complete(dumpId);
                int n = channel.read(java.nio.ByteBuffer.wrap(b, off, len));
                if (n > 0) {
                    return n;
                }
                if (done) {
                    return -1;
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new java.io.InterruptedIOException("stopped while waiting for pg_dump to write " + dumpId);
                }
                awaitSignal();
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private synchronized void submit(String file) {
        if (submitted.add(file)) {
            uploads.add(pool.submit(() -> storeFile(file)));
        }
    }

    private StoredObject storeFile(String file) throws IOException {
        Path path = dir.resolve(file);
        Matcher data = DATA_FILE.matcher(file);
        Integer dumpId = data.matches() ? Integer.valueOf(data.group(1)) : null;
        CopyRowCounter counter = new CopyRowCounter();
        counter.startBlock(dumpId);
        String name = OBJECT_PREFIX + file + suffix;
        long dumpBytes = 0;
        CountingDigestOutputStream counted;
        try (StorageAdapter.PendingObject object = objects.create(name);
                InputStream in = new GrowingFile(path, dumpId)) {
            counted = new CountingDigestOutputStream(object.output());
            OutputStream encrypted = encryptor.encrypt(counted);
            try (OutputStream out = codec.compress(new FilterOutputStream(encrypted) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    out.flush(); // the encryption ends below, once
                }
            })) {
                byte[] buffer = new byte[BUFFER];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    counter.count(buffer, 0, n);
                    out.write(buffer, 0, n);
                    dumpBytes += n;
                    meter.read(n);
                }
            }
            encrypted.close();
            object.commit();
            committed.add(name);
        }
        if (dumpId != null) {
            ended.put(dumpId, counter.endBlock());
            rows.put(dumpId, counter.of(dumpId));
        }
        if (!file.equals("toc.dat")) {
            Files.deleteIfExists(path); // toc.dat stays for pg_restore --list until the spool goes
        }
        meter.written(counted.count());
        return new StoredObject(name, file, dumpBytes, counted.count(), counted.sha256Hex());
    }

    /** Removes the spool folder and whatever is left in it. */
    public static void deleteSpool(@Nullable Path spool) {
        if (spool == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(spool)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: it is in the temp folder
        }
    }
}
