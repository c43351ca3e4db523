package dev.pgkeep.spring.cluster;

import dev.pgkeep.spring.host.TestHostApplication;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The test host application in a JVM of its own, so that a test can SIGKILL it: holds every backup started by the
 * subject {@code holder} until it dies, and prints {@code READY} once it serves requests.
 */
public final class ChildHost {
    private ChildHost() {}

    public static void main(String[] args) {
        ConfigurableApplicationContext context = SpringApplication.run(TestHostApplication.class, args);
        context.getBean(TestHostApplication.RecordingAuditSink.class).release = new CountDownLatch(1);
        System.out.println("READY");
        System.out.flush();
    }
}
