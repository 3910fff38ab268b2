package dev.dicomgateway.deidentify;

import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.dicom.InstanceHeader;
import java.util.Locale;
import java.util.Set;

/**
 * Which instances may carry burned-in text in their pixels (which the header profile cannot clean): those that
 * say so (BurnedInAnnotation=YES), and — when they do not say — those of a modality or SOP class known for it.
 */
public final class QuarantineRules {
    private final boolean enabled;
    private final Set<String> modalities;
    private final Set<String> sopClasses;

    public QuarantineRules(GatewayConfig.Deidentify settings) {
        this.enabled = settings.quarantineEnabled();
        this.modalities = Set.copyOf(settings.quarantineModalities());
        this.sopClasses = Set.copyOf(settings.quarantineSopClasses());
    }

    /** The reason to quarantine (a short label, no PHI), or null to stage normally. */
    public String reason(InstanceHeader header) {
        if (!enabled) {
            return null;
        }
        String burnedIn = header.burnedInAnnotation().trim().toUpperCase(Locale.ROOT);
        if (burnedIn.equals("YES")) {
            return "burned_in_annotation";
        }
        if (!burnedIn.isEmpty()) {
            return null; // the modality states there is no burned-in annotation
        }
        String modality = header.modality().trim().toUpperCase(Locale.ROOT);
        if (modalities.contains(modality)) {
            return "modality_" + modality;
        }
        if (sopClasses.contains(header.sopClassUid())) {
            return "sop_class";
        }
        return null;
    }
}
