package dev.freshet.serving.http;

/**
 * Training-set jobs behind {@code POST /v1/training-sets} and {@code GET /v1/training-sets/{id}}.
 * The HTTP layer only routes; the offline module implements the jobs (it sits above serving).
 * {@link #submit} is called off the event loop: it may look at files.
 */
public interface TrainingSetJobs {
    /** The {@code Retry-After} of a submission refused with 429 because the job queue is full. */
    int RETRY_AFTER_SECONDS = 10;

    /** A job accepted for running: its id and its first status document (JSON). */
    record Submitted(String id, byte[] status) {
    }

    /**
     * Validates a JSON job request and queues the job.
     *
     * @throws dev.freshet.serving.features.RequestException for a request the client must fix (4xx),
     *         429 if the job queue is full (the client retries after {@link #RETRY_AFTER_SECONDS})
     */
    Submitted submit(byte[] body);

    /** The status document (JSON) of job {@code id}, or null if there is none. */
    byte[] status(String id);
}
