package dev.dicomgateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * A stand-in for the Cloud Storage JSON API on loopback, for the real google-cloud-storage client: buckets, object
 * metadata, multipart and resumable uploads with ifGenerationMatch preconditions and CRC32C validation. Keeps state
 * in memory and injects faults on request: HTTP statuses, dropped connections, corruption in transit.
 */
public final class FakeGcs implements AutoCloseable {
    /** A stored object. */
    public record StoredObject(String name, byte[] content, long generation, Map<String, String> metadata, String contentType) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final String bucket;
    private final Map<String, StoredObject> objects = new ConcurrentHashMap<>();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final AtomicLong generations = new AtomicLong(1_700_000_000_000_000L);
    private final AtomicInteger uploadRequests = new AtomicInteger();
    private final AtomicInteger downloads = new AtomicInteger();
    /** Fail the next N upload requests with this status (0 = drop the connection). */
    public final AtomicInteger failNext = new AtomicInteger();
    public volatile int failStatus = 503;
    /** Permissions testIamPermissions grants. */
    public volatile java.util.Set<String> grantedPermissions = java.util.Set.of("storage.objects.create", "storage.objects.get");
    /** Corrupt the next N uploads in transit: one byte flips, the CRC32C check refuses it (400), nothing is stored. */
    public final AtomicInteger corruptNext = new AtomicInteger();
    private final AtomicInteger refusedForChecksum = new AtomicInteger();
    private final AtomicInteger uploadsWithoutMd5 = new AtomicInteger();

    private static final class Upload {
        final String name;
        final JsonNode resource;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final boolean mustNotExist;

        Upload(String name, JsonNode resource, boolean mustNotExist) {
            this.name = name;
            this.resource = resource;
            this.mustNotExist = mustNotExist;
        }
    }

