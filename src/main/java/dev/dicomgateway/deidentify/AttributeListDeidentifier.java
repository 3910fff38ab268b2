package dev.dicomgateway.deidentify;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.StringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TextAttribute;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies the confidentiality profile to one data set's attributes (everything before the pixel data), at every
 * nesting depth, then writes the de-identification marks. One instance per received instance: it carries that
 * instance's pseudonyms, date offset and the identifiers free text is scrubbed of.
 */
final class AttributeListDeidentifier {
    static final String DUMMY_TEXT = "ANONYMIZED";
    private static final Set<String> TEXT_VRS = Set.of("PN", "LO", "SH", "LT", "ST", "UT", "UC", "CS", "AE");
    private static final Set<AttributeTag> IDENTIFYING_NON_PATIENT_TAGS = Set.of(TagFromName.AccessionNumber,
            TagFromName.InstitutionName, TagFromName.InstitutionAddress, TagFromName.ReferringPhysicianAddress,
            TagFromName.ReferringPhysicianTelephoneNumbers, TagFromName.StudyID, TagFromName.RequestedProcedureID,
            TagFromName.PerformedProcedureStepID, new AttributeTag(0x0040, 0x0009),
            TagFromName.FillerOrderNumberImagingServiceRequest, TagFromName.PlacerOrderNumberImagingServiceRequest);

    private final ConfidentialityProfile profile;
    private final SafePrivateAttributes privateAttributes;
    private final Pseudonyms pseudonyms;
    private final ProfileOptions options;
    private final int dateShiftDays;
    private final ValueRepresentationNet net;
    private TextScrubber scrubber;

    AttributeListDeidentifier(ConfidentialityProfile profile, SafePrivateAttributes privateAttributes,
                              Pseudonyms pseudonyms, ProfileOptions options, int dateShiftDays) {
        this.profile = profile;
        this.privateAttributes = privateAttributes;
        this.pseudonyms = pseudonyms;
        this.options = options;
        this.dateShiftDays = dateShiftDays;
        this.net = new ValueRepresentationNet(pseudonyms, options.modifiedDates(), dateShiftDays);
    }

    /** De-identifies {@code list} in place; entity and item ids replace PatientID/PatientName and AccessionNumber. */
    void apply(AttributeList list, String entityId, String itemId) throws DicomException {
        Set<String> identifiers = new LinkedHashSet<>();
        Set<String> dates = new LinkedHashSet<>();
        collectIdentifiers(list, identifiers, dates);
        scrubber = new TextScrubber(identifiers, dates);
        list.removeGroupLengthAttributes();
        list.removeMetaInformationHeaderAttributes();
        SpecificCharacterSet characterSet = new SpecificCharacterSet(list);
        applyToList(list, characterSet);
        put(list, TagFromName.PatientID, characterSet, entityId);
        put(list, TagFromName.PatientName, characterSet, entityId);
        put(list, TagFromName.AccessionNumber, characterSet, itemId);
        put(list, TagFromName.PatientIdentityRemoved, characterSet, "YES");
        put(list, TagFromName.DeidentificationMethod, characterSet, "PS3.15 E.1-1 BASIC PROFILE (DICOM-GATEWAY)");
        if (options.modifiedDates()) {
            put(list, TagFromName.LongitudinalTemporalInformationModified, characterSet, "MODIFIED");
        }
        SequenceAttribute codes = new SequenceAttribute(TagFromName.DeidentificationMethodCodeSequence);
        for (String[] code : options.methodCodes()) {
            AttributeList item = new AttributeList();
            put(item, TagFromName.CodeValue, characterSet, code[0]);
            put(item, TagFromName.CodingSchemeDesignator, characterSet, "DCM");
            put(item, TagFromName.CodeMeaning, characterSet, code[1]);
            codes.addItem(item);
        }
        list.put(codes);
    }

