package dev.freshet.serving.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.freshet.engine.Verdict;
import dev.freshet.storage.DeadLetterQuery;
import dev.freshet.storage.DeadLetterRecord;
import dev.freshet.storage.StoredDeadLetter;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code GET /v1/dead-letters?source=&reason=&limit=&before=}: the stored dead letters (dropped
 * events), newest first, with {@code next_before} for the next page. The store is read off the
 * event loop; bad parameters (an unknown source or reason too) are a 400 problem naming the parameter.
 */
final class DeadLettersEndpoint implements Handler<RoutingContext> {
    static final int MAX_DEAD_LETTERS = 1000;
    /** The reasons letters are stored with: the engine's drop reasons (its verdicts that drop an event). */
    static final List<String> REASONS = Arrays.stream(Verdict.values()).map(Verdict::dropReason).filter(Objects::nonNull)
            .map(Enum::name).toList();

    private final ServingEngine engine;
    private final Vertx vertx;
    /** The repository's sources: the only ones letters can have. */
    private final List<String> sources;

    DeadLettersEndpoint(ServingEngine engine, Vertx vertx, List<String> sources) {
        this.engine = engine;
        this.vertx = vertx;
        this.sources = List.copyOf(sources);
    }

    @Override
    public void handle(RoutingContext ctx) {
        DeadLetterQuery query;
        try {
            query = query(ctx, sources);
        } catch (Problems.BadParameter e) {
            Problems.send(ctx, e);
            return;
        }
        vertx.executeBlocking(() -> engine.deadLetters(query)).onComplete(ar -> {
            if (ar.failed()) {
                Problems.send(ctx, 503, Problems.title(503), "could not read the dead letters: " + ar.cause().getMessage(), null);
                return;
            }
            ObjectNode o = Problems.JSON.createObjectNode();
            ArrayNode list = o.putArray("dead_letters");
            for (StoredDeadLetter stored : ar.result()) {
                DeadLetterRecord d = stored.letter();
                ObjectNode e = list.addObject();
                e.put("id", stored.id()).put("source", d.source()).put("partition", d.partition());
                if (d.seq() >= 0) {
                    e.put("seq", d.seq());
                } else {
                    e.putNull("seq");
                }
                if (d.eventTime() != Long.MIN_VALUE) {
                    e.put("event_time", d.eventTime());
                } else {
                    e.putNull("event_time");
                }
                e.put("accept_time", d.acceptTime()).put("reason", d.reason()).put("detail", d.detail()).put("payload", d.payload());
            }
            List<StoredDeadLetter> page = ar.result();
            if (!page.isEmpty() && page.size() == query.limit()) {
                o.put("next_before", page.getLast().id());
            } else {
                o.putNull("next_before");
            }
            FreshetHttpServer.json(ctx, 200, o.toString());
        });
    }

    private static DeadLetterQuery query(RoutingContext ctx, List<String> sources) {
        String limit = ctx.request().getParam("limit");
        int n = 100;
        if (limit != null) {
            try {
                n = Integer.parseInt(limit.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > MAX_DEAD_LETTERS) {
                throw new Problems.BadParameter("limit", "limit must be an integer from 1 to " + MAX_DEAD_LETTERS + ", got '" + limit + "'");
            }
        }
        DeadLetterQuery q = DeadLetterQuery.newest(n);
        String before = ctx.request().getParam("before");
        if (before != null) {
            long id;
            try {
                id = Long.parseLong(before.trim());
            } catch (NumberFormatException e) {
                id = -1;
            }
            if (id < 0) {
                throw new Problems.BadParameter("before", "before must be a dead-letter id (an integer >= 0), got '" + before + "'");
            }
            q = q.before(id);
        }
        String source = ctx.request().getParam("source");
        if (source != null) {
            if (!sources.contains(source)) { // a typo would otherwise read as "no dead letters"
                throw new Problems.BadParameter("source", (source.isBlank() ? "source must not be empty"
                        : "unknown source '" + source + "'") + "; sources: " + sources);
            }
            q = q.withSource(source);
        }
        String reason = ctx.request().getParam("reason");
        if (reason != null) {
            String r = reason.trim().toUpperCase(Locale.ROOT);
            if (!REASONS.contains(r)) { // a typo would otherwise read as "no dead letters"
                throw new Problems.BadParameter("reason", "reason must be one of " + REASONS + " (any case), got '" + reason + "'");
            }
            q = q.withReason(r);
        }
        return q;
    }
}
