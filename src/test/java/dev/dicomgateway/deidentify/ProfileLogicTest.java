package dev.dicomgateway.deidentify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure rules behind de-identification: table resolution, pseudonym shapes, date shifting, text cleaning. */
class ProfileLogicTest {
    private static final ProfileOptions DEFAULTS = new ProfileOptions(true, true, false, false, true, false);
    private static final ProfileOptions BASIC_ONLY = new ProfileOptions(false, false, false, false, false, false);

    @Test
    void tableChoicesAndOptionsResolveAsDocumented() {
        assertEquals(ProfileAction.ZERO, ConfidentialityProfile.resolve("X/Z", "", DEFAULTS));
        assertEquals(ProfileAction.ZERO, ConfidentialityProfile.resolve("X/Z/D", "", DEFAULTS));
        assertEquals(ProfileAction.DUMMY, ConfidentialityProfile.resolve("X/D", "", DEFAULTS));
        assertEquals(ProfileAction.KEEP, ConfidentialityProfile.resolve("X/Z/U*", "uids=K", DEFAULTS));
        assertEquals(ProfileAction.CLEAN, ConfidentialityProfile.resolve("X/D", "fulldates=K dates=C", DEFAULTS));
        assertEquals(ProfileAction.DUMMY, ConfidentialityProfile.resolve("X/D", "fulldates=K dates=C", BASIC_ONLY));
        assertEquals(ProfileAction.KEEP, ConfidentialityProfile.resolve("X", "patient=K", DEFAULTS));
        assertEquals(ProfileAction.REMOVE, ConfidentialityProfile.resolve("X", "patient=K", BASIC_ONLY));
        assertEquals(ProfileAction.REMOVE, ConfidentialityProfile.resolve("X", "device=K", DEFAULTS));
        assertEquals(ProfileAction.REPLACE_UID, ConfidentialityProfile.resolve("U", "uids=K", DEFAULTS), "Retain UIDs is never on");
    }

    @Test
    void tableLoadsWithRepeatingGroups() {
        ConfidentialityProfile profile = ConfidentialityProfile.load(DEFAULTS);
        assertEquals(ProfileAction.REPLACE_UID, profile.action(0x0020, 0x000D));
        assertEquals(ProfileAction.ZERO, profile.action(0x0010, 0x0010));
        assertEquals(ProfileAction.KEEP, profile.action(0x0010, 0x0040), "sex, with Retain Patient Characteristics");
        assertEquals(ProfileAction.REMOVE, profile.action(0x6002, 0x3000), "overlay data in any overlay group");
        assertEquals(ProfileAction.REMOVE, profile.action(0x5004, 0x0010), "curve data");
        assertEquals(ProfileAction.KEEP, profile.action(0x0028, 0x0010), "attributes the table does not list");
    }

    @Test
    void pseudonymsAreDeterministicKeyedAndWellFormed() {
        Pseudonyms one = new Pseudonyms(new byte[32], "E", "I", 365);
        Pseudonyms same = new Pseudonyms(new byte[32], "E", "I", 365);
        byte[] otherKey = new byte[32];
        otherKey[0] = 1;
        Pseudonyms other = new Pseudonyms(otherKey, "E", "I", 365);
        assertEquals(one.entityId("H", "MRN1"), same.entityId("H", "MRN1"));
        assertNotEquals(one.entityId("H", "MRN1"), other.entityId("H", "MRN1"));
        assertNotEquals(one.entityId("H", "MRN1"), one.entityId("H2", "MRN1"), "the issuer is part of the identity");
        assertNotEquals(one.entityId("HM", "RN1"), one.entityId("H", "MRN1"), "inputs are framed, not concatenated");
        assertTrue(one.entityId("H", "MRN1").matches("E[A-Z2-7]{13}"));
        assertTrue(one.itemId("1.2.3").matches("I[A-Z2-7]{13}"));
        String uid = one.uid("1.2.3.4");
        assertTrue(uid.matches("2\\.25\\.[1-9][0-9]*") && uid.length() <= 64, uid);
        assertEquals(uid, same.uid("1.2.3.4"));
        for (int i = 0; i < 200; i++) {
            int days = one.dateShiftDays("H", "MRN" + i);
            assertTrue(days >= 1 && days <= 365, "shift " + days);
        }
    }

