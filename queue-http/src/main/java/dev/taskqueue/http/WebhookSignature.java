package dev.taskqueue.http;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * The signature of HTTP task requests, for the receiver to check. A request of a type with
 * secrets carries the time it was signed, in seconds since the epoch, in
 * {@code X-TaskQueue-Timestamp}, and in {@code X-TaskQueue-Signature} one {@code v1=<hex>}
 * entry per secret, comma-separated: the HMAC-SHA256, keyed with the secret's UTF-8 bytes, of
 * the timestamp, a dot, and the request body's bytes. With two secrets during a rotation each
 * request is signed with both, so that a receiver holding either accepts it.
 * <p>
 * A receiver calls {@link #verify(String, String, String, byte[], Duration)} with the raw body
 * bytes, before parsing them.
 *
 * @since 0.1.0
 */
public final class WebhookSignature {

	/** The default header of the signing time. */
	public static final String TIMESTAMP_HEADER = "X-TaskQueue-Timestamp";

	/** The default header of the signatures. */
	public static final String SIGNATURE_HEADER = "X-TaskQueue-Signature";

	private static final String SCHEME = "v1=";

	private static final String ALGORITHM = "HmacSHA256";

	private WebhookSignature() {
	}

	/**
	 * Return the signature header's value for a request: one {@code v1=} entry per secret.
	 * @param secrets the secrets, at least one
	 * @param timestamp the signing time, in seconds since the epoch
	 * @param body the request body
	 * @return the header value
	 */
	public static String sign(List<String> secrets, long timestamp, byte[] body) {
		Assert.notEmpty(secrets, "'secrets' must not be empty");
		StringBuilder header = new StringBuilder();
		for (String secret : secrets) {
			header.append((header.length() > 0) ? "," : "").append(SCHEME).append(hmac(secret, timestamp, body));
		}
		return header.toString();
	}

	/**
	 * Return whether a request was signed with the given secret within the tolerance of now.
	 * @param secret the receiver's secret
	 * @param timestampHeader the {@code X-TaskQueue-Timestamp} header's value, or
	 * {@code null} if missing
	 * @param signatureHeader the {@code X-TaskQueue-Signature} header's value, or
	 * {@code null} if missing
	 * @param body the raw request body
	 * @param tolerance how far the signing time may be from now, either way
	 * @return {@code true} if one of the signatures matches and the time is within tolerance
	 */
	public static boolean verify(String secret, @Nullable String timestampHeader, @Nullable String signatureHeader,
			byte[] body, Duration tolerance) {
		return verify(secret, timestampHeader, signatureHeader, body, tolerance, Instant.now());
	}

	/**
	 * Return whether a request was signed with the given secret within the tolerance of a
	 * given time.
	 * @param secret the receiver's secret
	 * @param timestampHeader the timestamp header's value, or {@code null} if missing
	 * @param signatureHeader the signature header's value, or {@code null} if missing
	 * @param body the raw request body
	 * @param tolerance how far the signing time may be from {@code now}, either way
	 * @param now the time to compare the signing time with
	 * @return {@code true} if one of the signatures matches and the time is within tolerance
	 */
	public static boolean verify(String secret, @Nullable String timestampHeader, @Nullable String signatureHeader,
			byte[] body, Duration tolerance, Instant now) {
		if (timestampHeader == null || signatureHeader == null) {
			return false;
		}
		long timestamp;
		try {
			timestamp = Long.parseLong(timestampHeader.trim());
		}
		catch (NumberFormatException ex) {
			return false;
		}
		if (Math.abs(now.getEpochSecond() - timestamp) > tolerance.toSeconds()) {
			return false;
		}
		byte[] expected = hmac(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII);
		boolean matched = false;
		for (String entry : signatureHeader.split(",")) {
			String trimmed = entry.trim();
			if (trimmed.startsWith(SCHEME)) {
				// Constant time, and every entry compared, so that timing tells nothing
				matched |= MessageDigest.isEqual(expected,
						trimmed.substring(SCHEME.length()).getBytes(StandardCharsets.US_ASCII));
			}
		}
		return matched;
	}

	private static String hmac(String secret, long timestamp, byte[] body) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
			mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
			return HexFormat.of().formatHex(mac.doFinal(body));
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException("HMAC-SHA256 is not available", ex);
		}
	}

}
