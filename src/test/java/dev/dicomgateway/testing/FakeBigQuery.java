package dev.dicomgateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the BigQuery REST API (v2) on loopback, for the real google-cloud-bigquery client: datasets, tables
 * and views (get, insert, patch), load jobs by resumable upload (the client's writer) with job ids that must be unique,
 * jobs.get, and dry-run jobs.insert. A load job checks every row against the table's schema as BigQuery does (unknown
 * field, wrong type → the job fails and nothing is appended) and appends all rows or none.
 * Faults on request: HTTP statuses or dropped connections, a job created whose answer is lost, jobs that end in
 * error, slow answers, and every request refused with 403 (permission removed).
 */
public final class FakeBigQuery implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DATASETS = Pattern.compile("/bigquery/v2/projects/([^/]+)/datasets(?:/([^/]+))?");
    private static final Pattern TABLES = Pattern.compile("/bigquery/v2/projects/([^/]+)/datasets/([^/]+)/tables(?:/([^/]+))?");
    private static final Pattern DATA = Pattern.compile("/bigquery/v2/projects/([^/]+)/datasets/([^/]+)/tables/([^/]+)/data");
    private static final Pattern JOBS = Pattern.compile("/bigquery/v2/projects/([^/]+)/jobs(?:/([^/]+))?");
    private static final Pattern UPLOAD = Pattern.compile("/upload/bigquery/v2/projects/([^/]+)/jobs");

    /** A table or view: its resource as last written, and its rows. */
    public static final class StoredTable {
        public final ObjectNode resource;
        public final List<Map<String, Object>> rows = Collections.synchronizedList(new ArrayList<>());

        StoredTable(ObjectNode resource) {
            this.resource = resource;
        }
    }

    /** Which requests a fault applies to. */
    public enum Target { UPLOADS, UPLOAD_CHUNKS, JOB_LOOKUPS, TABLES, ALL }

    private final HttpServer server;
    private final Map<String, ObjectNode> datasets = new ConcurrentHashMap<>();
    private final Map<String, StoredTable> tables = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> jobs = new ConcurrentHashMap<>();
    private final Map<String, Instant> jobsDoneAt = new ConcurrentHashMap<>();
    private final Map<String, ByteArrayOutputStream> uploads = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> uploadJobs = new ConcurrentHashMap<>();
    private final Map<String, String> finishedUploads = new ConcurrentHashMap<>();
    private final AtomicInteger loadJobsRun = new AtomicInteger();
    private final AtomicInteger tableDataLists = new AtomicInteger();
    private final AtomicInteger faultsInjected = new AtomicInteger();

    /** Fail the next N requests of {@link #failTarget} with {@link #failStatus} (0 = drop the connection). */
    public final AtomicInteger failNext = new AtomicInteger();
    public volatile int failStatus = 503;
    public volatile Target failTarget = Target.ALL;
    /** With {@link Target#UPLOAD_CHUNKS}: let this many chunks through before the faults begin (mid-way through). */
    public final AtomicInteger passBeforeFault = new AtomicInteger();
    /**
     * Drop the next N answers to a finished upload (the job exists; the client never hears), including the answers
     * to the client's own retries of that request.
     */
    public final AtomicInteger loseNextJobAnswer = new AtomicInteger();
    /** End the next N load jobs in error with this reason (nothing appended), as BigQuery does for backendError. */
    public final AtomicInteger failNextJobs = new AtomicInteger();
    public volatile String failedJobReason = "backendError";
    /** Refuse everything with 403 accessDenied (the service account lost its roles). */
    public volatile boolean denyAll;
    /** Refuse a known job id when the upload session is opened (else when the upload completes, also 409). */
    public volatile boolean duplicateAtInitiation;
    /** The projects that exist (null: any). */
    public volatile java.util.Set<String> projects;
    /** Delay every answer this long. */
    public volatile long slowMillis;
    /** Jobs report RUNNING this long before DONE. */
    public volatile long jobRunMillis;

    public FakeBigQuery() throws IOException {
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
        server.start();
    }

    /** Sets up a fault before a gateway starts: the next {@code count} requests of {@code target} fail with {@code status}. */
    public FakeBigQuery failingNext(Target target, int status, int count) {
        failTarget = target;
        failStatus = status;
        failNext.set(count);
        return this;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The rows of project.dataset.table (empty if there is no such table). */
    public List<Map<String, Object>> rows(String project, String dataset, String table) {
        StoredTable stored = tables.get(project + "." + dataset + "." + table);
        return stored == null ? List.of() : List.copyOf(stored.rows);
    }

    public StoredTable table(String project, String dataset, String table) {
        return tables.get(project + "." + dataset + "." + table);
    }

    public boolean hasDataset(String project, String dataset) {
        return datasets.containsKey(project + "." + dataset);
    }

    /** Load jobs that ran to their end (successfully or not). */
    public int loadJobsRun() {
        return loadJobsRun.get();
    }

    public Map<String, ObjectNode> jobs() {
        return jobs;
    }

    public int faultsInjected() {
        return faultsInjected.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            if ("POST".equals(method) && "PATCH".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override"))) {
                method = "PATCH";
            }
            Map<String, String> query = HttpStandIn.query(exchange.getRequestURI().getRawQuery());
            byte[] body = exchange.getRequestBody().readAllBytes();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
            }
            if (slowMillis > 0) {
                Thread.sleep(slowMillis);
            }
            if (denyAll) {
                HttpStandIn.error(exchange, 403, "accessDenied", "Access Denied: the caller does not have permission");
                return;
            }
            if (injectFault(exchange, path, method)) {
                return;
            }
            Matcher project = Pattern.compile("/(?:upload/)?bigquery/v2/projects/([^/]+)").matcher(path);
            if (projects != null && project.lookingAt() && !projects.contains(project.group(1))) {
                HttpStandIn.error(exchange, 404, "notFound", "Not found: Project " + project.group(1));
                return;
            }
            Matcher m;
            if ((m = UPLOAD.matcher(path)).matches()) {
                upload(exchange, m.group(1), query, body, method);
            } else if ((m = DATA.matcher(path)).matches() && method.equals("GET")) {
                tableData(exchange, m.group(1), m.group(2), m.group(3), query);
            } else if ((m = TABLES.matcher(path)).matches()) {
                table(exchange, m.group(1), m.group(2), m.group(3), method, body);
            } else if ((m = DATASETS.matcher(path)).matches()) {
                dataset(exchange, m.group(1), m.group(2), method, body);
            } else if ((m = JOBS.matcher(path)).matches()) {
                job(exchange, m.group(1), m.group(2), method, body, query.getOrDefault("location", ""));
            } else {
                HttpStandIn.error(exchange, 404, "notFound", "not implemented by FakeBigQuery: " + method + " " + path);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) { // typically the client went away (a test killed it)
            System.err.println("FakeBigQuery: " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + ": " + e);
            throw e;
        } catch (RuntimeException e) {
            System.err.println("FakeBigQuery failed on " + exchange.getRequestMethod() + " " + exchange.getRequestURI());
            e.printStackTrace();
            throw e;
        }
    }

    private boolean injectFault(HttpExchange exchange, String path, String method) throws IOException {
        boolean applies = switch (failTarget) {
            case ALL -> true;
            case UPLOADS -> path.startsWith("/upload/");
            case UPLOAD_CHUNKS -> path.startsWith("/upload/") && method.equals("PUT") && passBeforeFault.getAndUpdate(
                    n -> Math.max(0, n - 1)) == 0;
            case JOB_LOOKUPS -> path.contains("/jobs/") && method.equals("GET");
            case TABLES -> path.contains("/datasets");
        };
        if (!applies || failNext.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
            return false;
        }
        faultsInjected.incrementAndGet();
        if (failStatus == 0) {
            exchange.close(); // connection reset: no answer at all
        } else {
            String reason = switch (failStatus) {
                case 429 -> "rateLimitExceeded";
                case 403 -> "accessDenied";
                default -> "backendError";
            };
            HttpStandIn.error(exchange, failStatus, reason, "injected fault");
        }
        return true;
    }

    private void dataset(HttpExchange exchange, String project, String dataset, String method, byte[] body) throws IOException {
        if (dataset != null && method.equals("GET")) {
            ObjectNode resource = datasets.get(project + "." + dataset);
            if (resource == null) {
                HttpStandIn.error(exchange, 404, "notFound", "Not found: Dataset " + project + ":" + dataset);
            } else {
                HttpStandIn.json(exchange, 200, resource);
            }
        } else if (dataset == null && method.equals("POST")) {
            ObjectNode resource = (ObjectNode) JSON.readTree(body);
            String id = resource.path("datasetReference").path("datasetId").asText();
            if (!resource.has("location")) {
                resource.put("location", "US");
            }
            resource.put("id", project + ":" + id);
            if (datasets.putIfAbsent(project + "." + id, resource) != null) {
                HttpStandIn.error(exchange, 409, "duplicate", "Already Exists: Dataset " + project + ":" + id);
            } else {
                HttpStandIn.json(exchange, 200, resource);
            }
        } else {
            HttpStandIn.error(exchange, 405, "invalid", "unsupported " + method);
        }
    }

    /**
     * tabledata.list: the rows it holds, in the order appended, each as {@code {"f":[{"v":...}]}} in the schema's
     * column order (values as text, JSON columns as their JSON text, null as null), a page of maxResults (default
     * 10,000, standing in for BigQuery's 10 MB) from startIndex or the pageToken (here the next row's index; BigQuery's
     * is opaque).
     */
    private void tableData(HttpExchange exchange, String project, String dataset, String table, Map<String, String> query)
            throws IOException {
        tableDataLists.incrementAndGet();
        StoredTable stored = tables.get(project + "." + dataset + "." + table);
        if (stored == null) {
            HttpStandIn.error(exchange, 404, "notFound", "Not found: Table " + project + ":" + dataset + "." + table);
            return;
        }
        List<String> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        stored.resource.path("schema").path("fields").forEach(f -> {
            columns.add(f.path("name").asText());
            types.add(f.path("type").asText());
        });
        List<Map<String, Object>> all;
        synchronized (stored.rows) {
            all = List.copyOf(stored.rows);
        }
        int start = Integer.parseInt(query.getOrDefault("pageToken", query.getOrDefault("startIndex", "0")));
        // without maxResults (the client sends it on the first page only) BigQuery fills a page up to 10 MB
        int size = Integer.parseInt(query.getOrDefault("maxResults", "10000"));
        int end = Math.min(all.size(), start + size);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("kind", "bigquery#tableDataList");
        answer.put("totalRows", String.valueOf(all.size()));
        if (end < all.size()) {
            answer.put("pageToken", String.valueOf(end));
        }
        com.fasterxml.jackson.databind.node.ArrayNode rows = answer.putArray("rows");
        for (Map<String, Object> row : all.subList(Math.min(start, end), end)) {
            com.fasterxml.jackson.databind.node.ArrayNode cells = rows.addObject().putArray("f");
            for (int i = 0; i < columns.size(); i++) {
                Object value = row.get(columns.get(i));
                ObjectNode cell = cells.addObject();
                if (value == null) {
                    cell.putNull("v");
                } else {
                    cell.put("v", types.get(i).equals("JSON") ? JSON.writeValueAsString(value) : value.toString());
                }
            }
        }
        HttpStandIn.json(exchange, 200, answer);
    }

    /** tabledata.list requests served. */
    public int tableDataLists() {
        return tableDataLists.get();
    }

    private void table(HttpExchange exchange, String project, String dataset, String table, String method, byte[] body)
            throws IOException {
        if (!datasets.containsKey(project + "." + dataset)) {
            HttpStandIn.error(exchange, 404, "notFound", "Not found: Dataset " + project + ":" + dataset);
            return;
        }
        if (table != null && method.equals("GET")) {
            StoredTable stored = tables.get(project + "." + dataset + "." + table);
            if (stored == null) {
                HttpStandIn.error(exchange, 404, "notFound", "Not found: Table " + project + ":" + dataset + "." + table);
            } else {
                ObjectNode resource = stored.resource.deepCopy();
                resource.put("numRows", String.valueOf(stored.rows.size()));
                HttpStandIn.json(exchange, 200, resource);
            }
        } else if (table == null && method.equals("POST")) {
            ObjectNode resource = (ObjectNode) JSON.readTree(body);
            String id = resource.path("tableReference").path("tableId").asText();
            resource.put("type", resource.has("view") ? "VIEW" : "TABLE");
            resource.put("id", project + ":" + dataset + "." + id);
            if (tables.putIfAbsent(project + "." + dataset + "." + id, new StoredTable(resource)) != null) {
                HttpStandIn.error(exchange, 409, "duplicate", "Already Exists: Table " + project + ":" + dataset + "." + id);
            } else {
                HttpStandIn.json(exchange, 200, resource);
            }
        } else if (table != null && (method.equals("PATCH") || method.equals("PUT"))) {
            StoredTable stored = tables.get(project + "." + dataset + "." + table);
            if (stored == null) {
                HttpStandIn.error(exchange, 404, "notFound", "Not found: Table " + project + ":" + dataset + "." + table);
                return;
            }
            JsonNode patch = JSON.readTree(body);
            if (patch.has("schema")) {
                stored.resource.set("schema", patch.get("schema"));
            }
            HttpStandIn.json(exchange, 200, stored.resource);
        } else {
            HttpStandIn.error(exchange, 405, "invalid", "unsupported " + method);
        }
    }

    private void job(HttpExchange exchange, String project, String jobId, String method, byte[] body, String location)
            throws IOException {
        if (jobId != null && method.equals("GET")) {
            ObjectNode job = jobs.get(project + ":" + jobId);
            String jobLocation = job == null ? "" : job.path("jobReference").path("location").asText();
            boolean multiRegion = jobLocation.equals("US") || jobLocation.equals("EU");
            if (job == null || (!multiRegion && !jobLocation.equalsIgnoreCase(location))) {
                // as BigQuery: a job outside the US and EU multi-regions is found only when asked with its location
                HttpStandIn.error(exchange, 404, "notFound", "Not found: Job " + project + ":" + jobId);
                return;
            }
            HttpStandIn.json(exchange, 200, view(project + ":" + jobId, job));
        } else if (jobId == null && method.equals("POST")) {
            ObjectNode job = (ObjectNode) JSON.readTree(body);
            if (!job.path("configuration").path("dryRun").asBoolean(false)) {
                HttpStandIn.error(exchange, 400, "invalid", "FakeBigQuery runs only dry-run jobs through jobs.insert");
                return;
            }
            String sql = job.path("configuration").path("query").path("query").asText();
            Matcher table = Pattern.compile("`([^.`]+)\\.([^.`]+)\\.([^.`]+)`").matcher(sql);
            if (!table.find() || !tables.containsKey(table.group(1) + "." + table.group(2) + "." + table.group(3))) {
                HttpStandIn.error(exchange, 404, "notFound", "Not found: Table in query " + sql);
                return;
            }
            job.putObject("status").put("state", "DONE");
            job.putObject("statistics").put("totalBytesProcessed", "0");
            HttpStandIn.json(exchange, 200, job);
        } else {
            HttpStandIn.error(exchange, 405, "invalid", "unsupported " + method);
        }
    }

    /** A job as jobs.get shows it: RUNNING until its run time has passed. */
    private ObjectNode view(String key, ObjectNode job) {
        ObjectNode shown = job.deepCopy();
        Instant doneAt = jobsDoneAt.get(key);
        if (doneAt != null && Instant.now().isBefore(doneAt)) {
            shown.putObject("status").put("state", "RUNNING");
            shown.remove("statistics");
        }
        return shown;
    }

    private void upload(HttpExchange exchange, String project, Map<String, String> query, byte[] body, String method)
            throws IOException {
        String id = query.get("upload_id");
        if (method.equals("POST") && id == null) {
            String known = project + ":" + JSON.readTree(body).path("jobReference").path("jobId").asText();
            if (duplicateAtInitiation && jobs.containsKey(known)) {
                HttpStandIn.error(exchange, 409, "duplicate", "Already Exists: Job " + known);
                return;
            }
            String uploadId = Long.toHexString(System.nanoTime());
            uploads.put(uploadId, new ByteArrayOutputStream());
            uploadJobs.put(uploadId, JSON.readTree(body));
            exchange.getResponseHeaders().set("Location", endpoint() + "/upload/bigquery/v2/projects/" + project
                    + "/jobs?uploadType=resumable&upload_id=" + uploadId);
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        String finished = id == null ? null : finishedUploads.get(id);
        if (finished != null) { // the client asks again after a lost answer: the session reports its job
            if (loseNextJobAnswer.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                faultsInjected.incrementAndGet();
                exchange.close();
                return;
            }
            HttpStandIn.json(exchange, 200, view(finished, jobs.get(finished)));
            return;
        }
        ByteArrayOutputStream received = id == null ? null : uploads.get(id);
        if (received == null) {
            HttpStandIn.error(exchange, 404, "notFound", "no such upload session");
            return;
        }
        String range = exchange.getRequestHeaders().getFirst("Content-Range");
        HttpStandIn.appendAt(received, range, body);
        if (range != null && range.endsWith("/*")) {
            exchange.getResponseHeaders().set("Range", "bytes=0-" + (received.size() - 1));
            exchange.sendResponseHeaders(308, -1);
            return;
        }
        uploads.remove(id);
        ObjectNode job = ((ObjectNode) uploadJobs.remove(id)).deepCopy();
        String jobId = job.path("jobReference").path("jobId").asText();
        if (jobId.isEmpty()) {
            jobId = "job_" + Long.toHexString(System.nanoTime());
        }
        String key = project + ":" + jobId;
        ObjectNode reference = job.putObject("jobReference");
        reference.put("projectId", project);
        reference.put("jobId", jobId);
        reference.put("location", locationOf(job.path("configuration").path("load").path("destinationTable"), project));
        job.put("id", key);
        job.put("kind", "bigquery#job");
        synchronized (jobs) {
            if (jobs.containsKey(key)) {
                HttpStandIn.error(exchange, 409, "duplicate", "Already Exists: Job " + key);
                return;
            }
            run(project, job, received.toByteArray());
            jobs.put(key, job);
            finishedUploads.put(id, key);
            if (jobRunMillis > 0) {
                jobsDoneAt.put(key, Instant.now().plusMillis(jobRunMillis));
            }
        }
        if (loseNextJobAnswer.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            faultsInjected.incrementAndGet();
            exchange.close(); // the job exists, but the client never hears so
            return;
        }
        HttpStandIn.json(exchange, 200, view(key, job));
    }

    /** Jobs run where their destination dataset is. */
    private String locationOf(JsonNode destination, String project) {
        ObjectNode dataset = datasets.get(destination.path("projectId").asText(project) + "." + destination.path("datasetId").asText());
        return dataset == null ? "US" : dataset.path("location").asText("US");
    }

    /** Runs a load job: every row checked against the schema; all appended, or none and an error in its status. */
    private void run(String project, ObjectNode job, byte[] data) throws IOException {
        loadJobsRun.incrementAndGet();
        JsonNode load = job.path("configuration").path("load");
        JsonNode destination = load.path("destinationTable");
        String tableKey = destination.path("projectId").asText(project) + "." + destination.path("datasetId").asText()
                + "." + destination.path("tableId").asText();
        ObjectNode status = job.putObject("status");
        status.put("state", "DONE");
        StoredTable table = tables.get(tableKey);
        String problem = null;
        List<Map<String, Object>> rows = new ArrayList<>();
        if (table == null) {
            problem = "notFound:Not found: Table " + tableKey;
        } else if (failNextJobs.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            faultsInjected.incrementAndGet();
            problem = failedJobReason + ":injected job failure";
        } else {
            Map<String, String> types = new LinkedHashMap<>();
            table.resource.path("schema").path("fields").forEach(f -> types.put(f.path("name").asText(), f.path("type").asText()));
            String[] lines = new String(data, StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length && problem == null; i++) {
                if (lines[i].isBlank()) {
                    continue;
                }
                JsonNode row = JSON.readTree(lines[i]);
                Map<String, Object> values = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) row::fields) {
                    String type = types.get(field.getKey());
                    if (type == null) {
                        problem = "invalid:JSON table encountered too many errors; row " + (i + 1) + ": no such field: "
                                + field.getKey();
                        break;
                    }
                    String wrong = typeError(type, field.getValue());
                    if (wrong != null) {
                        problem = "invalid:row " + (i + 1) + ", field " + field.getKey() + " (" + type + "): " + wrong;
                        break;
                    }
                    values.put(field.getKey(), field.getValue().isNull() ? null
                            : type.equals("JSON") ? JSON.convertValue(field.getValue(), Object.class) : field.getValue().asText());
                }
                rows.add(values);
            }
        }
        if (problem != null) {
            int colon = problem.indexOf(':');
            ObjectNode error = status.putObject("errorResult");
            error.put("reason", problem.substring(0, colon));
            error.put("message", problem.substring(colon + 1));
            status.putArray("errors").add(error.deepCopy());
            return;
        }
        table.rows.addAll(rows);
        ObjectNode statistics = job.putObject("statistics");
        statistics.put("creationTime", String.valueOf(System.currentTimeMillis()));
        ObjectNode loadStatistics = statistics.putObject("load");
        loadStatistics.put("outputRows", String.valueOf(rows.size()));
        loadStatistics.put("inputFiles", "1");
        loadStatistics.put("inputFileBytes", String.valueOf(data.length));
        loadStatistics.put("badRecords", "0");
    }

    /** Why a JSON value does not fit a column type, as BigQuery's JSON loader judges it; null when it fits. */
    public static String typeError(String type, JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        try {
            switch (type) {
                case "STRING" -> {
                    return value.isTextual() ? null : "not a string";
                }
                case "INTEGER", "INT64" -> {
                    return value.isIntegralNumber() || (value.isTextual() && value.asText().matches("-?\\d{1,19}"))
                            ? null : "not an integer: " + value;
                }
                case "FLOAT", "FLOAT64" -> {
                    return value.isNumber() ? null : "not a number: " + value;
                }
                case "DATE" -> {
                    if (!value.isTextual() || !value.asText().matches("\\d{4}-\\d{2}-\\d{2}")) {
                        return "not a DATE (YYYY-MM-DD): " + value;
                    }
                    LocalDate.parse(value.asText());
                    return null;
                }
                case "TIME" -> {
                    if (!value.isTextual() || !value.asText().matches("\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?")) {
                        return "not a TIME (HH:MM:SS[.ffffff]): " + value;
                    }
                    LocalTime.parse(value.asText());
                    return null;
                }
                case "TIMESTAMP" -> {
                    if (!value.isTextual()) {
                        return "not a TIMESTAMP: " + value;
                    }
                    String text = value.asText().replace(' ', 'T');
                    Instant.parse(text.endsWith("Z") || text.matches(".*[+-]\\d{2}:\\d{2}$") ? text : text + "Z");
                    return null;
                }
                case "JSON" -> {
                    return null;
                }
                default -> {
                    return "type " + type + " not known to FakeBigQuery";
                }
            }
        } catch (DateTimeParseException e) {
            return "invalid " + type + ": " + value;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
