package dev.cartwheel.core.messaging;

/** Port: hands a message to the queue of the step that consumes it ({@link MessageType#destination()}). */
public interface StepPublisher {

    void publish(StepMessage message);
}