    /** {@code inherited}: the character set in force; an item may declare its own (PS3.5 7.5.3). */
    private void applyToList(AttributeList list, SpecificCharacterSet inherited) throws DicomException {
        SpecificCharacterSet characterSet = list.get(TagFromName.SpecificCharacterSet) == null
                ? inherited : new SpecificCharacterSet(list);
        privateAttributes.apply(list);
        for (AttributeTag tag : new ArrayList<>(list.keySet())) {
            Attribute attribute = list.get(tag);
            if (tag.getGroup() % 2 == 1) {
                if (attribute instanceof SequenceAttribute sequence) {
                    applyToItems(sequence, characterSet); // a safe private sequence still has its contents cleaned
                } else if (!isPrivateCreator(tag)) {
                    keepSafely(list, attribute, false, characterSet); // listed by the site, not by the table
                }
                continue;
            }
            switch (profile.action(tag.getGroup(), tag.getElement())) {
                case KEEP -> {
                    if (attribute instanceof SequenceAttribute sequence) {
                        applyToItems(sequence, characterSet);
                    } else {
                        keepSafely(list, attribute, profile.lists(tag.getGroup(), tag.getElement()), characterSet);
                    }
                }
                case REMOVE -> list.remove(tag);
                case ZERO -> list.put(empty(attribute, characterSet));
                case DUMMY -> list.put(dummy(attribute, characterSet));
                case CLEAN -> clean(list, attribute, characterSet);
                case REPLACE_UID -> replaceUids(list, attribute, characterSet);
            }
        }
    }

    /** An attribute the table leaves in place still passes the net by value representation. */
    private void keepSafely(AttributeList list, Attribute attribute, boolean listed, SpecificCharacterSet characterSet)
            throws DicomException {
        java.util.Optional<Attribute> kept = net.apply(attribute, listed, characterSet);
        if (kept.isEmpty()) {
            list.remove(attribute.getTag());
        } else if (kept.get() != attribute) {
            list.put(kept.get());
        }
    }

    private static boolean isPrivateCreator(AttributeTag tag) {
        return tag.getElement() >= 0x0010 && tag.getElement() <= 0x00FF;
    }

    private void applyToItems(SequenceAttribute sequence, SpecificCharacterSet characterSet) throws DicomException {
        for (int i = 0; i < sequence.getNumberOfItems(); i++) {
            applyToList(sequence.getItem(i).getAttributeList(), characterSet);
        }
    }

    private void clean(AttributeList list, Attribute attribute, SpecificCharacterSet characterSet) throws DicomException {
        if (attribute instanceof SequenceAttribute sequence) {
            applyToItems(sequence, characterSet);
            return;
        }
        if (!isText(attribute)) {
            list.remove(attribute.getTag()); // binary values cannot be cleaned
            return;
        }
        String vr = attribute.getVRAsString();
        String[] values = attribute.getStringValues();
        if (values == null) {
            return;
        }
        Attribute cleaned = empty(attribute, characterSet);
        for (String value : values) {
            String replacement = switch (vr) {
                case "DA" -> DateShift.date(value, dateShiftDays);
                case "DT" -> DateShift.dateTime(value, dateShiftDays);
                case "UI" -> pseudonyms.uid(value.trim());
                default -> TEXT_VRS.contains(vr) ? scrubber.scrub(value) : value;
            };
            cleaned.addValue(replacement);
        }
        list.put(cleaned);
    }

    private void replaceUids(AttributeList list, Attribute attribute, SpecificCharacterSet characterSet)
            throws DicomException {
        if (!"UI".equals(attribute.getVRAsString())) {
            list.remove(attribute.getTag());
            return;
        }
        String[] values = attribute.getStringValues();
        Attribute replaced = empty(attribute, characterSet);
        if (values != null) {
            for (String value : values) {
                if (!value.trim().isEmpty()) {
                    replaced.addValue(pseudonyms.uid(value.trim()));
                }
            }
        }
        list.put(replaced);
    }

