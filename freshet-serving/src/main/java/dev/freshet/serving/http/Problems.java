package dev.freshet.serving.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/** RFC 9457 {@code application/problem+json} error responses: what went wrong and where. */
final class Problems {
    static final ObjectMapper JSON = new ObjectMapper();

    private Problems() {
    }

    /** A query parameter the client must fix: answered 400 with a {@code parameter} member naming it. */
    static final class BadParameter extends IllegalArgumentException {
        private final String parameter;

        BadParameter(String parameter, String message) {
            super(message);
            this.parameter = parameter;
        }
    }

    static void send(RoutingContext ctx, int status, String title, String detail, String pointer) {
        ObjectNode p = problem(ctx, status, title, detail);
        if (pointer != null) {
            p.put("pointer", pointer);
        }
        send(ctx, status, p);
    }

    /** Answers 400 naming the query parameter at fault. */
    static void send(RoutingContext ctx, BadParameter e) {
        send(ctx, 400, problem(ctx, 400, title(400), e.getMessage()).put("parameter", e.parameter));
    }

    private static ObjectNode problem(RoutingContext ctx, int status, String title, String detail) {
        ObjectNode p = JSON.createObjectNode();
        p.put("type", "about:blank");
        p.put("title", title);
        p.put("status", status);
        p.put("detail", detail);
        p.put("instance", ctx.request().path());
        return p;
    }

    private static void send(RoutingContext ctx, int status, ObjectNode problem) {
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json")
                    .end(Buffer.buffer(problem.toString()));
        }
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }
}
