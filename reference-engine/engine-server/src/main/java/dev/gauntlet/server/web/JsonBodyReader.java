package dev.gauntlet.server.web;

import dev.gauntlet.server.ServerSettings;
import dev.gauntlet.server.errors.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a JSON request body with clear 4xx answers: 413 over the size limit (checked before and
 * while reading, so a huge body is never buffered), 400 for invalid UTF-8, malformed JSON, or a
 * field of the wrong type (naming the field).
 */
@Component
public class JsonBodyReader {
    private final JsonMapper json;
    private final int maxBytes;

    public JsonBodyReader(JsonMapper json, ServerSettings settings) {
        this.json = json;
        this.maxBytes = settings.maxBodyBytes();
    }

    /** Reads and parses the body as {@code type}. */
    public <T> T read(HttpServletRequest request, Class<T> type) {
        String text = decode(readBounded(request, maxBytes));
        if (text.isBlank()) {
            throw ApiException.badRequest(null, "the request body is empty; expected a JSON object");
        }
        try {
            T value = json.readValue(text, type);
            if (value == null) {
                throw ApiException.badRequest(null, "the request body must be a JSON object, got null");
            }
            return value;
        } catch (JacksonException e) {
            String param = param(e);
            String message = param == null ? "malformed JSON: " + e.getOriginalMessage()
                    : "invalid value for '" + param + "': " + e.getOriginalMessage();
            throw ApiException.badRequest(param, message);
        }
    }

    /**
     * The raw body, refused with HTTP 413 when it is over {@code maxBytes} (checked before and while
     * reading, so a huge body is never buffered).
     */
    public static byte[] readBounded(HttpServletRequest request, int maxBytes) {
        if (request.getContentLengthLong() > maxBytes) {
            throw ApiException.bodyTooLarge(maxBytes);
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(maxBytes + 1);
            if (body.length > maxBytes) {
                throw ApiException.bodyTooLarge(maxBytes);
            }
            return body;
        } catch (IOException e) {
            throw ApiException.badRequest(null, "could not read the request body: " + e.getMessage());
        }
    }

    private static String decode(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest(null, "the request body is not valid UTF-8");
        }
    }

    /** The JSON path of the offending field ({@code stream_options.include_usage}, {@code messages[0].role}), or null. */
    private static String param(JacksonException e) {
        if (e.getPath() == null || e.getPath().isEmpty()) {
            return null;
        }
        String path = e.getPath().stream()
                .map(r -> r.getPropertyName() != null ? "." + r.getPropertyName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining());
        return path.startsWith(".") ? path.substring(1) : path;
    }
}
