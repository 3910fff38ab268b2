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
        TextScrubber scrubber = new TextScrubber(Set.of("Doe^John^^Dr", "MRN12345", "Li"));
        assertEquals("CT CHEST for *** *** (***), Liver ok", scrubber.scrub("CT CHEST for John DOE (MRN12345), Liver ok"));
        assertEquals("Liver scan by ***", scrubber.scrub("Liver scan by Li"), "short tokens only as whole words");
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
}
