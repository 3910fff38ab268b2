package dev.dicomgateway.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.dicomgateway.dicom.FirstFramePng;
import dev.dicomgateway.dicom.UnrenderableImageException;
import dev.dicomgateway.spool.NotInQuarantineException;
import dev.dicomgateway.spool.Quarantine;
import dev.dicomgateway.spool.QuarantinedInstance;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GET /api/quarantine: the quarantined instances with the fields of `quarantine list --json`; GET
 * /api/quarantine/{id}/preview.png: the first frame (it may show burned-in text, so it needs the admin token like an
 * action); POST /api/quarantine/{id}/release and /purge: what the `quarantine release` and `purge` commands do.
 */
final class QuarantineApi implements HttpHandler {
    /** The longest side of a preview in pixels. */
    static final int PREVIEW_PIXELS = 512;
    /** An id is a SOP Instance UID ({@link Quarantine#find} checks its grammar). */
    private static final Pattern ITEM = Pattern.compile("/api/quarantine/([0-9.]{1,64})/(preview\\.png|release|purge)");
    private final ConsoleSources sources;
    private final AdminActions actions;

    QuarantineApi(ConsoleSources sources, AdminActions actions) {
        this.sources = sources;
        this.actions = actions;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Matcher item = ITEM.matcher(path);
        if (item.matches()) {
            String id = item.group(1);
            Quarantine quarantine = sources.quarantine();
            switch (item.group(2)) {
                case "release" -> actions.run(exchange, "release", id, user -> {
                    Quarantine.Released released = quarantine.release(id, user);
                    return "released " + id + " into study " + released.instance().entity() + "/"
                            + released.instance().item() + " (delivered after study.stableAfter)";
                });
                case "purge" -> actions.run(exchange, "purge", id, user -> {
                    quarantine.purge(id, user);
                    return "purged " + id;
                });
                default -> preview(exchange, id);
            }
            return;
        }
        if (!path.equals("/api/quarantine")) {
            JsonAnswer.error(exchange, 404, "no such path (GET /api/quarantine, GET /api/quarantine/{id}/preview.png, "
                    + "POST /api/quarantine/{id}/release or /purge)");
            return;
        }
        if (!JsonAnswer.readOnly(exchange)) {
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        JsonAnswer.putLimited(out, "instances",
                sources.quarantine().list().stream().map(QuarantinedInstance::fields).toList(),
                exchange);
        JsonAnswer.send(exchange, 200, out);
    }

    private void preview(HttpExchange exchange, String id) throws IOException {
        if (!JsonAnswer.readOnly(exchange) || !actions.authorizedRead(exchange)) {
            return;
        }
        QuarantinedInstance instance;
        try {
            instance = sources.quarantine().find(id);
        } catch (NotInQuarantineException e) {
            JsonAnswer.error(exchange, 404, id + ": " + e.getMessage());
            return;
        }
        try {
            JsonAnswer.send(exchange, 200, "image/png", FirstFramePng.render(instance.file(), PREVIEW_PIXELS));
        } catch (UnrenderableImageException e) {
            JsonAnswer.error(exchange, 422, "cannot render " + id + ": " + e.getMessage());
        }
    }
}
