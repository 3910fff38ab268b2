package dev.dicomgateway.deidentify;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SpecificCharacterSet;
import java.util.Optional;

/**
 * The safety net for every attribute Table E.1-1 leaves in place (it does not list it, or keeps it), by value
 * representation, at any depth and in safe private attributes too: DA and the date part of DT move by the patient's
 * offset (Modified Dates on) or are removed (off). The table stays the first authority: attributes it removes,
 * empties, dummies, cleans or replaces never reach here.
 */
final class ValueRepresentationNet {
    private final boolean modifiedDates;
    private final int dateShiftDays;

    ValueRepresentationNet(boolean modifiedDates, int dateShiftDays) {
        this.modifiedDates = modifiedDates;
        this.dateShiftDays = dateShiftDays;
    }

    /** What to stage for {@code attribute} (not a sequence): the attribute itself, a replacement, or empty to remove it. */
    Optional<Attribute> apply(Attribute attribute, SpecificCharacterSet characterSet) throws DicomException {
        String vr = attribute.getVRAsString();
        return switch (vr) {
            case "DA", "DT" -> modifiedDates ? Optional.of(shifted(attribute, vr, characterSet)) : Optional.empty();
            default -> Optional.of(attribute);
        };
    }

    private Attribute shifted(Attribute attribute, String vr, SpecificCharacterSet characterSet) throws DicomException {
        Attribute shifted = AttributeListDeidentifier.empty(attribute, characterSet);
        String[] values = attribute.getStringValues();
        if (values != null) {
            for (String value : values) {
                shifted.addValue("DA".equals(vr) ? DateShift.date(value, dateShiftDays) : DateShift.dateTime(value, dateShiftDays));
            }
        }
        return shifted;
    }
}
