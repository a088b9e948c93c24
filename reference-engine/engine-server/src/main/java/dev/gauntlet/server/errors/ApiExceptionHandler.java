package dev.gauntlet.server.errors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Turns every failure into OpenAI's error body, so no client ever sees Spring's own error format. */
@RestControllerAdvice
public class ApiExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ErrorBody> api(ApiException e) {
        ResponseEntity.BodyBuilder reply = ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON);
        if (e.retryAfterSeconds() != null) {
            reply.header(HttpHeaders.RETRY_AFTER, String.valueOf(e.retryAfterSeconds()));
        }
        return reply.body(e.body());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ErrorBody> other(Exception e) {
        if (e instanceof ErrorResponse r) {
            // Spring's own errors (unknown path, wrong method, ...) keep their status.
            HttpStatus status = HttpStatus.valueOf(r.getStatusCode().value());
            String detail = r.getBody().getDetail();
            return api(ApiException.ofStatus(status, detail != null ? detail : status.getReasonPhrase()));
        }
        LOG.error("unexpected failure", e);
        return api(ApiException.serverError("internal error: " + e.getClass().getSimpleName()));
    }
}
