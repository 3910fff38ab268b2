package dev.dicomgateway.testing;

import dev.dicomgateway.dicom.FileMetaInformation;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Part 10 CT instances written to a folder, for storescu to send or `import` to read. */
public final class InstanceFiles {
    private InstanceFiles() {
    }

    /**
     * {@code studies} studies of {@code perStudy} instances each below {@code directory}, with SOP Instance UIDs
     * {@code <root>.<study>.<instance>} (one patient per study) and {@code pixelBytes} of pixel data.
     */
    public static List<Path> ct(Path directory, String root, int studies, int perStudy, int pixelBytes) throws IOException {
        Files.createDirectories(directory);
        List<Path> files = new ArrayList<>();
        for (int s = 0; s < studies; s++) {
            String study = root + "." + s;
            for (int i = 0; i < perStudy; i++) {
                String sop = study + "." + (i + 1);
                byte[] dataSet = DataSets.ct(sop, "PATIENT-" + root.hashCode() + "-" + s, study, study + ".0", pixelBytes);
                Path file = directory.resolve(sop + ".dcm");
                try (OutputStream out = Files.newOutputStream(file)) {
                    out.write(new FileMetaInformation(RawScu.CT_IMAGE_STORAGE, sop, RawScu.EXPLICIT_LE, "TEST").encode());
                    out.write(dataSet);
                }
                files.add(file);
            }
        }
        return files;
    }
}
