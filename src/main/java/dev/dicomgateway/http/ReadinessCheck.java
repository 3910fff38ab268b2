package dev.dicomgateway.http;

import java.util.Optional;

/** One condition /readyz requires; {@link #problem()} describes what is wrong (no PHI), empty when fine. */
public interface ReadinessCheck {
    String name();

    Optional<String> problem();

    static ReadinessCheck of(String name, java.util.function.Supplier<Optional<String>> problem) {
        return new ReadinessCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<String> problem() {
                return problem.get();
            }
        };
    }
}
