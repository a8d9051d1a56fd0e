package dev.cartwheel.core.order;

import java.time.Duration;
import java.time.Instant;

/**
 * When the reconciler nudges an order that waits: first once it is unchanged for {@code stuckAfter}, then with an
 * exponential back-off (an order nudged {@code n} times is due again once unchanged for {@code stuckAfter * 2^n}),
 * and after {@code maxNudges} nudges without a change it is parked: reported, and nudged no more.
 */
public record NudgeSchedule(Duration stuckAfter, int maxNudges) {

    public NudgeSchedule {
        if (stuckAfter == null || stuckAfter.isNegative() || maxNudges < 1 || maxNudges > 20) {
            throw new IllegalArgumentException("stuckAfter >= 0 and 1 <= maxNudges <= 20");
        }
    }

    /** An order nudged {@code nudges} times is due for the next nudge if its last change is before this instant. */
    public Instant dueBefore(Instant now, int nudges) {
        return now.minus(stuckAfter.multipliedBy(1L << Math.min(nudges, 20)));
    }
}