    @Test
    void datesShiftByWholeDaysAndIncompleteValuesAreDropped() {
        assertEquals("20191231", DateShift.date("20200110", 10));
        assertEquals("20240228120000.5+0100", DateShift.dateTime("20240229120000.5+0100", 1));
        assertEquals("", DateShift.date("2020", 10));
        assertEquals("", DateShift.date("20201399", 10));
        assertEquals("", DateShift.dateTime("2020", 10));
    }

    @Test
    void privateAttributesGoUnlessListedAsSafeWithTheirCreator() throws Exception {
        com.pixelmed.dicom.AttributeList list = new com.pixelmed.dicom.AttributeList();
        putText(list, 0x0019, 0x0010, "GEMS_ACQU_01");
        putText(list, 0x0019, 0x100C, "kept value");
        putText(list, 0x0019, 0x100D, "dropped value");
        putText(list, 0x0029, 0x0010, "OTHER CREATOR");
        putText(list, 0x0029, 0x100C, "dropped too");
        SafePrivateAttributes basic = new SafePrivateAttributes(false, List.of("0019,GEMS_ACQU_01,0C"));
        com.pixelmed.dicom.AttributeList copy = (com.pixelmed.dicom.AttributeList) list.clone();
        basic.apply(copy);
        assertEquals(0, copy.size(), "Retain Safe Private off: every private attribute goes");
        new SafePrivateAttributes(true, List.of("0019,GEMS_ACQU_01,0C")).apply(list);
        assertEquals(Set.of(tag(0x0019, 0x0010), tag(0x0019, 0x100C)), list.keySet(), "the safe one and its creator stay");
    }

    private static com.pixelmed.dicom.AttributeTag tag(int group, int element) {
        return new com.pixelmed.dicom.AttributeTag(group, element);
    }

    private static void putText(com.pixelmed.dicom.AttributeList list, int group, int element, String value) throws Exception {
        com.pixelmed.dicom.Attribute attribute = new com.pixelmed.dicom.LongStringAttribute(tag(group, element));
        attribute.addValue(value);
        list.put(attribute);
    }

    @Test
    void textLosesThePatientsIdentifiersAndKeepsTheRest() {
        TextScrubber scrubber = new TextScrubber(Set.of("Doe^John^^Dr", "MRN12345", "Li"), Set.of());
        assertEquals("CT CHEST for *** *** (***), Liver ok", scrubber.scrub("CT CHEST for John DOE (MRN12345), Liver ok"));
        assertEquals("Liver scan by ***", scrubber.scrub("Liver scan by Li"), "short tokens only as whole words");
    }

    @Test
    void humanFormsOfADateAreRecognised() {
        Set<String> forms = DateForms.of("20190407103000.5");
        for (String form : new String[] {"20190407", "2019-04-07", "07.04.2019", "04/07/2019", "2019/04/07",
                "07/04/2019", "7.4.2019", "4/7/2019"}) {
            assertTrue(forms.contains(form), form + " in " + forms);
        }
        assertEquals(Set.of(), DateForms.of("2019"));
        assertEquals(Set.of(), DateForms.of("20191399"));
    }

    @Test
    void patientsWithoutAnIdAreKeyedOnDemographicsThenTheStudyInANamespaceOfTheirOwn() {
        Pseudonyms pseudonyms = new Pseudonyms(new byte[32], "E", "I", 365);
        PatientKey withId = PatientKey.of("H", "MRN1", "Doe^Jane", "19700101", "F", "1.2.3");
        PatientKey jane = PatientKey.of("H", " ", "Doe^Jane", "19700101", "F", "1.2.3");
        PatientKey janeAgain = PatientKey.of("H", "", " doe^jane^^ ", "19700101", "f", "1.2.99");
        PatientKey john = PatientKey.of("H", "", "Doe^John", "19700101", "M", "1.2.3");
        PatientKey nobody = PatientKey.of("H", "", "", "", "", "1.2.3");
        PatientKey nobodyElse = PatientKey.of("H", "", "", "", "", "1.2.4");
        assertTrue(withId.hasPatientId());
        assertEquals(PatientKey.Source.DEMOGRAPHICS, jane.source());
        assertEquals(PatientKey.Source.STUDY, nobody.source());
        assertEquals(pseudonyms.entityId(jane), pseudonyms.entityId(janeAgain), "trimmed, upper-cased, one entity per person");
        assertEquals(pseudonyms.dateShiftDays(jane), pseudonyms.dateShiftDays(janeAgain));
        Set<String> entities = Set.of(pseudonyms.entityId(withId), pseudonyms.entityId(jane), pseudonyms.entityId(john),
                pseudonyms.entityId(nobody), pseudonyms.entityId(nobodyElse));
        assertEquals(5, entities.size(), "distinct patients, distinct entities: " + entities);
        // the same HMAC parts under another source never give the same entity or offset
        PatientKey real = new PatientKey(PatientKey.Source.PATIENT_ID, List.of("DOE^JANE", "19700101"));
        PatientKey derived = new PatientKey(PatientKey.Source.DEMOGRAPHICS, List.of("DOE^JANE", "19700101"));
        assertNotEquals(pseudonyms.entityId(real), pseudonyms.entityId(derived));
        assertEquals(pseudonyms.entityId("H", "MRN1"), pseudonyms.entityId(withId), "entities of real PatientIDs unchanged");
    }

