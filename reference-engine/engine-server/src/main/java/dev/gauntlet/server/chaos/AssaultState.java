package dev.gauntlet.server.chaos;

/**
 * The engine's assaults as they stand, answered by {@code /admin/assaults}.
 *
 * @param kvHoldBackShare  the share of the KV cache last asked to be held back
 * @param kvBlocksHeldBack blocks actually held back (fewer than asked while sequences hold blocks)
 * @param kvBlocksTotal    blocks in the cache
 * @param kvBlocksUsed     blocks in use, held-back ones included, as of the engine's last step
 * @param stepDelayMs      delay of every engine step
 * @param failNextSteps    step failures still pending
 */
public record AssaultState(double kvHoldBackShare, int kvBlocksHeldBack, int kvBlocksTotal, int kvBlocksUsed,
                           long stepDelayMs, int failNextSteps) {
}
