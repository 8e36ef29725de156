package dev.freshet.serving.http;

/**
 * Training-set jobs behind {@code POST /v1/training-sets} and {@code GET /v1/training-sets/{id}}.
 * The HTTP layer only routes; the offline module implements the jobs (it sits above serving).
 */
public interface TrainingSetJobs {
    /** A job accepted for running: its id and its first status document (JSON). */
    record Submitted(String id, byte[] status) {
    }

    /**
     * Validates a JSON job request and queues the job.
     *
     * @throws dev.freshet.serving.features.RequestException for a request the client must fix (4xx)
     */
    Submitted submit(byte[] body);

    /** The status document (JSON) of job {@code id}, or null if there is none. */
    byte[] status(String id);
}
