package dev.pgkeep.spring.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Whether the application runs in a container, so that "no pg_dump" can say that the image lacks the PostgreSQL
 * client tools (Buildpack and Jib images have none) instead of only listing folders.
 */
final class ContainerEnvironment {
    private static final Pattern CONTAINER_CGROUP = Pattern.compile("docker|kubepods|containerd|libpod|crio|lxc");

    private ContainerEnvironment() {}

    /** The container this JVM runs in, as words for a message, or {@code null} when it shows no sign of one. */
    static @Nullable String current() {
        return detect(Path.of("/"), System.getenv());
    }

    /**
     * Kubernetes sets {@code KUBERNETES_SERVICE_HOST} in every pod; Docker creates {@code /.dockerenv}, Podman
     * {@code /run/.containerenv}; cgroup v1 names the runtime in {@code /proc/1/cgroup}.
     */
    static @Nullable String detect(Path root, Map<String, String> environment) {
        if (environment.get("KUBERNETES_SERVICE_HOST") != null) {
            return "a Kubernetes pod";
        }
        if (Files.exists(root.resolve(".dockerenv"))) {
            return "a Docker container";
        }
        if (Files.exists(root.resolve("run/.containerenv"))) {
            return "a Podman container";
        }
        try {
            Path cgroup = root.resolve("proc/1/cgroup");
            if (Files.isReadable(cgroup)
                    && CONTAINER_CGROUP.matcher(Files.readString(cgroup)).find()) {
                return "a container";
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: no sign of a container
        }
        return null;
    }
}
