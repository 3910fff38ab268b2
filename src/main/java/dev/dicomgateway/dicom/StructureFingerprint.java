package dev.dicomgateway.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SequenceAttribute;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * A hash of a header's structure — every element's tag and every item, with its nesting depth, in order — taken once
 * from the bounded reader's walk and once from the attribute list PixelMed built from the same bytes. When the two
 * differ, the parsers read the data set differently (a value one of them took for elements, a length the other read
 * elsewhere), and what the reader checked is not what the de-identifier would see: the instance is refused.
 * Only the attributes before the pixel data count (top-level tags below (7FE0,0000), file meta group excluded).
 */
public final class StructureFingerprint {
    private static final int ITEM = 0xFFFEE000;

    private long hash = 0xcbf29ce484222325L;

    /** Adds one element (its tag) or one item ({@code (FFFE,E000)}) at {@code depth}. */
    void add(int depth, int tag) {
        hash = (hash ^ depth) * 0x100000001b3L;
        hash = (hash ^ tag) * 0x100000001b3L;
    }

    long value() {
        return hash;
    }

    /** Whether a top-level element with {@code tag} belongs to the part of the header that is compared. */
    static boolean counts(int topLevelTag) {
        return Integer.compareUnsigned(topLevelTag, 0x7FE00000) < 0 && (topLevelTag >>> 16) != 0x0002;
    }

    /** The fingerprint of what PixelMed parsed, walked with an explicit stack (no recursion on the input's depth). */
    public static long of(AttributeList list) {
        StructureFingerprint fingerprint = new StructureFingerprint();
        Deque<Object> levels = new ArrayDeque<>(); // Elements or Items
        levels.push(new Elements(list.values().iterator(), 0));
        while (!levels.isEmpty()) {
            if (levels.peek() instanceof Items items) {
                if (items.next < items.sequence.getNumberOfItems()) {
                    fingerprint.add(items.depth, ITEM);
                    levels.push(new Elements(items.sequence.getItem(items.next++).getAttributeList().values().iterator(),
                            items.depth));
                } else {
                    levels.pop();
                }
                continue;
            }
            Elements elements = (Elements) levels.peek();
            if (!elements.attributes.hasNext()) {
                levels.pop();
                continue;
            }
            Attribute attribute = elements.attributes.next();
            int tag = attribute.getTag().getGroup() << 16 | attribute.getTag().getElement();
            if (elements.depth == 0 && !counts(tag)) {
                continue;
            }
            fingerprint.add(elements.depth, tag);
            if (attribute instanceof SequenceAttribute sequence) {
                levels.push(new Items(sequence, elements.depth + 1));
            }
        }
        return fingerprint.value();
    }

    /** The elements of one data set or item, at their depth. */
    private record Elements(Iterator<Attribute> attributes, int depth) {
    }

    /** The items of one sequence, and which comes next. */
    private static final class Items {
        final SequenceAttribute sequence;
        final int depth;
        int next;

        Items(SequenceAttribute sequence, int depth) {
            this.sequence = sequence;
            this.depth = depth;
        }
    }
}
