package dev.cartwheel.core.events;

import dev.cartwheel.core.exceptions.EventPublishingException;
import java.util.List;

/** Port: the bus other systems subscribe to. */
public interface OrderEventPublisher {

    /**
     * Publishes the events, all or, on an exception, possibly some: a retry publishes them again (consumers
     * deduplicate by {@link OrderEvent#eventId()}).
     *
     * @throws EventPublishingException if the bus did not take every event
     */
    void publish(List<OrderEvent> events);
}
