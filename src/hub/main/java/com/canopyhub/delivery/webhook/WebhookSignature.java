package com.canopyhub.delivery.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature headers of one delivery, over the exact bytes sent:
 * <ul>
 *   <li>Standard Webhooks: {@code webhook-id}, {@code webhook-timestamp} (Unix seconds) and {@code webhook-signature}
 *       = {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">} keyed with the base64-decoded part of each secret,
 *       space-separated when several secrets sign (rotation);</li>
 *   <li>{@code X-Signature-256} = {@code sha256=<lower-case hex HMAC-SHA256 of the body>} keyed with a secret's UTF-8
 *       bytes exactly as configured ({@code whsec_…}), for GitHub-style consumers; during a rotation the oldest secret
 *       still signing (the one a receiver holds until the rotation completes).</li>
 * </ul>
 */
public final class WebhookSignature {

    private WebhookSignature() {
    }

    /** {@code webhook-signature}: one {@code v1,…} per secret, newest first. */
    public static String standard(String eventId, long timestamp, byte[] body, List<String> secrets) {
        byte[] prefix = (eventId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder();
        for (String secret : secrets) {
            Mac mac = hmac(SigningSecrets.standardWebhooksKey(secret));
            mac.update(prefix);
            mac.update(body);
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append("v1,").append(Base64.getEncoder().encodeToString(mac.doFinal()));
        }
        return sb.toString();
    }

    /** {@code X-Signature-256}: {@code sha256=} and the hex HMAC of the body, keyed with the secret string. */
    public static String githubStyle(byte[] body, String secret) {
        Mac mac = hmac(SigningSecrets.githubStyleKey(secret));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static Mac hmac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
