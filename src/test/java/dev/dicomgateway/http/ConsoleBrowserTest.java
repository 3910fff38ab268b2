package dev.dicomgateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.StoreCall;
import dev.dicomgateway.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The operator console in a real browser (headless Chromium, Debian's chromium and chromium-driver) against a running
 * gateway with real traffic: the numbers the page shows are the API's, Retry on a failed batch delivers it once the
 * cause is fixed, Release on a quarantined instance sends it on. A screenshot goes to target/console/console.png.
 * No browser installed fails the test (bin/install-prerequisites --test installs it).
 */
class ConsoleBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String TOKEN = "console-test-token-4f9a";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path work;

    @Test
    void theConsoleShowsTheApisNumbersAndItsButtonsRetryAndRelease() throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "headless Chromium is needed: apt-get install chromium chromium-driver (bin/install-prerequisites --test)");
        Path tokenFile = work.resolve("admin.token");
        Files.writeString(tokenFile, TOKEN + "\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        Path spool = work.resolve("spool");
        Path bucket = TestGateway.bucketOf(spool);
        try (Gateway gateway = TestGateway.start(spool, "DICOM_GATEWAY_HTTP_ADMINTOKENFILE", tokenFile.toString(),
                "DICOM_GATEWAY_RETRY_MAXATTEMPTS", "1", "DICOM_GATEWAY_STUDY_STABLEAFTER", "1s")) {
            String base = "http://127.0.0.1:" + gateway.httpPort();
            // the cause of the failure: the local bucket is a file, so its first object cannot be written
            Files.deleteIfExists(bucket); // empty if it is there: the store creates it with its first object
            Files.writeString(bucket, "not a directory");

            try (RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
                assertTrue(StoreCall.store(scu, 1, "1.2.826.0.1.3680043.10.543.1.1",
                        DataSets.ct("1.2.826.0.1.3680043.10.543.1.1", "PAT-A", "1.2.826.0.1.3680043.10.543.1",
                                "1.2.826.0.1.3680043.10.543.1.2", 512)).success());
                StoreCall.release(scu);
            }
            try (RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
                assertTrue(StoreCall.store(scu, 1, "1.2.826.0.1.3680043.10.543.2.1", burnedIn()).success());
                StoreCall.release(scu);
            }
            await(() -> json(base + "/api/batches").path("failed").size() == 1, "the batch fails (bucket unwritable)");
            await(() -> json(base + "/api/quarantine").path("instances").size() == 1, "the burned-in CT is quarantined");
            JsonNode status = json(base + "/api/status");
            JsonNode associations = json(base + "/api/associations");
            assertEquals(2, status.path("instances_last_hour").asLong(), status.toString());
            assertEquals(2, associations.path("recent").size(), associations.toString());
            var cut = json(base + "/api/quarantine?limit=0");
            assertEquals(0, cut.path("instances").size(), "?limit=0 lists none");
            assertEquals(1, cut.path("total").asInt(), "but counts them");
            assertTrue(cut.path("truncated").asBoolean(), cut.toString());
            assertFalse(json(base + "/api/batches").path("truncated").asBoolean(), "one failed batch is not cut");
            String failedBatch = json(base + "/api/batches").path("failed").get(0).path("batch").asText();
            String quarantined = json(base + "/api/quarantine").path("instances").get(0).path("id").asText();

            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                    .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1500");
            ChromeDriver browser = new ChromeDriver(service, options);
            try {
                browser.get(base + "/");
                awaitPage(() -> !browser.findElements(By.cssSelector("#failed tr[data-batch]")).isEmpty()
                        && !browser.findElements(By.cssSelector("#quarantine tr[data-instance]")).isEmpty(), browser,
                        "the page lists the failed batch and the quarantined instance");
                assertEquals(String.valueOf(status.path("instances_last_hour").asLong()), text(browser, "instances-last-hour"));
                assertEquals("1", text(browser, "failed-batches"));
                assertEquals("1", text(browser, "quarantined-instances"));
                assertEquals(status.path("open_studies").asText(), text(browser, "open-studies"));
                assertEquals(2, browser.findElements(By.cssSelector("#associations tr[data-association]")).size());
                assertEquals("STORECALL", browser.findElement(By.cssSelector("#associations tr[data-association] td:nth-child(2)")).getText());
                WebElement failedRow = browser.findElement(By.cssSelector("#failed tr[data-batch]"));
                assertEquals(failedBatch, failedRow.getAttribute("data-batch"));
                assertTrue(failedRow.getText().contains("gave up after 1 attempts"), failedRow.getText());
                assertTrue(browser.findElement(By.cssSelector("#destinations tbody")).getText().contains("local"),
                        "the destination's last error is shown");
                WebElement retry = browser.findElement(By.cssSelector("#failed button.retry"));
                assertTrue(!retry.isEnabled(), "no token entered: the buttons are disabled");

                browser.findElement(By.id("token")).sendKeys(TOKEN);
                browser.findElement(By.id("token-save")).click();
                awaitPage(() -> browser.findElement(By.cssSelector("#failed button.retry")).isEnabled()
                        && (Boolean) browser.executeScript("const i = document.querySelector('#quarantine img.preview');"
                        + " return i !== null && i.complete && i.naturalWidth === 64;"), browser,
                        "the token enables the buttons and shows the 64x64 preview");
                Path shots = Files.createDirectories(Path.of("target", "console"));
                Files.write(shots.resolve("console.png"), browser.getScreenshotAs(OutputType.BYTES));

                Files.delete(bucket); // the cause fixed
                browser.findElement(By.cssSelector("#failed button.retry")).click();
                awaitPage(() -> browser.findElements(By.cssSelector("#failed tr[data-batch]")).isEmpty(), browser,
                        "the retried batch leaves the failed list");
                Delivered.awaitFiles(bucket, ".tar.gz", 1);
                assertEquals(0, json(base + "/api/batches").path("failed").size());

                browser.findElement(By.cssSelector("#quarantine tr[data-instance='" + quarantined + "'] button.release")).click();
                awaitPage(() -> browser.findElements(By.cssSelector("#quarantine tr[data-instance]")).isEmpty(), browser,
                        "the released instance leaves the quarantine list");
                assertEquals(0, json(base + "/api/quarantine").path("instances").size());
                Delivered.awaitFiles(bucket, ".tar.gz", 2); // the released instance's study is delivered as well
                Files.write(shots.resolve("console-after.png"), browser.getScreenshotAs(OutputType.BYTES));
            } finally {
                browser.quit();
                service.stop();
            }
            List<String> audit = Files.readAllLines(spool.resolve("state").resolve("quarantine-audit.tsv"));
            assertTrue(audit.stream().anyMatch(l -> l.contains("\trelease\t" + quarantined + "\t")
                    && l.endsWith("console@127.0.0.1")), audit.toString());
        }
    }

    /** A 64x64 8-bit CT that says BurnedInAnnotation YES: quarantined, and renderable as a preview. */
    private static byte[] burnedIn() {
        return DataSets.ctHeader("1.2.826.0.1.3680043.10.543.2.1", "PAT-B", "1.2.826.0.1.3680043.10.543.2",
                        "1.2.826.0.1.3680043.10.543.2.2")
                .element(0x0028, 0x0002, "US", us(1))
                .text(0x0028, 0x0004, "CS", "MONOCHROME2")
                .element(0x0028, 0x0010, "US", us(64))
                .element(0x0028, 0x0011, "US", us(64))
                .element(0x0028, 0x0100, "US", us(8))
                .element(0x0028, 0x0101, "US", us(8))
                .element(0x0028, 0x0102, "US", us(7))
                .element(0x0028, 0x0103, "US", us(0))
                .text(0x0028, 0x0301, "CS", "YES")
                .pixelData(64 * 64).toByteArray();
    }

    private static byte[] us(int value) {
        return new byte[] {(byte) value, (byte) (value >>> 8)};
    }

    private static String text(ChromeDriver browser, String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private JsonNode json(String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), url + ": " + response.body());
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError(url, e);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(100);
        }
    }

    private static void awaitPage(BooleanSupplier condition, ChromeDriver browser, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
                // the page re-rendered between the lookup and the check: look again
            }
            if (System.nanoTime() > deadline) {
                Files.createDirectories(Path.of("target", "console"));
                Files.write(Path.of("target", "console", "timeout.png"), browser.getScreenshotAs(OutputType.BYTES));
                throw new AssertionError("timed out waiting: " + what + "; page text:\n"
                        + browser.findElement(By.tagName("body")).getText());
            }
            Thread.sleep(200);
        }
    }
}
