package dev.gauntlet.engine.model;

/**
 * RoPE's rotation of each pair of dimensions at a position, computed one way for every backend
 * so that all of them rotate by the same floats: the angle {@code pos/ropeScale · invFreq[i]} in
 * double (see {@link LlamaConfig#ropeInverseFrequencies}), its cosine and sine rounded to float.
 */
public final class RopeRotations {
    private final float[] invFreq;
    private final double ropeScale;

    /** The rotations of {@code config}'s RoPE. */
    public RopeRotations(LlamaConfig config) {
        this.invFreq = config.ropeInverseFrequencies();
        this.ropeScale = config.ropeScale();
    }

    /** Floats {@link #write} writes per position: a (cos, sin) per pair of dimensions. */
    public int floatsPerPosition() {
        return 2 * invFreq.length;
    }

    /** Writes pair {@code i}'s (cos, sin) at {@code pos} to {@code out[at + 2i]} and {@code out[at + 2i + 1]}. */
    public void write(int pos, float[] out, int at) {
        double p = pos / ropeScale;
        for (int i = 0; i < invFreq.length; i++) {
            double angle = p * invFreq[i];
            out[at + 2 * i] = (float) Math.cos(angle);
            out[at + 2 * i + 1] = (float) Math.sin(angle);
        }
    }
}
