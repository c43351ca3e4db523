package dev.pgkeep.example;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An ordinary application that owns a PostgreSQL database; the pgkeep starter adds backups to it. Started without a
 * configured database, it runs on a throwaway one ({@link ThrowawayDatabase}).
 */
@SpringBootApplication
public class ExampleApplication {

    public static void main(String[] args) {
        application().run(args);
    }

    /** The application as {@code main} runs it: with a throwaway database when none is configured. */
    static SpringApplication application() {
        SpringApplication app = new SpringApplication(ExampleApplication.class);
        app.addInitializers(new ThrowawayDatabase());
        return app;
    }
}
