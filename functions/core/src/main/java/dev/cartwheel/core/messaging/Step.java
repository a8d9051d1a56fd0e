package dev.cartwheel.core.messaging;

/** The queue-triggered steps of the pipeline. */
public enum Step { INVENTORY, PAYMENT, EMAIL }
