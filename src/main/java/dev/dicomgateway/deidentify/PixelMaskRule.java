package dev.dicomgateway.deidentify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One deidentify.pixelMasks rule: the device and image size it applies to, and the rectangles of burned-in text to
 * fill with zero. Written {@code MANUFACTURER|MODEL|ROWSxCOLUMNS|X Y WIDTH HEIGHT[;X Y WIDTH HEIGHT ...]}; manufacturer
 * and model are compared trimmed and case-insensitively, rectangles are in pixels from the top-left corner.
 */
public record PixelMaskRule(String manufacturer, String model, int rows, int columns, List<Rectangle> rectangles) {

    /** A region of columns x..x+width-1 and rows y..y+height-1. */
    public record Rectangle(int x, int y, int width, int height) {
        boolean contains(int column, int row) {
            return column >= x && column < x + width && row >= y && row < y + height;
        }
    }

    /** Parses one rule; an IllegalArgumentException names what is wrong (the configuration reports it with its key). */
    public static PixelMaskRule parse(String text) {
        String[] fields = text.split("\\|", -1);
        if (fields.length != 4) {
            throw new IllegalArgumentException("expected MANUFACTURER|MODEL|ROWSxCOLUMNS|X Y WIDTH HEIGHT[;...]");
        }
        String[] size = fields[2].trim().toLowerCase(Locale.ROOT).split("x");
        if (size.length != 2) {
            throw new IllegalArgumentException("the size is ROWSxCOLUMNS, e.g. 480x640");
        }
        int rows = positive(size[0], "rows");
        int columns = positive(size[1], "columns");
        List<Rectangle> rectangles = new ArrayList<>();
        for (String rectangle : fields[3].split(";")) {
            String[] numbers = rectangle.trim().split("\\s+");
            if (numbers.length != 4) {
                throw new IllegalArgumentException("each rectangle is X Y WIDTH HEIGHT");
            }
            Rectangle r = new Rectangle(nonNegative(numbers[0]), nonNegative(numbers[1]), positive(numbers[2], "width"),
                    positive(numbers[3], "height"));
            if (r.x() + r.width() > columns || r.y() + r.height() > rows) {
                throw new IllegalArgumentException("rectangle " + rectangle.trim() + " lies outside " + rows + "x" + columns);
            }
            rectangles.add(r);
        }
        return new PixelMaskRule(fields[0].trim(), fields[1].trim(), rows, columns, List.copyOf(rectangles));
    }

    boolean matches(String manufacturer, String model, int rows, int columns) {
        return this.manufacturer.equalsIgnoreCase(manufacturer.trim()) && this.model.equalsIgnoreCase(model.trim())
                && this.rows == rows && this.columns == columns;
    }

    /** Whether pixel (column, row) is to be blanked. */
    boolean masks(int column, int row) {
        for (Rectangle rectangle : rectangles) {
            if (rectangle.contains(column, row)) {
                return true;
            }
        }
        return false;
    }

    private static int positive(String text, String what) {
        int value = nonNegative(text);
        if (value == 0) {
            throw new IllegalArgumentException(what + " must be at least 1");
        }
        return value;
    }

    private static int nonNegative(String text) {
        try {
            int value = Integer.parseInt(text.trim());
            if (value < 0) {
                throw new IllegalArgumentException("negative number " + text.trim());
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: " + text.trim());
        }
    }
}
