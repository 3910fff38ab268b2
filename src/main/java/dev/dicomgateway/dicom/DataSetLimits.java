package dev.dicomgateway.dicom;

/**
 * What a received data set may cost before anything parses it in memory (dicom.maxSequenceDepth,
 * dicom.maxHeaderBytes, dicom.maxValuesPerElement): how deep its sequences nest, how many bytes of attributes it has
 * outside the pixel data, and how many values one text attribute holds. See docs/decisions.md, "The data-set reader".
 */
public record DataSetLimits(int maxSequenceDepth, long maxHeaderBytes, int maxValuesPerElement) {

    /** The shipped defaults (conf/gateway.yaml). */
    public static final DataSetLimits DEFAULT = new DataSetLimits(64, 64L << 20, 10_000);
}
