import com.pixelmed.dicom.StoredFilePathStrategy;
import com.pixelmed.network.AnyExplicitStorePresentationContextSelectionPolicy;
import com.pixelmed.network.ReceivedObjectHandler;
import com.pixelmed.network.StorageSOPClassSCPDispatcher;
import java.io.File;

/**
 * PixelMed's bare storage SCP, the baseline bench/run compares the gateway with: PixelMed's own dispatcher writes each
 * instance into DIR (its temporary file, then a rename, no fsync) and the handler does nothing, as measured in
 * /work/shared/pixelmed-notes.md. bench/run compiles it with javac against /usr/share/java/pixelmed.jar and runs
 * it as: java -cp CLASSES:/usr/share/java/pixelmed.jar BareStorageScp PORT AE_TITLE MAX_PDU DIR
 */
public final class BareStorageScp {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String aeTitle = args[1];
        int maxPdu = Integer.parseInt(args[2]);
        File dir = new File(args[3]);
        ReceivedObjectHandler nothing = new ReceivedObjectHandler() {
            @Override
            public void sendReceivedObjectIndication(String file, String transferSyntax, String callingAe) {
            }
        };
        StorageSOPClassSCPDispatcher dispatcher = new StorageSOPClassSCPDispatcher(port, aeTitle, maxPdu, 0, 0, dir,
                StoredFilePathStrategy.BYSOPINSTANCEUIDINSINGLEFOLDER, nothing, null, null, null, null,
                new AnyExplicitStorePresentationContextSelectionPolicy(), false);
        System.out.println("listening on " + port);
        dispatcher.run();
    }
}
