package dev.gauntlet.load.workload;

import dev.gauntlet.load.client.GenerationRequest;

/**
 * What to ask: the request for each sequence number. The same seed and sequence number always give
 * the same request, whatever the concurrency or the order in which requests are built.
 */
public interface Workload {

    /** The request numbered {@code sequence} (0, 1, ...). */
    GenerationRequest request(long sequence);

    /** A one-line description for results and reports. */
    String describe();
}
