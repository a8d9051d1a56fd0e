package dev.cartwheel.aws.lambda;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * Work run once before Lambda SnapStart takes the snapshot of an initialised function, so that the restored
 * function finds the JSON and SDK code paths loaded and warm. Primers must have no effect on real data (reads of
 * keys that do not exist, parsing of samples). On a JVM without CRaC registration is a no-op.
 */
public final class SnapStartPriming implements Resource {

    /** CRaC keeps weak references to resources: these keep the primers alive for the life of the function. */
    private static final List<SnapStartPriming> REGISTERED = new CopyOnWriteArrayList<>();

    private final String name;
    private final Runnable primer;

    private SnapStartPriming(String name, Runnable primer) {
        this.name = name;
        this.primer = primer;
    }

    public static void register(String name, Runnable primer) {
        SnapStartPriming priming = new SnapStartPriming(name, primer);
        REGISTERED.add(priming);
        Core.getGlobalContext().register(priming);
    }

    /** Runs every registered primer now (what a checkpoint would do); returns how many ran without error. */
    public static int primeNow() {
        int succeeded = 0;
        for (SnapStartPriming priming : REGISTERED) {
            if (priming.run()) {
                succeeded++;
            }
        }
        return succeeded;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        run();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // nothing to re-open: the SDK's URL-connection client opens connections per request
    }

    private boolean run() {
        try {
            primer.run();
            return true;
        } catch (RuntimeException e) {
            // a failed primer costs warmth, never the snapshot
            System.out.println("{\"level\":\"WARN\",\"message\":\"priming " + name + " failed: "
                    + e.getClass().getSimpleName() + "\"}");
            return false;
        }
    }
}
