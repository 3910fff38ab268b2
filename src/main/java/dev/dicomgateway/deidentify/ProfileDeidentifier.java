package dev.dicomgateway.deidentify;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.TagFromName;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.dicom.DataSetLayout;
import dev.dicomgateway.dicom.DicomJson;
import dev.dicomgateway.dicom.FileMetaInformation;
import dev.dicomgateway.dicom.InstanceHeader;
import dev.dicomgateway.dicom.InstanceHeaderReader;
import dev.dicomgateway.dicom.PixelDataGroup;
import dev.dicomgateway.dicom.StructureFingerprint;
import dev.dicomgateway.dicom.TransferSyntax;
import dev.dicomgateway.dicom.UnreadableDataSetException;
import dev.dicomgateway.dicom.Uids;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * De-identifies by the PS3.15 profile while streaming: PixelMed parses only the bytes before the pixel data, the
 * de-identified header is written, and the pixel data group is copied from the received file unchanged (kernel to
 * kernel), so an instance of any size needs a few megabytes of heap. Nothing after the pixel data is staged
 * (padding, digital signatures, retired or private elements there). Deflated data sets, whose bytes cannot be
 * located without inflating them, are parsed and rewritten whole (they are small by nature: SR, documents).
 */
public final class ProfileDeidentifier implements Deidentifier {
    private static final int BUFFER = 64 * 1024;

    private final GatewayConfig.Deidentify settings;
    private final ProfileOptions options;
    private final ConfidentialityProfile profile;
    private final SafePrivateAttributes privateAttributes;
    private final Pseudonyms pseudonyms;
    private final QuarantineRules quarantine;
    private final LookupTable lookupTable;
    private final List<PixelMaskRule> pixelMasks;

    private ProfileDeidentifier(GatewayConfig.Deidentify settings, byte[] secret, LookupTable lookupTable) {
        this.settings = settings;
        this.options = ProfileOptions.from(settings);
        this.profile = ConfidentialityProfile.load(options);
        this.privateAttributes = new SafePrivateAttributes(settings.retainSafePrivate(), settings.safePrivateAttributes());
        this.pseudonyms = new Pseudonyms(secret, settings.entityPrefix(), settings.itemPrefix(), settings.dateShiftMaxDays());
        this.quarantine = new QuarantineRules(settings);
        this.lookupTable = lookupTable;
        this.pixelMasks = settings.pixelMasks().stream().map(PixelMaskRule::parse).toList();
    }

    /**
     * Loads (or creates) the secret, checks it against the spool's fingerprint ({@link SecretMismatchException}) and
     * opens the lookup table in {@code privateDirectory}.
     */
    public static ProfileDeidentifier open(GatewayConfig.Deidentify settings, Path privateDirectory, Clock clock)
            throws IOException {
        return new ProfileDeidentifier(settings, SecretKeyFile.loadForSpool(settings.secretFile(), privateDirectory),
                LookupTable.open(privateDirectory, clock));
    }

    @Override
    public DeidentifiedInstance deidentify(Path received, DataSetLayout layout, Path output, String callingAeTitle)
            throws IOException, UnreadableDataSetException, MissingPatientIdException {
        AttributeList list = readHeader(received, layout);
        checkStructure(list, layout.headerStructure());
        Keys keys = keys(list);
        Optional<PixelMask> mask = Optional.empty();
        if (keys.quarantineReason != null) { // a candidate for quarantine: blanked instead if a rule knows its text's place
            try (FileChannel in = FileChannel.open(received, StandardOpenOption.READ)) {
                mask = PixelMask.find(pixelMasks, list, layout, in);
            }
        }
        String quarantineReason = keys.quarantineReason;
        try {
            apply(list, keys);
            if (mask.isPresent()) {
                markMasked(list);
                quarantineReason = null;
            }
            write(list, layout, received, output, meta(keys, layout.transferSyntaxUid(), callingAeTitle), mask);
        } catch (DicomException e) {
            throw cannotDeidentify(e);
        }
        record(keys);
        return new DeidentifiedInstance(output, keys.original, keys.entity, keys.item, keys.study, keys.series, keys.sop,
                quarantineReason, !keys.patient.hasPatientId());
    }