    public FakeGcs(String bucket) throws IOException {
        this.bucket = bucket;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public Map<String, StoredObject> objects() {
        return objects;
    }

    public int refusedForChecksum() {
        return refusedForChecksum.get();
    }

    /** Uploads that arrived without an MD5 for the service to check. */
    public int uploadsWithoutMd5() {
        return uploadsWithoutMd5.get();
    }

    public int uploadRequests() {
        return uploadRequests.get();
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        HttpStandIn.error(exchange, status, status == 412 ? "conditionNotMet" : "backendError", message);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            Map<String, String> query = HttpStandIn.query(exchange.getRequestURI().getRawQuery());
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (path.startsWith("/upload/storage/v1/b/")) {
                uploadRequests.incrementAndGet();
                if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    if (failStatus == 0) {
                        exchange.close(); // drop: close without any response
                        return;
                    }
                    error(exchange, failStatus, "injected fault");
                    return;
                }
                upload(exchange, path, query, body);
            } else if (path.matches("(/download)?/storage/v1/b/[^/]+/o/.+") && exchange.getRequestMethod().equals("GET")) {
                String name = URLDecoder.decode(path.substring(path.indexOf("/o/") + 3), StandardCharsets.UTF_8);
                StoredObject object = objects.get(name);
                if (object == null) {
                    error(exchange, 404, "No such object: " + bucket + "/" + name);
                } else if ("media".equals(query.get("alt"))) {
                    download(exchange, object, query);
                } else {
                    HttpStandIn.json(exchange, 200, resource(object));
                }
            } else if (path.matches("/storage/v1/b/[^/]+/iam/testPermissions")) {
                if (!path.startsWith("/storage/v1/b/" + bucket + "/")) {
                    error(exchange, 404, "The specified bucket does not exist.");
                    return;
                }
                java.util.List<String> asked = new java.util.ArrayList<>();
                for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
                    if (pair.startsWith("permissions=")) {
                        asked.add(URLDecoder.decode(pair.substring(12), StandardCharsets.UTF_8));
                    }
                }
                HttpStandIn.json(exchange, 200, Map.of("kind", "storage#testIamPermissionsResponse",
                        "permissions", asked.stream().filter(grantedPermissions::contains).toList()));
            } else if (path.matches("/storage/v1/b/[^/]+") && exchange.getRequestMethod().equals("GET")) {
                HttpStandIn.json(exchange, 200, Map.of("kind", "storage#bucket", "name", bucket, "id", bucket));
            } else {
                error(exchange, 404, "not implemented by FakeGcs: " + exchange.getRequestMethod() + " " + path);
            }
        }
    }

    /**
     * The object's bytes (alt=media), or the part a {@code Range: bytes=first-[last]} header asks for (206); a range
     * starting at or past the end is 416, as Cloud Storage answers. A generation that is not the object's is 404.
     */
    private void download(HttpExchange exchange, StoredObject object, Map<String, String> query) throws IOException {
        downloads.incrementAndGet();
        String generation = query.get("generation");
        if (generation != null && !generation.equals(String.valueOf(object.generation()))) {
            error(exchange, 404, "No such object: " + bucket + "/" + object.name() + "#" + generation);
            return;
        }
        byte[] content = object.content();
        int first = 0;
        int last = content.length - 1;
        String range = exchange.getRequestHeaders().getFirst("Range");
        java.util.regex.Matcher m = range == null ? null : java.util.regex.Pattern.compile("bytes=(\\d+)-(\\d*)").matcher(range);
        if (m != null && m.matches()) {
            long from = Long.parseLong(m.group(1));
            if (from >= content.length && content.length > 0) {
                error(exchange, 416, "Request range not satisfiable");
                return;
            }
            first = (int) Math.min(from, content.length);
            if (!m.group(2).isEmpty()) {
                last = (int) Math.min(Long.parseLong(m.group(2)), content.length - 1L);
            }
        }
        exchange.getResponseHeaders().set("Content-Type", object.contentType());
        exchange.getResponseHeaders().set("x-goog-generation", String.valueOf(object.generation()));
        exchange.getResponseHeaders().set("x-goog-stored-content-length", String.valueOf(content.length));
        exchange.getResponseHeaders().set("x-goog-hash", "crc32c=" + crc32c(content) + ",md5=" + md5(content));
        int length = Math.max(0, last - first + 1);
        if (m != null && m.matches()) {
            exchange.getResponseHeaders().set("Content-Range", "bytes " + first + "-" + last + "/" + content.length);
            exchange.sendResponseHeaders(206, length == 0 ? -1 : length);
        } else {
            exchange.sendResponseHeaders(200, length == 0 ? -1 : length);
        }
        if (length > 0) {
            try (java.io.OutputStream out = exchange.getResponseBody()) {
                out.write(content, first, length);
            }
        }
    }

    /** Replaces an object's bytes as another writer would (a new generation; its size and CRC32C follow the bytes). */
    public void replace(String name, byte[] content) {
        StoredObject old = objects.get(name);
        objects.put(name, new StoredObject(name, content, generations.incrementAndGet(), old.metadata(), old.contentType()));
    }

    /** Downloads (alt=media requests) served. */
    public int downloads() {
        return downloads.get();
    }

    private void upload(HttpExchange exchange, String path, Map<String, String> query, byte[] body) throws IOException {
        String type = query.getOrDefault("uploadType", "");
        boolean mustNotExist = "0".equals(query.get("ifGenerationMatch"));
        if (type.equals("resumable") && query.containsKey("upload_id")) {
            Upload upload = uploads.get(query.get("upload_id"));
            if (upload == null) {
                error(exchange, 404, "no such upload");
                return;
            }
            String range = exchange.getRequestHeaders().getFirst("Content-Range");
            HttpStandIn.appendAt(upload.received, range, body);
            if (range != null && range.endsWith("/*")) {
                exchange.getResponseHeaders().set("Range", "bytes=0-" + (upload.received.size() - 1));
                exchange.sendResponseHeaders(308, -1);
                return;
            }
            finish(exchange, upload.name, upload.resource, upload.received.toByteArray(), upload.mustNotExist);
            uploads.remove(query.get("upload_id"));
            return;
        }
        if (type.equals("resumable")) {
            JsonNode resource = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            String name = resource.has("name") ? resource.get("name").asText() : query.get("name");
            if (mustNotExist && objects.containsKey(name)) {
                error(exchange, 412, "At least one of the pre-conditions you specified did not hold.");
                return;
            }
            String id = Long.toHexString(System.nanoTime());
            uploads.put(id, new Upload(name, resource, mustNotExist));
            exchange.getResponseHeaders().set("Location", endpoint() + path + "?uploadType=resumable&upload_id=" + id);
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        if (type.equals("multipart")) {
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            String boundary = contentType.substring(contentType.indexOf("boundary=") + 9).replace("\"", "");
            String[] parts = new String(body, StandardCharsets.ISO_8859_1).split("--" + java.util.regex.Pattern.quote(boundary));
            JsonNode resource = JSON.readTree(parts[1].substring(parts[1].indexOf("\r\n\r\n") + 4).trim());
            String media = parts[2].substring(parts[2].indexOf("\r\n\r\n") + 4);
            byte[] content = media.substring(0, media.length() - 2).getBytes(StandardCharsets.ISO_8859_1);
            finish(exchange, resource.get("name").asText(), resource, content, mustNotExist);
            return;
        }
        error(exchange, 400, "unsupported uploadType " + type);
    }

    private void finish(HttpExchange exchange, String name, JsonNode resource, byte[] received, boolean mustNotExist)
            throws IOException {
        if (mustNotExist && objects.containsKey(name)) {
            error(exchange, 412, "At least one of the pre-conditions you specified did not hold.");
            return;
        }
        byte[] content = received;
        if (corruptNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0 && content.length > 0) {
            content = content.clone();
            content[content.length / 2] ^= 0x01;
        }
        if (resource.has("crc32c") && !resource.get("crc32c").asText().equals(crc32c(content))) {
            refusedForChecksum.incrementAndGet();
            error(exchange, 400, "Provided CRC32C \"" + resource.get("crc32c").asText() + "\" doesn't match calculated CRC32C");
            return;
        }
        if (resource.has("md5Hash") && !resource.get("md5Hash").asText().equals(md5(content))) {
            refusedForChecksum.incrementAndGet();
            error(exchange, 400, "Provided MD5 hash \"" + resource.get("md5Hash").asText() + "\" doesn't match calculated MD5 hash.");
            return;
        }
        if (!resource.has("md5Hash")) {
            uploadsWithoutMd5.incrementAndGet();
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        if (resource.has("metadata")) {
            resource.get("metadata").fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
        }
        String contentType = resource.has("contentType") ? resource.get("contentType").asText() : "application/octet-stream";
        StoredObject object = new StoredObject(name, content, generations.incrementAndGet(), metadata, contentType);
        objects.put(name, object);
        HttpStandIn.json(exchange, 200, resource(object));
    }

    private Map<String, Object> resource(StoredObject object) {
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("kind", "storage#object");
        resource.put("id", bucket + "/" + object.name() + "/" + object.generation());
        resource.put("name", object.name());
        resource.put("bucket", bucket);
        resource.put("generation", String.valueOf(object.generation()));
        resource.put("metageneration", "1");
        resource.put("contentType", object.contentType());
        resource.put("size", String.valueOf(object.content().length));
        resource.put("crc32c", crc32c(object.content()));
        resource.put("md5Hash", md5(object.content()));
        resource.put("metadata", object.metadata());
        return resource;
    }

    static String crc32c(byte[] content) {
        CRC32C crc = new CRC32C();
        crc.update(content);
        long v = crc.getValue();
        return Base64.getEncoder().encodeToString(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    static String md5(byte[] content) {
        try {
            return Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
