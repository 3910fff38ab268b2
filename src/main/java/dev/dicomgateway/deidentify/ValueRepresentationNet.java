package dev.dicomgateway.deidentify;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SpecificCharacterSet;
import java.util.Optional;
import java.util.Set;

/**
 * The safety net for every attribute Table E.1-1 leaves in place (it does not list it, or keeps it), by value
 * representation, at any depth and in safe private attributes too: DA and the date part of DT move by the patient's
 * offset (Modified Dates on) or are removed (off); PN the table does not list is emptied; in a UI attribute the table
 * does not list, a value outside the DICOM registry (root 1.2.840.10008.) is replaced by the keyed UID mapping, so
 * references stay consistent (a UI the table keeps, Device UID with Retain Device Identity, stays) — except
 * in the attributes that name a class, syntax or coding scheme rather than an instance ({@link #CLASS_UIDS}), whose
 * values identify a vendor's definition, never a patient, and must keep matching the file meta header and the IOD.
 * The table stays the first authority: attributes it removes, empties, dummies, cleans or replaces never reach here.
 */
final class ValueRepresentationNet {
    /** DICOM-defined UIDs (PS3.6 Annex A): SOP classes, transfer syntaxes, coding schemes, well-known instances. */
    static final String WELL_KNOWN_UID_ROOT = "1.2.840.10008.";
    private static final Set<AttributeTag> CLASS_UIDS = Set.of(
            new AttributeTag(0x0002, 0x0002), // Media Storage SOP Class UID
            new AttributeTag(0x0002, 0x0010), // Transfer Syntax UID
            new AttributeTag(0x0002, 0x0032), // RTV Communication SOP Class UID
            new AttributeTag(0x0004, 0x1510), // Referenced SOP Class UID in File
            new AttributeTag(0x0004, 0x1512), // Referenced Transfer Syntax UID in File
            new AttributeTag(0x0004, 0x151A), // Referenced Related General SOP Class UID in File
            new AttributeTag(0x0008, 0x0016), // SOP Class UID
            new AttributeTag(0x0008, 0x001A), // Related General SOP Class UID
            new AttributeTag(0x0008, 0x001B), // Original Specialized SOP Class UID
            new AttributeTag(0x0008, 0x0062), // SOP Classes in Study
            new AttributeTag(0x0008, 0x010C), // Coding Scheme UID
            new AttributeTag(0x0008, 0x0117), // Context UID
            new AttributeTag(0x0008, 0x0118), // Mapping Resource UID
            new AttributeTag(0x0008, 0x1150), // Referenced SOP Class UID
            new AttributeTag(0x0008, 0x115A), // SOP Classes Supported
            new AttributeTag(0x0008, 0x3002), // Available Transfer Syntax UID
            new AttributeTag(0x0034, 0x0003), // Flow Transfer Syntax UID
            new AttributeTag(0x0400, 0x0010), // MAC Calculation Transfer Syntax UID
            new AttributeTag(0x0400, 0x0510), // Encrypted Content Transfer Syntax UID
            new AttributeTag(0x3010, 0x0052), // Pertinent SOP Classes in Study
            new AttributeTag(0x3010, 0x0053)); // Pertinent SOP Classes in Series

    private final Pseudonyms pseudonyms;
    private final boolean modifiedDates;
    private final int dateShiftDays;

    ValueRepresentationNet(Pseudonyms pseudonyms, boolean modifiedDates, int dateShiftDays) {
        this.pseudonyms = pseudonyms;
        this.modifiedDates = modifiedDates;
        this.dateShiftDays = dateShiftDays;
    }

    /**
     * What to stage for {@code attribute} (not a sequence), which the table keeps ({@code listed}) or does not list:
     * the attribute itself, a replacement, or empty to remove it.
     */
    Optional<Attribute> apply(Attribute attribute, boolean listed, SpecificCharacterSet characterSet)
            throws DicomException {
        String vr = attribute.getVRAsString();
        return switch (vr) {
            case "DA", "DT" -> modifiedDates ? Optional.of(shifted(attribute, vr, characterSet)) : Optional.empty();
            case "PN" -> Optional.of(listed ? attribute : AttributeListDeidentifier.empty(attribute, characterSet));
            case "UI" -> Optional.of(listed || CLASS_UIDS.contains(attribute.getTag()) ? attribute : uids(attribute, characterSet));
            default -> Optional.of(attribute);
        };
    }

    /** True for a UID defined by DICOM itself, which identifies no patient, institution or device. */
    static boolean wellKnown(String uid) {
        return uid.startsWith(WELL_KNOWN_UID_ROOT);
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

    private Attribute uids(Attribute attribute, SpecificCharacterSet characterSet) throws DicomException {
        Attribute replaced = AttributeListDeidentifier.empty(attribute, characterSet);
        String[] values = attribute.getStringValues();
        if (values != null) {
            for (String value : values) {
                String uid = value.trim();
                if (!uid.isEmpty()) {
                    replaced.addValue(wellKnown(uid) ? uid : pseudonyms.uid(uid));
                }
            }
        }
        return replaced;
    }
}