    /** One pass needs no pixel: only a quarantine candidate that a pixel mask rule could blank reads its pixels. */
    @Override
    public boolean deidentifiesHeaders(String transferSyntaxUid) {
        return pixelMasks.isEmpty() && !TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(transferSyntaxUid);
    }

    @Override
    public DeidentifiedHeader deidentifyHeader(byte[] header, int length, long structure, String transferSyntaxUid,
                                               String callingAeTitle, OutputStream fileHeader)
            throws IOException, UnreadableDataSetException, MissingPatientIdException {
        AttributeList list = new AttributeList();
        try {
            list.read(new DicomInputStream(new java.io.ByteArrayInputStream(header, 0, length), transferSyntaxUid, false));
        } catch (DicomException | RuntimeException | StackOverflowError e) {
            throw new UnreadableDataSetException("data set cannot be parsed: " + e.getClass().getSimpleName(), e);
        } catch (IOException e) {
            throw new UnreadableDataSetException("data set is truncated or malformed: " + e.getClass().getSimpleName(), e);
        }
        checkStructure(list, structure);
        Keys keys = keys(list);
        OutputStream encoded = new BufferedOutputStream(fileHeader, BUFFER); // no copy: the list itself is the header's size
        encoded.write(meta(keys, transferSyntaxUid, callingAeTitle).encode());
        try {
            apply(list, keys);
            DicomOutputStream dicom = new DicomOutputStream(encoded, null, transferSyntaxUid);
            list.write(dicom);
            dicom.flush();
            encoded.flush();
        } catch (DicomException e) {
            throw cannotDeidentify(e);
        }
        return new DeidentifiedHeader(keys.original, keys.entity, keys.item, keys.study, keys.series, keys.sop,
                keys.quarantineReason, !keys.patient.hasPatientId(), () -> record(keys), DicomJson.ofWritten(list));
    }

    /** What an instance is staged under, from its original header (PHI: never logged). */
    private record Keys(InstanceHeader original, PatientKey patient, String issuer, String accession, String entity,
                        String item, String study, String series, String sop, String quarantineReason) {
    }

    private static void checkStructure(AttributeList list, long structure) throws UnreadableDataSetException {
        if (StructureFingerprint.of(list) != structure) {
            // PixelMed read these bytes as another structure than the reader checked: de-identifying its reading
            // could keep what the reader saw as an attribute to remove, or lose what it saw as an element
            throw new UnreadableDataSetException("ambiguous structure: PixelMed reads it otherwise", null);
        }
    }

