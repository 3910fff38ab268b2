package dev.dicomgateway.deliver;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: attempt n waits a random time between half and all of
 * min(maxDelay, initialDelay * 2^(n-1)), so a fleet retrying after an outage does not stampede.
 */
public final class RetrySchedule {
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final int maxAttempts;
    private final RandomGenerator random;

    public RetrySchedule(Duration initialDelay, Duration maxDelay, int maxAttempts, RandomGenerator random) {
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
        this.maxAttempts = maxAttempts;
        this.random = random;
    }

    /** The wait after the {@code attempt}-th failure (1-based). */
    public Duration delayAfter(int attempt) {
        double ceiling = Math.min(maxDelay.toMillis(), initialDelay.toMillis() * Math.pow(2, Math.min(attempt - 1, 40)));
        return Duration.ofMillis((long) (ceiling / 2 + random.nextDouble() * ceiling / 2));
    }

    /** True when transient failures have used up retry.maxAttempts (never, with the default 0). */
    public boolean exhausted(int attempts) {
        return maxAttempts > 0 && attempts >= maxAttempts;
    }
}
