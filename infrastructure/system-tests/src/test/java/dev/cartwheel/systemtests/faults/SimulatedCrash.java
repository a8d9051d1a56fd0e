package dev.cartwheel.systemtests.faults;

/**
 * The function died at a {@link FaultPoint}. An {@link Error}, not an exception: no handler code catches it, so it
 * ends the whole invocation like a timeout or an out-of-memory kill would, and SQS redelivers the entire batch.
 */
public final class SimulatedCrash extends Error {

    private final FaultPoint point;

    public SimulatedCrash(FaultPoint point, String orderId) {
        super("simulated crash at " + point + (orderId == null ? "" : " for " + orderId), null, false, false);
        this.point = point;
    }

    public FaultPoint point() {
        return point;
    }
}
