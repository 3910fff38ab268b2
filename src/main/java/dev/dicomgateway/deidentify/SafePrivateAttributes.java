package dev.dicomgateway.deidentify;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Private attributes (odd groups): removed, except — with Retain Safe Private — those the site lists as safe, each
 * named by group, private creator and element offset ("0019,GEMS_ACQU_01,0C"), and the creators that reserve them.
 */
final class SafePrivateAttributes {
    private final Set<String> safe = new HashSet<>();

    SafePrivateAttributes(boolean retainSafePrivate, List<String> entries) {
        if (retainSafePrivate) {
            for (String entry : entries) {
                String[] parts = entry.split(",", 3);
                safe.add(key(Integer.parseInt(parts[0], 16), parts[1].trim(), Integer.parseInt(parts[2], 16)));
            }
        }
    }

    /** Removes every private attribute of {@code list} (one level) that is not listed as safe. */
    void apply(AttributeList list) {
        List<AttributeTag> remove = new ArrayList<>();
        Set<AttributeTag> creatorsInUse = new HashSet<>();
        for (AttributeTag tag : list.keySet()) {
            if (tag.getGroup() % 2 == 0) {
                continue;
            }
            int element = tag.getElement();
            if (element >= 0x0010 && element <= 0x00FF) {
                continue; // private creators: decided below
            }
            int block = element >>> 8;
            AttributeTag creatorTag = new AttributeTag(tag.getGroup(), block);
            String creator = Attribute.getSingleStringValueOrEmptyString(list, creatorTag).trim();
            if (element > 0x00FF && safe.contains(key(tag.getGroup(), creator, element & 0xFF))) {
                creatorsInUse.add(creatorTag);
            } else {
                remove.add(tag);
            }
        }
        for (AttributeTag tag : list.keySet()) {
            if (tag.getGroup() % 2 == 1 && tag.getElement() >= 0x0010 && tag.getElement() <= 0x00FF && !creatorsInUse.contains(tag)) {
                remove.add(tag);
            }
        }
        remove.forEach(list::remove);
    }

    private static String key(int group, String creator, int offset) {
        return group + "|" + creator.toUpperCase(Locale.ROOT) + "|" + offset;
    }
}
