package dev.dicomgateway.http;

import com.sun.net.httpserver.HttpExchange;
import dev.dicomgateway.spool.NotInQuarantineException;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate every console action (retry, release, purge) passes: POST only; a token configured (http.adminTokenFile)
 * and sent as {@code Authorization: Bearer}; and not cross-site — an {@code Origin} other than this server's own, or a
 * {@code Sec-Fetch-Site} other than same-origin/none, is refused (a cross-site form can send neither the header nor
 * a same-origin mark). Each action is logged with its time, the remote address, the action, the id and the outcome.
 *
 * <p>Actions run one at a time: a double-clicked Purge, or two operators' Release of one instance, would otherwise both
 * find the instance and both act (eight concurrent purges all answered 200 and wrote eight audit lines; a second release
 * met the file moved under it with a 500). One at a time, the later ones find it gone and answer 404.
 */
final class AdminActions {
    private static final Logger LOG = LoggerFactory.getLogger(AdminActions.class);
    private static final Set<String> SAME_SITE = Set.of("same-origin", "none");

    /** One action on one id; its message is the answer's (pseudonymous ids only). */
    interface Action {
        String run(String user) throws IOException;
    }

    private final AdminToken token;
    private final Clock clock;
    private final Object oneAtATime = new Object();

    AdminActions(AdminToken token, Clock clock) {
        this.token = token;
        this.clock = clock;
    }

    /** Whether GET requests that need the token (a preview image) may be answered; if not, the refusal is sent. */
    boolean authorizedRead(HttpExchange exchange) throws IOException {
        return authorized(exchange, "preview") == null;
    }

    /** Checks the request and runs {@code action} on {@code id}, answering JSON either way. */
    void run(HttpExchange exchange, String name, String id, Action action) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "POST");
            JsonAnswer.error(exchange, 405, name + " is a POST (with Authorization: Bearer <token>)");
            return;
        }
        String refusal = authorized(exchange, name);
        if (refusal != null) {
            log(exchange, name, id, "refused: " + refusal);
            return;
        }
        String user = "console@" + remote(exchange);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action", name);
        body.put("id", id);
        try {
            String message;
            synchronized (oneAtATime) {
                message = action.run(user);
            }
            log(exchange, name, id, "ok");
            body.put("outcome", "ok");
            body.put("message", message);
            JsonAnswer.send(exchange, 200, body);
        } catch (NotInQuarantineException | NoSuchBatchException e) {
            log(exchange, name, id, "not found");
            body.put("outcome", "not_found");
            body.put("error", e.getMessage());
            JsonAnswer.send(exchange, 404, body);
        } catch (IOException | RuntimeException e) {
            log(exchange, name, id, "failed: " + e.getMessage());
            body.put("outcome", "failed");
            body.put("error", e.getMessage());
            JsonAnswer.send(exchange, 500, body);
        }
    }

    /** Null when the request may act; else the reason, after answering it. */
    private String authorized(HttpExchange exchange, String name) throws IOException {
        if (!token.configured()) {
            String message = name + " is disabled: no admin token is configured (set http.adminTokenFile to a file "
                    + "holding one, readable by the service user only, and restart or reload)";
            JsonAnswer.error(exchange, 403, message);
            return "no token configured";
        }
        String site = exchange.getRequestHeaders().getFirst("Sec-Fetch-Site");
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        String host = exchange.getRequestHeaders().getFirst("Host");
        if ((site != null && !SAME_SITE.contains(site)) || (origin != null && !sameOrigin(origin, host))) {
            JsonAnswer.error(exchange, 403, name + " refused: a cross-site request (Origin or Sec-Fetch-Site names "
                    + "another site); use the console served here, or a script without a browser");
            return "cross-site";
        }
        if (!token.accepts(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            JsonAnswer.error(exchange, 401, name + " needs the admin token as Authorization: Bearer <token> "
                    + "(the contents of http.adminTokenFile)");
            return "no or wrong token";
        }
        return null;
    }

    /**
     * The page's own origin: this server's Host over http, or over https when a TLS-terminating proxy serves the
     * console under the same host name (the proxy passes Host on).
     */
    private static boolean sameOrigin(String origin, String host) {
        return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
    }

    private void log(HttpExchange exchange, String name, String id, String outcome) {
        LOG.info("console action time={} remote={} action={} id={} outcome={}", clock.instant(), remote(exchange), name,
                id, outcome);
    }

    private static String remote(HttpExchange exchange) {
        return exchange.getRemoteAddress() == null ? "-" : exchange.getRemoteAddress().getAddress().getHostAddress();
    }
}
