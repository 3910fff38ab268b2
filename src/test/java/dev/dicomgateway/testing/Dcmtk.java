package dev.dicomgateway.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs dcmtk's echoscu and storescu (real, independent DICOM peers) and reads what they report. */
public final class Dcmtk {
    private static final Pattern SENDING = Pattern.compile("I: Sending file: (.+)");
    private static final Pattern RESPONSE = Pattern.compile("I: Received Store Response \\((.+)\\)");

    /** Exit code and combined output of a dcmtk tool. */
    public record Result(int exitCode, String output) {
    }

    /** What storescu reported per file: the text of its store response, e.g. "Success". */
    public record StoreReport(Result result, Map<Path, String> responses) {
        public List<Path> stored() {
            return responses.entrySet().stream().filter(e -> e.getValue().equals("Success")).map(Map.Entry::getKey).toList();
        }
    }

    private Dcmtk() {
    }

    public static Result echoscu(int port, String calledAe, String callingAe) throws IOException, InterruptedException {
        return echoscu(port, calledAe, callingAe, List.of());
    }

    /** echoscu with {@code options} before the address, e.g. TLS ones ({@link TestCertificates#trustedClient}). */
    public static Result echoscu(int port, String calledAe, String callingAe, List<String> options)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("echoscu", "-v", "-aec", calledAe, "-aet", callingAe));
        command.addAll(options);
        command.addAll(List.of("127.0.0.1", String.valueOf(port)));
        return run(command);
    }

    /** storescu -v with {@code flag} (which transfer syntaxes to propose) and -R (only the contexts the files need). */
    public static StoreReport storescu(int port, String calledAe, String flag, List<Path> files)
            throws IOException, InterruptedException {
        return storescu(port, calledAe, flag, List.of(), files);
    }

    /** storescu as above with {@code options} before the address, e.g. TLS ones. */
    public static StoreReport storescu(int port, String calledAe, String flag, List<String> options, List<Path> files)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("storescu", "-v", "-R", flag, "-aec", calledAe, "-aet", "STORESCU"));
        command.addAll(options);
        command.addAll(List.of("127.0.0.1", String.valueOf(port)));
        files.forEach(file -> command.add(file.toString()));
        Result result = run(command);
        return new StoreReport(result, responses(result.output()));
    }

    /** Pairs each "Sending file" line with the store response that follows it. */
    public static Map<Path, String> responses(String output) {
        Map<Path, String> responses = new LinkedHashMap<>();
        Path current = null;
        for (String line : output.split("\n")) {
            Matcher sending = SENDING.matcher(line);
            if (sending.matches()) {
                current = Path.of(sending.group(1).trim());
                continue;
            }
            Matcher response = RESPONSE.matcher(line);
            if (response.matches() && current != null) {
                responses.put(current, response.group(1));
                current = null;
            }
        }
        return responses;
    }

    public static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException(command.get(0) + " did not finish");
        }
        return new Result(process.exitValue(), new String(output));
    }
}
