package dev.dicomgateway.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Orthanc (/usr/sbin/Orthanc, Debian package orthanc) on loopback and free ports with its own storage under
 * {@code directory}, knowing the gateway as modality "gw". Its REST API drives it; {@link #close} stops it.
 */
public final class OrthancProcess implements AutoCloseable {
    public static final String BINARY = "/usr/sbin/Orthanc";
    public static final String AE_TITLE = "ORTHANC";

    private final Process process;
    private final int dicomPort;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private OrthancProcess(Process process, int dicomPort, int httpPort) {
        this.process = process;
        this.dicomPort = dicomPort;
        this.httpPort = httpPort;
    }

    public static boolean installed() {
        return Files.isExecutable(Path.of(BINARY));
    }

    /** Starts Orthanc with its DICOM port {@code dicomPort} (a {@link GatewayProcess#freePort()}). */
    public static OrthancProcess start(Path directory, int dicomPort, String gatewayAe, int gatewayPort) throws Exception {
        int httpPort = GatewayProcess.freePort();
        Files.createDirectories(directory.resolve("storage"));
        Path config = directory.resolve("orthanc.json");
        Files.writeString(config, """
                {
                  "Name": "gateway-test",
                  "StorageDirectory": "%s",
                  "IndexDirectory": "%s",
                  "DicomAet": "%s",
                  "DicomPort": %d,
                  "HttpPort": %d,
                  "DicomCheckCalledAet": false,
                  "RemoteAccessAllowed": false,
                  "AuthenticationEnabled": false,
                  "DicomScuTimeout": 10,
                  "DicomModalities": { "gw": [ "%s", "127.0.0.1", %d ] },
                  "Plugins": []
                }
                """.formatted(directory.resolve("storage"), directory.resolve("storage"), AE_TITLE, dicomPort, httpPort,
                gatewayAe, gatewayPort));
        Process process = new ProcessBuilder(BINARY, config.toString())
                .redirectErrorStream(true).redirectOutput(directory.resolve("orthanc.log").toFile()).start();
        OrthancProcess orthanc = new OrthancProcess(process, dicomPort, httpPort);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (orthanc.get("/system").statusCode() == 200) {
                    return orthanc;
                }
            } catch (IOException notYet) {
                // starting
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                orthanc.close();
                throw new IllegalStateException("Orthanc did not start; see " + directory.resolve("orthanc.log"));
            }
            Thread.sleep(100);
        }
    }

    public int dicomPort() {
        return dicomPort;
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
