package dev.dicomgateway.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;

/** Reads single string values out of a PixelMed attribute list. */
final class Attributes {
    private Attributes() {
    }

    /** The attribute's value (all values joined by backslash), trimmed; empty when absent. */
    static String string(AttributeList attributes, AttributeTag tag) {
        Attribute attribute = attributes.get(tag);
        if (attribute == null) {
            return "";
        }
        return attribute.getDelimitedStringValuesOrEmptyString().trim();
    }
}
