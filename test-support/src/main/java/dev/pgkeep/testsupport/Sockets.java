package dev.pgkeep.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** For asserting that a server is gone: whether anything still accepts connections on a loopback port. */
public final class Sockets {
    private Sockets() {}

    /** True when a TCP connection to {@code 127.0.0.1:port} succeeds within a second. */
    public static boolean acceptsOnLoopback(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