    @Test
    void whatTheTableLeavesPassesTheNetByValueRepresentationAtEveryDepth() throws Exception {
        Pseudonyms pseudonyms = new Pseudonyms(new byte[32], "E", "I", 365);
        com.pixelmed.dicom.AttributeList list = netCorpus();
        apply(list, DEFAULTS, pseudonyms);
        assertEquals("20190408", value(list, 0x0008, 0x0012), "InstanceCreationDate (unlisted) moved by the offset");
        assertEquals("20190407", value(list, 0x0008, 0x0020), "StudyDate (listed) by the same offset");
        assertEquals("20190407101500.5", value(list, 0x0008, 0x002A));
        com.pixelmed.dicom.AttributeList item = item(list, 0x0054, 0x0016);
        assertEquals("20190407093000+0100", value(item, 0x0018, 0x1078), "DT one level down");
        assertEquals("20190331", value(item(item, 0x0054, 0x0300), 0x0014, 0x407E), "DA two levels down");
        assertEquals("", value(list, 0x0014, 0x2006), "unlisted PN emptied");
        assertTrue(list.containsKey(tag(0x0014, 0x2006)), "emptied, not removed");
        assertEquals("", value(item, 0x0014, 0x0104), "nested unlisted PN emptied");
        assertEquals(pseudonyms.uid("1.2.826.0.1.99.7"), value(list, 0x0020, 0x0242), "unlisted UID mapped like listed ones");
        assertEquals(pseudonyms.uid("1.2.826.0.1.99.8"), value(item, 0x0008, 0x3012));
        assertEquals("1.2.840.10008.5.1.4.1.1.2", value(item(list, 0x0008, 0x1140), 0x0008, 0x1150), "well-known UID kept");
        assertEquals("1.2.840.113619.4.30", value(list, 0x0008, 0x0016), "a vendor's SOP class names no patient");
        assertEquals("1.2.840.10008.1.4.1.1", value(list, 0x0018, 0x991E), "a well-known frame of reference is kept");
        String description = value(list, 0x0008, 0x1030);
        assertEquals("CT *** follow-up of ***, ***, *** and *** (not 18.05.2019)", description);
    }

    @Test
    void withoutModifiedDatesEveryDateGoesAsTheProfileSaysOrEntirely() throws Exception {
        com.pixelmed.dicom.AttributeList list = netCorpus();
        apply(list, BASIC_ONLY, new Pseudonyms(new byte[32], "E", "I", 365));
        assertTrue(!list.containsKey(tag(0x0008, 0x0012)), "unlisted InstanceCreationDate removed");
        assertEquals("", value(list, 0x0008, 0x0020), "StudyDate emptied (Z)");
        assertTrue(!list.containsKey(tag(0x0008, 0x1030)), "descriptions removed without Clean Descriptors");
        com.pixelmed.dicom.AttributeList item = item(list, 0x0054, 0x0016);
        assertTrue(!item.containsKey(tag(0x0018, 0x1078)) && !item(item, 0x0054, 0x0300).containsKey(tag(0x0014, 0x407E)));
    }

