package dev.cartwheel.systemtests.faults;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;

/**
 * An SDK interceptor for a test-built {@code SesV2Client}: while the outage lasts, every {@code SendEmail} is refused
 * before it leaves the client, with what SES answers when it is unavailable (HTTP 503). Counts the refusals per order
 * (the order id is in every subject), so a test can prove that each e-mail really met the outage. Outside an outage it
 * refuses a send the same way where the fault plan fires {@link FaultPoint#SES_ERROR} for its order.
 */
public final class SesFaults implements ExecutionInterceptor {

    private static final Pattern ORDER_ID = Pattern.compile("ord_[0-9a-f-]{36}");

    private final Faults faults;
    private final AtomicBoolean down = new AtomicBoolean();
    private final Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();

    public SesFaults(Faults faults) {
        this.faults = faults;
    }

    public void begin() {
        down.set(true);
    }

    public void end() {
        down.set(false);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (!(context.request() instanceof SendEmailRequest request)) {
            return;
        }
        String subject = request.content().simple() == null ? "" : request.content().simple().subject().data();
        Matcher m = ORDER_ID.matcher(subject);
        String orderId = m.find() ? m.group() : null;
        if (down.get()) {
            refused.computeIfAbsent(orderId == null ? "" : orderId, k -> new AtomicInteger()).incrementAndGet();
            throw unavailable("injected outage");
        }
        faults.refuseIf(FaultPoint.SES_ERROR, orderId, () -> unavailable("injected"));
    }

    private static SesV2Exception unavailable(String why) {
        return (SesV2Exception) SesV2Exception.builder().message("Service Unavailable (" + why + ")").statusCode(503).build();
    }

    /** How many {@code SendEmail} calls for this order the outage refused. */
    public int refused(String orderId) {
        AtomicInteger n = refused.get(orderId);
        return n == null ? 0 : n.get();
    }

    public int refusedTotal() {
        return refused.values().stream().mapToInt(AtomicInteger::get).sum();
    }
}
