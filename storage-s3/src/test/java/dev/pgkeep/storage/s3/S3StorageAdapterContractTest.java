package dev.pgkeep.storage.s3;

import dev.pgkeep.core.spi.StorageAdapter;
import dev.pgkeep.testsupport.contract.StorageAdapterContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The storage contract against s3proxy, with 5 MiB parts so the large-object test goes up in several parts. */
class S3StorageAdapterContractTest extends StorageAdapterContract {
    private static S3Fixture s3;

    @BeforeAll
    static void startServer() throws Exception {
        s3 = S3Fixture.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        s3.close();
    }

    @Override
    protected StorageAdapter createAdapter() {
        return new S3StorageAdapter(
                s3.client, s3.options(S3Fixture.uniquePrefix()).build());
    }
}
