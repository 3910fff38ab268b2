package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.GatewayProcess;
import dev.dicomgateway.testing.TestGateway;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failing accept() — here "Too many open files", provoked by lowering the real gateway process's open-file limit
 * with prlimit while a burst of connections arrives — is transient: once descriptors are free again the listener
 * accepts the next association. (It used to end the accept loop for good while /readyz kept reporting the listener ok.)
 */
class AcceptFailureTest {
    @TempDir
    Path dir;

    @Test
    void theListenerAcceptsAgainAfterRunningOutOfFileDescriptors() throws Exception {
        Path spool = dir.resolve("spool");
        Path log = dir.resolve("gateway.log");
        try (GatewayProcess gateway = GatewayProcess.start(spool, log, "DICOM_GATEWAY_DICOM_MAXASSOCIATIONS", "200",
                "DICOM_GATEWAY_DICOM_MAXASSOCIATIONSPERPEER", "200")) {
            assertEquals(0, Dcmtk.echoscu(gateway.dicomPort(), TestGateway.AE_TITLE, "MODALITY").exitCode());
            long open;
            try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(gateway.pid()), "fd"))) {
                open = fds.count();
            }
            String original = prlimitSoft(gateway.pid());
            setSoftLimit(gateway.pid(), String.valueOf(open + 10));
            List<Socket> burst = new ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    burst.add(new Socket("127.0.0.1", gateway.dicomPort()));
                }
                awaitLine(log, "Too many open files");
            } finally {
                for (Socket socket : burst) {
                    socket.close();
                }
                setSoftLimit(gateway.pid(), original);
            }
            Dcmtk.Result echo = null;
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (System.nanoTime() < deadline) {
                echo = Dcmtk.echoscu(gateway.dicomPort(), TestGateway.AE_TITLE, "MODALITY", List.of("-to", "3"));
                if (echo.exitCode() == 0) {
                    break;
                }
            }
            assertEquals(0, echo.exitCode(), "C-ECHO after the descriptors are free again: " + echo.output()
                    + "\n" + Files.readString(log));
        }
    }

    private static String prlimitSoft(long pid) throws IOException, InterruptedException {
        Dcmtk.Result result = Dcmtk.run(List.of("prlimit", "--pid", String.valueOf(pid), "--nofile", "--raw",
                "--noheadings", "--output", "SOFT"));
        assertEquals(0, result.exitCode(), result.output());
        return result.output().strip();
    }

    private static void setSoftLimit(long pid, String soft) throws IOException, InterruptedException {
        Dcmtk.Result result = Dcmtk.run(List.of("prlimit", "--pid", String.valueOf(pid), "--nofile=" + soft + ":"));
        assertEquals(0, result.exitCode(), result.output());
    }

    private static void awaitLine(Path log, String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(50);
        }
        assertTrue(Files.readString(log).contains(text), "no \"" + text + "\" in the log:\n" + Files.readString(log));
    }
}
