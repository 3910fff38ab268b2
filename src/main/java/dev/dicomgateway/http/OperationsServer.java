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
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Serves /healthz (the process answers), /readyz (every readiness check passes) and /metrics. */
public final class OperationsServer implements AutoCloseable {
    private static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private OperationsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static OperationsServer start(String bind, int port, PrometheusMeterRegistry registry,
                                         List<ReadinessCheck> checks) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bind), port), 16);
        } catch (IOException e) {
            throw new IOException("cannot listen for HTTP on " + bind + ":" + port + ": " + e.getMessage()
                    + " (http.bind / http.port; is another process using the port?)", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "http-operations");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/healthz", exchange -> reply(exchange, 200, "text/plain; charset=utf-8", "ok\n"));
        server.createContext("/readyz", exchange -> readiness(exchange, checks));
        server.createContext("/metrics", exchange -> reply(exchange, 200, PROMETHEUS_CONTENT_TYPE, registry.scrape()));
        server.start();
        return new OperationsServer(server, executor);
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
