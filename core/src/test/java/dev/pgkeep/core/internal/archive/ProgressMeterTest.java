package dev.pgkeep.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeep.core.Progress;
import dev.pgkeep.core.ProgressListener;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressMeterTest {
    @Test
    void aPhaseReportsAtItsStartAndEndAndThrottlesInBetween() throws Exception {
        List<Progress> heard = new ArrayList<>();
        ProgressMeter meter = ProgressMeter.of(heard::add);
        meter.start(Progress.CHECKSUM, 3000, false);
        try (InputStream in = meter.reading(new ByteArrayInputStream(new byte[3000]))) {
            byte[] buffer = new byte[100];
            while (in.read(buffer) >= 0) {
                // 30 reads within far less than the 200 ms interval
            }
        }
        meter.finish();
        assertThat(heard).hasSize(2);
        assertThat(heard.get(0).bytesRead()).isZero();
        assertThat(heard.get(0).phaseDone()).isFalse();
        Progress last = heard.get(1);
        assertThat(last.phaseDone()).isTrue();
        assertThat(last.bytesRead()).isEqualTo(3000);
        assertThat(last.fraction()).hasValue(1.0);
        assertThat(last.phase()).isEqualTo(Progress.CHECKSUM);

        // bytes counted between phases report nothing; the next phase starts from 0
        meter.read(500);
        meter.finish();
        assertThat(heard).hasSize(2);
        meter.start(Progress.RESTORING, -1, false);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = meter.writing(sink)) {
            out.write(new byte[42]);
        }
        meter.finish();
        assertThat(heard.get(3).bytesRead()).isZero();
        assertThat(heard.get(3).bytesWritten()).isEqualTo(42);
        assertThat(heard.get(3).fraction()).isEmpty();
        assertThat(sink.size()).isEqualTo(42);
    }

    @Test
    void noListenerMeansNothingIsWrappedOrCounted() {
        assertThat(ProgressMeter.of(ProgressListener.NONE)).isSameAs(ProgressMeter.NONE);
        InputStream in = new ByteArrayInputStream(new byte[1]);
        assertThat(ProgressMeter.NONE.reading(in)).isSameAs(in);
        assertThat(ProgressMeter.NONE.enabled()).isFalse();
    }

    @Test
    void aFailingListenerNeverFailsTheOperation() {
        ProgressMeter meter = ProgressMeter.of(p -> {
            throw new IllegalStateException("listener bug");
        });
        meter.start(Progress.DUMPING, 10, true);
        meter.read(10);
        meter.finish();
    }
}
