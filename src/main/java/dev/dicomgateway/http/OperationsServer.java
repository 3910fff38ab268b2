package dev.dicomgateway.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves /healthz (the process answers), /readyz (every readiness check passes) and /metrics, and, when it is given
 * its {@link ConsoleSources}, the operator console: its page at / and its JSON API under /api/ (README: Operator
 * console).
 *
 * <p>A client that connects and sends half a request, or nothing, must not make the endpoint unavailable (issue 9): the
 * JDK server reads a request on an executor thread and by default waits for it forever. So a request must arrive
 * within {@value #MAX_REQUEST_SECONDS} s and its answer be taken within {@value #MAX_RESPONSE_SECONDS} s, else the server
 * closes the connection, and {@value #THREADS} threads serve, so a handful of stalled clients leave threads free.
 */
public final class OperationsServer implements AutoCloseable {
    private static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final int THREADS = 16;
    static final int MAX_REQUEST_SECONDS = 5;
    static final int MAX_RESPONSE_SECONDS = 10;
    /**
     * The JDK server's limits. It reads them once, when its first server is created (static initialisers of
     * sun.net.httpserver.ServerConfig and ServerImpl), so they are set before that; a value given with -D wins.
     * maxReqTime covers a connection from its first byte; a silent one is closed after min(idleInterval, maxReqTime),
     * checked every clockTick ms.
     */
    private static final Map<String, String> SERVER_LIMITS = Map.of(
            "sun.net.httpserver.maxReqTime", String.valueOf(MAX_REQUEST_SECONDS),
            "sun.net.httpserver.maxRspTime", String.valueOf(MAX_RESPONSE_SECONDS),
            "sun.net.httpserver.clockTick", "1000",
            "sun.net.httpserver.maxReqHeaders", "64",
            "sun.net.httpserver.maxReqHeaderSize", "16384");

    private final HttpServer server;
    private final ExecutorService executor;

    private OperationsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static OperationsServer start(String bind, int port, PrometheusMeterRegistry registry,
                                         List<ReadinessCheck> checks) throws IOException {
        return start(bind, port, registry, checks, Optional.empty());
    }

    /** With the operator console (GET /, /api/…) when {@code console} is given. */
    public static OperationsServer start(String bind, int port, PrometheusMeterRegistry registry,
                                         List<ReadinessCheck> checks, Optional<ConsoleSources> console) throws IOException {
        SERVER_LIMITS.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bind), port), 16);
        } catch (IOException e) {
            throw new IOException("cannot listen for HTTP on " + bind + ":" + port + ": " + e.getMessage()
                    + " (http.bind / http.port; is another process using the port?)", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, "http-operations");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/healthz", exchange -> reply(exchange, 200, "text/plain; charset=utf-8", "ok\n"));
        server.createContext("/readyz", exchange -> readiness(exchange, checks));
        server.createContext("/metrics", exchange -> reply(exchange, 200, PROMETHEUS_CONTENT_TYPE, registry.scrape()));
        console.ifPresent(sources -> {
            AdminActions actions = new AdminActions(sources.token(), sources.clock());
            server.createContext("/", guarded(new ConsoleResources()));
            server.createContext("/api/status", guarded(new StatusApi(sources)));
            server.createContext("/api/batches", guarded(new BatchesApi(sources, actions)));
            server.createContext("/api/quarantine", guarded(new QuarantineApi(sources, actions)));
            server.createContext("/api/associations", guarded(new AssociationsApi(sources)));
        });
        server.start();
        return new OperationsServer(server, executor);
    }

    /** A console handler whose failure (the spool unreadable …) is answered as a 500 naming it, not a dropped connection. */
    private static com.sun.net.httpserver.HttpHandler guarded(com.sun.net.httpserver.HttpHandler handler) {
        return exchange -> {
            try {
                handler.handle(exchange);
            } catch (IOException | RuntimeException e) {
                try {
                    JsonAnswer.error(exchange, 500, "cannot answer: " + e.getMessage());
                } catch (IOException | RuntimeException again) {
                    exchange.close(); // the answer had begun: the connection goes
                }
            }
        };
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void readiness(HttpExchange exchange, List<ReadinessCheck> checks) throws IOException {
        StringBuilder body = new StringBuilder();
        boolean ready = true;
        for (ReadinessCheck check : checks) {
            Optional<String> problem = check.problem();
            ready &= problem.isEmpty();
            body.append(check.name()).append(": ").append(problem.orElse("ok")).append('\n');
        }
        reply(exchange, ready ? 200 : 503, "text/plain; charset=utf-8", (ready ? "ready\n" : "not ready\n") + body);
    }

    private static void reply(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
