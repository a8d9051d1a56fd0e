package dev.cartwheel.core.order;

/**
 * When the payment step captures an authorized order: right after the authorization (the default), or when an admin
 * records the order's fulfilment (a shop that charges when it ships). Fixed per order when it is placed, so changing
 * the setting never changes what happens to orders already on their way.
 */
public enum CapturePolicy {
    ON_AUTHORIZATION("authorization"),
    ON_FULFILMENT("fulfilment");

    private final String setting;

    CapturePolicy(String setting) {
        this.setting = setting;
    }

    /** The name in configuration (template parameter {@code CaptureOn}) and in the API, e.g. {@code fulfilment}. */
    public String setting() {
        return setting;
    }

    /** @throws IllegalArgumentException for a name that is neither {@code authorization} nor {@code fulfilment} */
    public static CapturePolicy fromSetting(String name) {
        for (CapturePolicy policy : values()) {
            if (policy.setting.equals(name)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("CaptureOn must be authorization or fulfilment, not " + name);
    }
}
