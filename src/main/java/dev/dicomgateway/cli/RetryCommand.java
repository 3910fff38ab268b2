package dev.dicomgateway.cli;

import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.deliver.FailedBatches;
import dev.dicomgateway.spool.SpoolLayout;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dicom-gateway retry BATCH | --all}: put failed batches back for delivery after fixing the cause. */
@Command(name = "retry", description = "Move failed batches back for delivery (fix the reason shown by status first).")
public final class RetryCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @ArgGroup(multiplicity = "1")
    Target target;

    static final class Target {
        @Parameters(paramLabel = "BATCH", description = "a batch id from `dicom-gateway status`")
        String batch;

        @Option(names = "--all", description = "every failed batch")
        boolean all;
    }

    @Override
    public Integer call() throws ConfigException {
        GatewayConfig settings = config.loadWithExistingSpool();
        FailedBatches failed = new FailedBatches(new SpoolLayout(settings.spool().dir()));
        try {
            List<String> ids = target.all ? failed.list().stream().map(m -> m.batchId).toList() : List.of(target.batch);
            for (String id : ids) {
                failed.retry(id);
                System.out.println("retrying " + id);
            }
            if (ids.isEmpty()) {
                System.out.println("no failed batches");
            }
            return 0;
        } catch (IOException e) {
            System.err.println(Main.wrap("dicom-gateway: " + e.getMessage()));
            return 1;
        }
    }

}
