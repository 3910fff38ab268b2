package dev.dicomgateway.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A data set in the DICOM JSON model (PS3.18 F.2) — tags as 8 hex digits, "vr", "Value" — with bulk data left out:
 * binary values (pixel data, overlays, OB/OW/UN …) appear with their VR only. Reads the header only.
 */
public final class DicomJson {
    private static final Set<String> NUMBER_VRS = Set.of("DS", "IS", "US", "SS", "UL", "SL", "FL", "FD", "UV", "SV");
    private static final Set<String> BINARY_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "UN");

    private DicomJson() {
    }

    /** The JSON model of the Part 10 file's data set (file meta excluded), stopping before the pixel data. */
    public static Map<String, Object> read(Path part10File) throws IOException, UnreadableDataSetException {
        AttributeList list = new AttributeList();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(part10File), 1 << 16);
             DicomInputStream dicom = new DicomInputStream(in)) {
            list.read(dicom, TagFromName.PixelData);
        } catch (DicomException | RuntimeException | StackOverflowError e) {
            throw new UnreadableDataSetException("data set cannot be parsed: " + e.getClass().getSimpleName(), e);
        }
        list.removeMetaInformationHeaderAttributes();
        list.removeGroupLengthAttributes();
        return model(list);
    }

    /**
     * The same for attributes just written as a Part 10 file's header (the de-identifier's list after it wrote it):
     * what {@link #read(Path)} of that file gives, without parsing it again; null when a value cannot be rendered.
     * Consumes the list (meta and group lengths are removed from it).
     */
    public static Map<String, Object> ofWritten(AttributeList list) {
        try {
            list.removeMetaInformationHeaderAttributes();
            list.removeGroupLengthAttributes();
            return model(list);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static Map<String, Object> model(AttributeList list) throws IOException {
        Map<String, Object> object = new LinkedHashMap<>();
        for (Attribute attribute : list.values()) {
            AttributeTag tag = attribute.getTag();
            String vr = attribute.getVRAsString();
            Map<String, Object> element = new LinkedHashMap<>();
            element.put("vr", vr);
            List<Object> values = values(attribute, vr);
            if (!values.isEmpty()) {
                element.put("Value", values);
            }
            object.put(String.format("%04X%04X", tag.getGroup(), tag.getElement()), element);
        }
        return object;
    }

    private static List<Object> values(Attribute attribute, String vr) throws IOException {
        List<Object> values = new ArrayList<>();
        if (attribute instanceof SequenceAttribute sequence) {
            for (int i = 0; i < sequence.getNumberOfItems(); i++) {
                values.add(model(sequence.getItem(i).getAttributeList()));
            }
            return values;
        }
        if (BINARY_VRS.contains(vr)) {
            return values;
        }
        String[] strings;
        try {
            strings = attribute.getStringValues();
        } catch (DicomException e) {
            return values;
        }
        if (strings == null) {
            return values;
        }
        for (String value : strings) {
            String trimmed = value.trim();
            if (vr.equals("PN")) {
                values.add(personName(trimmed));
            } else if (NUMBER_VRS.contains(vr) && !trimmed.isEmpty()) {
                values.add(number(trimmed, vr));
            } else {
                values.add(trimmed);
            }
        }
        return values;
    }

    private static Map<String, Object> personName(String value) {
        Map<String, Object> name = new LinkedHashMap<>();
        String[] groups = value.split("=", -1);
        String[] keys = {"Alphabetic", "Ideographic", "Phonetic"};
        for (int i = 0; i < Math.min(3, groups.length); i++) {
            if (!groups[i].isEmpty()) {
                name.put(keys[i], groups[i]);
            }
        }
        return name;
    }

    /** Integers for IS and the integer binary VRs (PixelMed renders some as "1.0"), decimals for DS, FL, FD. */
    private static Object number(String value, String vr) {
        try {
            double number = Double.parseDouble(value);
            boolean integral = !vr.equals("DS") && !vr.equals("FL") && !vr.equals("FD");
            if (integral && number == Math.rint(number) && Math.abs(number) < 9.0e18) {
                return (long) number;
            }
            return number;
        } catch (NumberFormatException e) {
            return value; // a malformed number stays text rather than being lost
        }
    }
}
