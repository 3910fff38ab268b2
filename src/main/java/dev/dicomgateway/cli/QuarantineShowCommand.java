package dev.dicomgateway.cli;

import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.dicom.FirstFramePng;
import dev.dicomgateway.dicom.UnrenderableImageException;
import dev.dicomgateway.spool.QuarantinedInstance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dicom-gateway quarantine show ID --png FILE}: the first frame as a PNG, so a reviewer needs no DICOM viewer. */
@Command(name = "show", description = "Render the first frame of a quarantined instance to a PNG for review "
        + "(the PNG may show burned-in PHI: it is created readable by you only; delete it after review).")
public final class QuarantineShowCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Parameters(paramLabel = "ID", description = "an id from `dicom-gateway quarantine list`")
    String id;

    @Option(names = "--png", paramLabel = "FILE", required = true, description = "the PNG to write (replaced if it exists)")
    Path png;

    @Override
    public Integer call() throws ConfigException {
        try {
            QuarantinedInstance instance = QuarantineCommand.open(config).find(id);
            FirstFramePng.Rendered rendered = FirstFramePng.render(instance.file(), png);
            System.out.println("wrote " + png + ": " + rendered.width() + "x" + rendered.height() + " pixels, "
                    + rendered.bytes() + " bytes (first frame of " + instance.id() + ", " + instance.reason() + ")");
            return 0;
        } catch (UnrenderableImageException e) {
            System.err.println(Main.wrap("dicom-gateway: cannot render " + id + ": " + e.getMessage()));
            return 1;
        } catch (IOException e) {
            System.err.println(Main.wrap("dicom-gateway: cannot render " + id + ": " + e.getMessage()));
            return 1;
        }
    }
}
