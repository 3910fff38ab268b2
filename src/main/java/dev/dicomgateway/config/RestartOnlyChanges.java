package dev.dicomgateway.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which settings differ between the running configuration and a reloaded one but only take effect after a restart:
 * everything except {@link #RELOADABLE}. Only key names come out of here, never values (a value may name a secret's
 * path; a reload log line needs neither).
 */
public final class RestartOnlyChanges {
    /** The keys a reload (SIGHUP) applies to the running gateway. */
    public static final Set<String> RELOADABLE = Set.of("dicom.allowedCallingAeTitles", "dicom.allowedPeers", "log.level",
            "http.adminTokenFile");

    /** Settings whose key is not their record path (camel case where the key has a section). */
    private static final Map<String, String> KEYS = Map.of(
            "gatewayId", "gateway.id",
            "deliverWorkers", "deliver.workers",
            "dicom.plainEnabled", "dicom.plain.enabled",
            "destination.localDir", "destination.local.dir",
            "metadata.localDir", "metadata.local.dir",
            "deidentify.quarantineEnabled", "deidentify.quarantine.enabled",
            "deidentify.quarantineModalities", "deidentify.quarantine.modalities",
            "deidentify.quarantineSopClasses", "deidentify.quarantine.sopClasses",
            "deidentify.quarantineRetention", "deidentify.quarantine.retention");

    private RestartOnlyChanges() {
    }

    /** The keys, in the order of the configuration, whose value in {@code reloaded} differs from {@code running}. */
    public static List<String> between(GatewayConfig running, GatewayConfig reloaded) {
        List<String> changed = new ArrayList<>();
        collect("", running, reloaded, changed);
        changed.removeIf(RELOADABLE::contains);
        return changed;
    }

    private static void collect(String prefix, Record running, Record reloaded, List<String> changed) {
        for (RecordComponent component : running.getClass().getRecordComponents()) {
            Object before = value(component, running);
            Object after = value(component, reloaded);
            String path = prefix + component.getName();
            if (before instanceof Record nested && after instanceof Record nestedAfter) {
                collect(path + ".", nested, nestedAfter, changed);
            } else if (!Objects.equals(before, after)) {
                changed.add(KEYS.getOrDefault(path, path));
            }
        }
    }

    private static Object value(RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component.getName() + " of " + record.getClass().getSimpleName(), e);
        }
    }
}