    @Test
    void aUidTheTableKeepsByAnOptionIsNotReplacedByTheNet() throws Exception {
        ProfileOptions withDevice = new ProfileOptions(true, true, true, false, true, false);
        com.pixelmed.dicom.AttributeList list = new com.pixelmed.dicom.AttributeList();
        put(list, 0x0018, 0x1002, "1.2.826.0.1.99.5");
        apply(list, withDevice, new Pseudonyms(new byte[32], "E", "I", 365));
        assertEquals("1.2.826.0.1.99.5", value(list, 0x0018, 0x1002), "Device UID, Retain Device Identity: the table decides");
        com.pixelmed.dicom.AttributeList basic = new com.pixelmed.dicom.AttributeList();
        put(basic, 0x0018, 0x1002, "1.2.826.0.1.99.5");
        apply(basic, DEFAULTS, new Pseudonyms(new byte[32], "E", "I", 365));
        assertNotEquals("1.2.826.0.1.99.5", value(basic, 0x0018, 0x1002), "without the option the table replaces it");
    }

    private static void apply(com.pixelmed.dicom.AttributeList list, ProfileOptions options, Pseudonyms pseudonyms)
            throws Exception {
        new AttributeListDeidentifier(ConfidentialityProfile.load(options), new SafePrivateAttributes(false, List.of()),
                pseudonyms, options, 10).apply(list, "E", "I");
    }

    /** Listed and unlisted dates, names and UIDs at three depths, and a description with the dates typed in. */
    private static com.pixelmed.dicom.AttributeList netCorpus() throws Exception {
        com.pixelmed.dicom.AttributeList list = new com.pixelmed.dicom.AttributeList();
        put(list, 0x0008, 0x0016, "1.2.840.113619.4.30");
        put(list, 0x0008, 0x0012, "20190418");
        put(list, 0x0008, 0x0020, "20190417");
        put(list, 0x0008, 0x002A, "20190417101500.5");
        put(list, 0x0008, 0x1030, "CT 20190417 follow-up of 2019-04-17, 17.04.2019, 04/17/2019 and 2019/04/17 (not 18.05.2019)");
        put(list, 0x0014, 0x2006, "Evaluator^Erika");
        put(list, 0x0020, 0x0242, "1.2.826.0.1.99.7");
        put(list, 0x0018, 0x991E, "1.2.840.10008.1.4.1.1"); // Target Frame of Reference: the Talairach atlas
        com.pixelmed.dicom.AttributeList inner = new com.pixelmed.dicom.AttributeList();
        put(inner, 0x0014, 0x407E, "20190410");
        com.pixelmed.dicom.AttributeList outer = new com.pixelmed.dicom.AttributeList();
        put(outer, 0x0018, 0x1078, "20190417093000+0100");
        put(outer, 0x0014, 0x0104, "Reviewer^Rita");
        put(outer, 0x0008, 0x3012, "1.2.826.0.1.99.8");
        sequence(outer, 0x0054, 0x0300, inner);
        sequence(list, 0x0054, 0x0016, outer);
        com.pixelmed.dicom.AttributeList reference = new com.pixelmed.dicom.AttributeList();
        put(reference, 0x0008, 0x1150, "1.2.840.10008.5.1.4.1.1.2");
        put(reference, 0x0008, 0x1155, "1.2.826.0.1.99.9");
        sequence(list, 0x0008, 0x1140, reference);
        return list;
    }

    private static void put(com.pixelmed.dicom.AttributeList list, int group, int element, String value) throws Exception {
        com.pixelmed.dicom.AttributeTag tag = tag(group, element);
        com.pixelmed.dicom.Attribute attribute = com.pixelmed.dicom.AttributeFactory.newAttribute(tag,
                com.pixelmed.dicom.DicomDictionary.StandardDictionary.getValueRepresentationFromTag(tag));
        attribute.addValue(value);
        list.put(attribute);
    }

    private static void sequence(com.pixelmed.dicom.AttributeList list, int group, int element,
                                 com.pixelmed.dicom.AttributeList item) {
        com.pixelmed.dicom.SequenceAttribute sequence = new com.pixelmed.dicom.SequenceAttribute(tag(group, element));
        sequence.addItem(item);
        list.put(sequence);
    }

    private static com.pixelmed.dicom.AttributeList item(com.pixelmed.dicom.AttributeList list, int group, int element) {
        return ((com.pixelmed.dicom.SequenceAttribute) list.get(tag(group, element))).getItem(0).getAttributeList();
    }

    private static String value(com.pixelmed.dicom.AttributeList list, int group, int element) {
        return com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(list, tag(group, element));
    }
}