    private Keys keys(AttributeList list) throws MissingPatientIdException {
        InstanceHeader original = InstanceHeaderReader.header(list);
        String issuer = Attribute.getSingleStringValueOrDefault(list, TagFromName.IssuerOfPatientID,
                settings.defaultIssuerOfPatientId()).trim();
        String accession = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.AccessionNumber).trim();
        PatientKey patient = PatientKey.of(issuer, original.patientId(),
                Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PatientName),
                Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PatientBirthDate),
                Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PatientSex), original.studyInstanceUid());
        if (!patient.hasPatientId() && settings.requirePatientId()) {
            throw new MissingPatientIdException();
        }
        return new Keys(original, patient, issuer, accession, pseudonyms.entityId(patient),
                pseudonyms.itemId(original.studyInstanceUid()), pseudonyms.uid(original.studyInstanceUid()),
                pseudonyms.uid(original.seriesInstanceUid()), pseudonyms.uid(original.sopInstanceUid()),
                quarantine.reason(original));
    }

    private void apply(AttributeList list, Keys keys) throws DicomException {
        new AttributeListDeidentifier(profile, privateAttributes, pseudonyms, options,
                pseudonyms.dateShiftDays(keys.patient)).apply(list, keys.entity, keys.item);
    }

    private static FileMetaInformation meta(Keys keys, String transferSyntaxUid, String callingAeTitle) {
        return new FileMetaInformation(keys.original.sopClassUid(), keys.sop, transferSyntaxUid, callingAeTitle);
    }

    /** The lookup table learns the study (synced) before anything of it can be acknowledged. */
    private void record(Keys keys) throws IOException {
        if (Uids.isValid(keys.original.studyInstanceUid())) {
            lookupTable.recordStudy(keys.entity, keys.item, keys.study, keys.original.patientId(), keys.issuer,
                    keys.accession, keys.original.studyInstanceUid());
        }
    }

    private static UnreadableDataSetException cannotDeidentify(DicomException e) {
        return new UnreadableDataSetException("data set cannot be de-identified: " + e.getClass().getSimpleName(), e);
    }

    private static AttributeList readHeader(Path received, DataSetLayout layout) throws IOException, UnreadableDataSetException {
        AttributeList list = new AttributeList();
        try {
            if (layout.deflated()) {
                list.read(received.toString());
                dropAfterPixelData(list);
                return list;
            }
            try (FileChannel channel = FileChannel.open(received, StandardOpenOption.READ)) {
                channel.position(layout.dataSetOffset());
                InputStream header = new BufferedInputStream(
                        new BoundedInputStream(Channels.newInputStream(channel), layout.headerEnd() - layout.dataSetOffset()), BUFFER);
                list.read(new DicomInputStream(header, layout.transferSyntaxUid(), false));
            }
            return list;
        } catch (DicomException | RuntimeException | StackOverflowError e) {
            throw new UnreadableDataSetException("data set cannot be parsed: " + e.getClass().getSimpleName(), e);
        } catch (IOException e) {
            throw new UnreadableDataSetException("data set is truncated or malformed: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * A deflated data set is parsed whole: remove what follows its pixel data, as the copy of a plain one leaves it
     * behind (padding, signatures, retired 7FE0 elements, private groups above 7FE0).
     */
    private static void dropAfterPixelData(AttributeList list) {
        for (AttributeTag tag : new java.util.ArrayList<>(list.keySet())) {
            int value = tag.getGroup() << 16 | tag.getElement();
            if (Integer.compareUnsigned(value, 0x7FE00000) >= 0 && !PixelDataGroup.isPermitted(value)) {
                list.remove(tag);
            }
        }
    }

    /** BurnedInAnnotation NO, and DeidentificationMethod says how that came to be true. */
    private static void markMasked(AttributeList list) throws DicomException {
        Attribute burnedIn = new com.pixelmed.dicom.CodeStringAttribute(TagFromName.BurnedInAnnotation);
        burnedIn.addValue("NO");
        list.put(burnedIn);
        Attribute method = list.get(TagFromName.DeidentificationMethod);
        if (method != null) {
            method.addValue("BURNED-IN TEXT MASKED BY DEIDENTIFY.PIXELMASKS");
        }
    }

    private static void write(AttributeList list, DataSetLayout layout, Path received, Path output,
                              FileMetaInformation meta, Optional<PixelMask> mask) throws IOException, DicomException {
        String transferSyntax = layout.transferSyntaxUid();
        try (FileChannel out = FileChannel.open(output, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                SecretKeyFile.OWNER_ONLY_FILE)) { // staged as it is: 0600 from its first byte
            OutputStream stream = new BufferedOutputStream(Channels.newOutputStream(out), BUFFER);
            stream.write(meta.encode());
            if (layout.deflated()) {
                list.write(stream, transferSyntax, false, false, false);
                stream.flush();
                return;
            }
            DicomOutputStream dicom = new DicomOutputStream(stream, null, transferSyntax);
            list.write(dicom);
            dicom.flush();
            try (FileChannel in = FileChannel.open(received, StandardOpenOption.READ)) {
                if (mask.isPresent()) {
                    mask.get().copy(in, layout, out);
                    return;
                }
                long position = layout.bulkStart();
                while (position < layout.bulkEnd()) {
                    position += in.transferTo(position, layout.bulkEnd() - position, out);
                }
            }
        }
    }

    @Override
    public String stagedSopInstanceUid(String originalSopInstanceUid) {
        return pseudonyms.uid(originalSopInstanceUid);
    }

    @Override
    public byte[] sealingKey() {
        return pseudonyms.sealingKey();
    }
}
