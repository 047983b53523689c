package shop.gateway;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): the gateway's span in its caller's
 * trace, or the root of a new one when the caller sent no valid traceparent.
 */
public record TraceContext(String traceId, String spanId, String flags, String tracestate) {

    private static final Pattern TRACEPARENT =
            Pattern.compile("^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The gateway's own span: the caller's trace id and flags, a new span id of its own. */
    public static TraceContext join(String traceparent, String tracestate) {
        Matcher m = traceparent == null ? null : TRACEPARENT.matcher(traceparent.trim());
        if (m == null || !m.matches() || m.group(1).equals("ff") || zero(m.group(2)) || zero(m.group(3))) {
            // No usable parent: start a new trace, sampled; a tracestate without a parent is dropped.
            return new TraceContext(id(16), id(8), "01", null);
        }
        return new TraceContext(m.group(2), id(8), m.group(4), tracestate);
    }

    /** The traceparent of a call this span makes: it names this span as the parent. */
    public String traceparent() {
        return "00-" + traceId + "-" + spanId + "-" + flags;
    }

    private static boolean zero(String hex) {
        return hex.chars().allMatch(c -> c == '0');
    }

    private static String id(int bytes) {
        byte[] value = new byte[bytes];
        do {
            RANDOM.nextBytes(value);
        } while (zero(HexFormat.of().formatHex(value)));
        return HexFormat.of().formatHex(value);
    }
}
