package dev.dicomgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.GatewayProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway is built for Java 17 and must also run on newer runtimes (21, 25): start it on every JDK installed
 * under /usr/lib/jvm and store an instance through it.
 */
class JavaRuntimesTest {
    @TempDir
    Path work;

    @Test
    void gatewayRunsOnEveryInstalledJavaRuntime() throws Exception {
        List<Path> runtimes;
        try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
            runtimes = jvms.filter(jvm -> Files.isExecutable(jvm.resolve("bin/java")) && !Files.isSymbolicLink(jvm))
                    .sorted().toList();
        }
        assertTrue(!runtimes.isEmpty(), "no JDK under /usr/lib/jvm");
        Path ct = dev.dicomgateway.testing.Corpus.files().stream().filter(f -> f.path().endsWith("CT_small.dcm"))
                .findFirst().orElseThrow().path();
        for (Path runtime : runtimes) {
            Path spool = work.resolve(runtime.getFileName().toString());
            try (GatewayProcess gateway = GatewayProcess.start(runtime, spool, work.resolve("gateway.log"))) {
                Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), "DICOM-GATEWAY", "-xe", List.of(ct));
                assertEquals(List.of(ct), report.stored(), runtime + ": " + report.result().output());
            }
            System.out.println("gateway ran on " + runtime);
        }
    }
}