    private Attribute dummy(Attribute attribute, SpecificCharacterSet characterSet) throws DicomException {
        Attribute dummy = empty(attribute, characterSet);
        if (attribute instanceof SequenceAttribute) {
            return dummy;
        }
        String vr = attribute.getVRAsString();
        String value = switch (vr) {
            case "DA" -> "19000101";
            case "TM" -> "000000";
            case "DT" -> "19000101000000";
            case "IS", "DS" -> "0";
            case "UI" -> pseudonyms.uid(Attribute.getSingleStringValueOrEmptyString(attribute).trim());
            default -> TEXT_VRS.contains(vr) ? DUMMY_TEXT : null;
        };
        if (value != null) {
            dummy.addValue(value);
        }
        return dummy;
    }

    /** A value-less attribute with the same tag and VR, encoding text in {@code characterSet}. */
    static Attribute empty(Attribute attribute, SpecificCharacterSet characterSet) throws DicomException {
        if (attribute instanceof SequenceAttribute) {
            return new SequenceAttribute(attribute.getTag());
        }
        return AttributeFactory.newAttribute(attribute.getTag(), attribute.getVR(), characterSet);
    }

    /** String-valued (PixelMed models LT, ST and UT apart from the other string VRs). */
    private static boolean isText(Attribute attribute) {
        return attribute instanceof StringAttribute || attribute instanceof TextAttribute;
    }

    private static void put(AttributeList list, AttributeTag tag, SpecificCharacterSet characterSet, String value)
            throws DicomException {
        Attribute attribute = AttributeFactory.newAttribute(tag, dictionaryVr(tag), characterSet);
        attribute.addValue(value);
        list.put(attribute);
    }

    private static byte[] dictionaryVr(AttributeTag tag) {
        return com.pixelmed.dicom.DicomDictionary.StandardDictionary.getValueRepresentationFromTag(tag);
    }

    /** Values this instance's free text must not contain: names, patient and visit data, IDs, institutions, dates. */
    private void collectIdentifiers(AttributeList list, Set<String> identifiers, Set<String> dates) throws DicomException {
        for (Attribute attribute : new ArrayList<>(list.values())) {
            AttributeTag tag = attribute.getTag();
            if (attribute instanceof SequenceAttribute sequence) {
                for (SequenceItem item : iterable(sequence)) {
                    collectIdentifiers(item.getAttributeList(), identifiers, dates);
                }
                continue;
            }
            String vr = attribute.getVRAsString();
            if (("DA".equals(vr) || "DT".equals(vr)) && attribute.getStringValues() != null) {
                for (String value : attribute.getStringValues()) {
                    dates.addAll(DateForms.of(value)); // this instance's original dates, as text would show them
                }
                continue;
            }
            if (tag.getGroup() % 2 == 1) {
                continue;
            }
            ProfileAction action = profile.action(tag.getGroup(), tag.getElement());
            boolean removedOrReplaced = action == ProfileAction.REMOVE || action == ProfileAction.ZERO
                    || action == ProfileAction.DUMMY || tag.equals(TagFromName.PatientID) || tag.equals(TagFromName.PatientName)
                    || "PN".equals(vr) && !profile.lists(tag.getGroup(), tag.getElement()); // emptied by the net
            boolean identifying = "PN".equals(attribute.getVRAsString()) || tag.getGroup() == 0x0010
                    || tag.getGroup() == 0x0038 || IDENTIFYING_NON_PATIENT_TAGS.contains(tag);
            if (removedOrReplaced && identifying && isText(attribute)) {
                String[] values = attribute.getStringValues();
                if (values != null) {
                    identifiers.addAll(List.of(values));
                }
            }
        }
    }

    private static Iterable<SequenceItem> iterable(SequenceAttribute sequence) {
        return sequence::iterator;
    }
}
