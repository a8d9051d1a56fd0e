package dev.cartwheel.local.schedule;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * The EventBridge rule a SAM {@code Schedule} event becomes: its name (the event's {@code Name}, or the
 * {@code <stack>-<Function><Event>-<suffix>} name CloudFormation generates, here with a stable suffix), ARN,
 * expression, state and optional constant {@code Input}.
 *
 * @param functionName the function's logical id
 * @param eventName    the event's name in the template, e.g. {@code EveryFewMinutes}
 * @param ruleName     the rule's physical name
 * @param ruleArn      {@code arn:aws:events:<region>:<account>:rule/<ruleName>}, the event's {@code resources}
 * @param expression   the schedule
 * @param enabled      false for {@code Enabled: false} or {@code State: DISABLED}
 * @param input        the {@code Input} JSON sent instead of the Scheduled Event, or null
 */
public record ScheduleRule(String functionName, String eventName, String ruleName, String ruleArn,
                           ScheduleExpression expression, boolean enabled, String input) {

    /** The rule name CloudFormation would give the rule SAM generates ({@code <Function><Event>}), 64 characters at most. */
    public static String physicalName(String stackName, String functionName, String eventName) {
        String logicalId = functionName + eventName;
        String suffix = suffix(stackName + "/" + logicalId);
        String name = stackName + "-" + logicalId;
        int max = 64 - 1 - suffix.length();
        return (name.length() > max ? name.substring(0, max) : name) + "-" + suffix;
    }

    public static String arn(String region, String accountId, String ruleName) {
        return "arn:aws:events:" + region + ":" + accountId + ":rule/" + ruleName;
    }

    /** 12 upper-case alphanumerics, like CloudFormation's, but stable for a given stack and logical id. */
    private static String suffix(String seed) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            return new BigInteger(1, d).toString(36).substring(0, 12).toUpperCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
