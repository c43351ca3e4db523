package dev.pgkeep.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BoundedPipeTest {
    @Test
    void carriesEveryByteInOrderAcrossThreads() throws Exception {
        BoundedPipe pipe = new BoundedPipe(2, 1000);
        byte[] data = new byte[123_457];
        new Random(42).nextBytes(data);
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            try (OutputStream out = pipe.output()) {
                for (int i = 0; i < data.length; i += 777) {
                    out.write(data, i, Math.min(777, data.length - i));
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        pipe.drainTo(sink);
        producer.get(10, TimeUnit.SECONDS);
        assertThat(sink.toByteArray()).isEqualTo(data);
    }

    @Test
    void aFailingConsumerWakesABlockedProducer() throws Exception {
        BoundedPipe pipe = new BoundedPipe(1, 10);
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            try (OutputStream out = pipe.output()) {
                out.write(new byte[1_000_000]); // far more than the pipe holds: blocks until the consumer fails
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        OutputStream failingSink = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("disk full");
            }
        };
        assertThatThrownBy(() -> pipe.drainTo(failingSink)).hasMessage("disk full");
        assertThatThrownBy(() -> producer.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("disk full");
    }

    @Test
    void aFailingProducerStopsTheConsumer() {
        BoundedPipe pipe = new BoundedPipe(2, 10);
        pipe.failProducer();
        assertThatThrownBy(() -> pipe.drainTo(new ByteArrayOutputStream()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("previous pipeline stage failed");
    }
}
