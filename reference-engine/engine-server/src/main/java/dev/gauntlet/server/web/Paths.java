package dev.gauntlet.server.web;

import jakarta.servlet.http.HttpServletRequest;

/** Path tests shared by the filters that guard parts of the URL space. */
public final class Paths {
    private Paths() {
    }

    /** Whether the request's path (within the context) is {@code prefix} itself or below it. */
    public static boolean under(HttpServletRequest request, String prefix) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }
}
