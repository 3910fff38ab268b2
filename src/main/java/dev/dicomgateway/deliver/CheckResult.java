package dev.dicomgateway.deliver;

/** One line of `dicom-gateway check`: what was checked, whether it passed, and the fix when it did not. */
public record CheckResult(String subject, boolean ok, String detail) {
    public static CheckResult ok(String subject, String detail) {
        return new CheckResult(subject, true, detail);
    }

    public static CheckResult failed(String subject, String fix) {
        return new CheckResult(subject, false, fix);
    }
}
