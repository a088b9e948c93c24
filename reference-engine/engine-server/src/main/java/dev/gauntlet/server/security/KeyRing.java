package dev.gauntlet.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A set of bearer keys. Keys are kept only as SHA-256 digests and compared in constant time over
 * every key, so neither the comparison time nor a heap dump tells a caller how close a guess was.
 */
public final class KeyRing {
    private final List<byte[]> digests = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();

    /** @param keys the accepted keys; blank ones are refused, since they would match an empty header */
    public KeyRing(List<String> keys) {
        for (String key : keys) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("API keys must not be blank");
            }
            byte[] digest = sha256(key);
            digests.add(digest);
            // A short, stable, non-secret name for the key (rate-limit buckets, logs).
            ids.add("key-" + HexFormat.of().formatHex(digest, 0, 4));
        }
    }

    /** Whether no key is configured. */
    public boolean isEmpty() {
        return digests.isEmpty();
    }

    /** The matching key's id, or empty when {@code presented} is null or not in the ring. */
    public Optional<String> match(String presented) {
        byte[] digest = sha256(presented == null ? "" : presented);
        int found = -1;
        for (int i = 0; i < digests.size(); i++) {
            // No early exit: every key is compared whatever matched.
            if (MessageDigest.isEqual(digests.get(i), digest) && found < 0) {
                found = i;
            }
        }
        return presented == null || found < 0 ? Optional.empty() : Optional.of(ids.get(found));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
