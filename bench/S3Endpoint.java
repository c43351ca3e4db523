import dev.pgkeep.testsupport.s3.S3TestServer;
import java.nio.file.Path;

/**
 * The benchmark's S3 endpoint: s3proxy on a loopback port with a filesystem blob store (so a 1 GB upload does not
 * sit in memory), bucket {@code bench}. Prints "endpoint accessKey secretKey" on one line, then serves until killed.
 * Run by bench/run.sh as a single-file program on test-support's class path.
 */
public final class S3Endpoint {
    public static void main(String[] args) throws Exception {
        S3TestServer server = S3TestServer.builder().filesystem(Path.of(args[0])).start();
        server.createBucket("bench");
        System.out.println(server.endpoint() + " " + server.accessKey() + " " + server.secretKey());
        System.out.flush();
        Thread.currentThread().join();
    }
}
