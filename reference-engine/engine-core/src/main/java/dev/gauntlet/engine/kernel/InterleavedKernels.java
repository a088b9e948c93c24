package dev.gauntlet.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API dot products of Q8_0 and Q4_0 weight rows in the {@link BlockInterleave} layout
 * against inputs laid out by {@link ActivationQuantizer}.
 *
 * <p><b>Why interleave.</b> In GGUF's layout a block's 32 products end in 16 vector lanes that
 * must be scaled by that block's own {@code d_w·d_x}: a conversion, a broadcast and a
 * multiply-add per block on top of the products. With {@link BlockInterleave#GROUP_BLOCKS} blocks side by
 * side, lane {@code j} of every vector belongs to block {@code j} of the group, so a lane
 * accumulates its block's whole integer sum and the group is scaled by one vector multiply-add.
 *
 * <p><b>One operation sequence per input.</b> A block's sum of 32 integer products is exact in
 * any order (below 2<sup>24</sup>), so the float kernels (Q8_0) and the 16-bit integer kernels
 * (Q4_0) give each block the same value alone or in a tile. Then, for every group, every kernel
 * does {@code acc = sum.fma(d_w·d_x, acc)}, and the lanes are added by {@link
 * VectorKernels#sumLanes}'s halving tree (by {@link VectorKernels#sumRows} for one-input rows, the
 * same additions): an input's result is bit-for-bit the same whatever batch it rides in.
 * The order differs from llama.cpp's (it scales each block's lanes before adding them across
 * lanes), as llama.cpp's own x86 and ARM kernels differ from each other.
 *
 * <p><b>Vectors stay in one method.</b> Helpers take and give vectors through arrays (the lane
 * scratch), never as arguments or results: a helper the JIT declines to inline then costs a call,
 * whereas a vector crossing it would be boxed on the heap, which made a batch ten times slower.
 */
public final class InterleavedKernels {
    private static final VectorSpecies<Float> F = VectorKernels.F;
    private static final int L = VectorKernels.L;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** One quant of each block of a group. */
    private static final VectorSpecies<Byte> GROUP_BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    /** Two packed Q4_0 bytes of each block, widened to 16-bit lanes. */
    private static final VectorSpecies<Byte> PAIR_BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 16));
    private static final VectorSpecies<Short> PAIR_SHORTS = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 32));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int BLOCK = ActivationQuantizer.BLOCK;
    private static final int Q8_GROUP_BYTES = BlockInterleave.Q8_0_GROUP_BYTES;
    private static final int Q4_GROUP_BYTES = BlockInterleave.Q4_0_GROUP_BYTES;
    /** Q4_0 bytes per block; the group's scales follow its 16·L packed bytes. */
    private static final int Q4_PACKED = BLOCK / 2;
    /** Input shorts per pair of Q4_0 byte positions: low nibbles' inputs, then high nibbles'. */
    private static final int Q4_STEP = 4 * L;
    /** Floats of one group's sums in a tile: two rows × four inputs × {@code L} lanes. */
    private static final int TILE = VectorKernels.TILE_LANES;
    private static final int TILE_INPUTS = VectorKernels.GROUP;

    private InterleavedKernels() {
    }

    /**
     * Q8_0 weights ({@code groups} groups at byte {@code offset} of {@code w}) dotted with vector
     * {@code b} of {@code x}, leaving the {@code L}-lane accumulator at {@code accs[at]} for
     * {@link VectorKernels#sumRows}. In 16-bit lanes: a product of two quants is at most 128·127,
     * so two positions' products add without overflow before they are widened (a widening, a
     * multiply and a half add per position, against a widening, a conversion and a multiply-add
     * in floats).
     */
    public static void dotQ8_0(MemorySegment w, long offset, int groups, Q8Activations x, int b, float[] accs,
            int at) {
        short[] xs = x.groupedQ16();
        float[] xd = x.groupScales();
        int xo = b * groups * BLOCK * L;
        int dOff = b * groups * L;
        FloatVector acc = FloatVector.zero(F);
        for (int g = 0; g < groups; g++, offset += Q8_GROUP_BYTES, xo += BLOCK * L, dOff += L) {
            IntVector sum = IntVector.zero(I);
            for (int p = 0; p < BLOCK; p += 4) {
                ShortVector near = quantPairs(w, offset + (long) p * L).mul(ShortVector.fromArray(PAIR_SHORTS, xs, xo + p * L));
                ShortVector far = quantPairs(w, offset + (long) (p + 2) * L)
                        .mul(ShortVector.fromArray(PAIR_SHORTS, xs, xo + (p + 2) * L));
                // Lane j holds block j's products at positions p and p+2, lane L+j at p+1 and p+3.
                ShortVector both = near.add(far);
                sum = sum.add((IntVector) both.convertShape(VectorOperators.S2I, I, 0))
                        .add((IntVector) both.convertShape(VectorOperators.S2I, I, 1));
            }
            FloatVector scale = FloatVector.fromMemorySegment(F, w, offset + (long) BLOCK * L, LE).mul(FloatVector.fromArray(F, xd, dOff));
            acc = ((FloatVector) sum.convert(VectorOperators.I2F, 0)).fma(scale, acc);
        }
        acc.intoArray(accs, at);
    }

    /**
     * Group {@code g} of a block of {@code rowCount} Q8_0 rows (row {@code r} at byte
     * {@code offset + r·rowBytes} of {@code w}) against up to {@link VectorKernels#GROUP}
     * consecutive vectors of {@code x} from {@code firstB}: the block sums of row {@code r} and
     * tile slot {@code i}, at {@code sums[tileSum(groups, r, g, i)]}. The rows go by tiles of two,
     * each weight vector converted once for the tile's inputs; an odd last row is passed as both
     * rows of its tile, as a short group repeats its last input (computed, never used). {@link
     * #scaleRows} finishes the rows once every group is summed.
     *
     * <p>One group at a time, for every row of the block, keeps the inputs' slice of that group in
     * the first-level cache while the rows stream past it: row by row over whole rows, the inputs
     * came from the second level, and that bounded a batch. Sums and scaling are separate passes:
     * in a kernel that held both, the JIT gave up inlining and boxed every vector.
     */
    public static void sumQ8_0Group(MemorySegment w, long offset, long rowBytes, int rowCount, int groups, int g,
            Q8Activations x, int firstB, int count, float[] sums) {
        float[] xq = x.groupedQ();
        int x0 = groupInput(firstB, count, 0, groups, g);
        int x1 = groupInput(firstB, count, 1, groups, g);
        int x2 = groupInput(firstB, count, 2, groups, g);
        int x3 = groupInput(firstB, count, 3, groups, g);
        FloatVector z = FloatVector.zero(F);
        for (int r = 0; r < rowCount; r += 2) {
            long off0 = tileRow(offset, rowBytes, r, rowCount) + (long) g * Q8_GROUP_BYTES;
            long off1 = tileRow(offset, rowBytes, r + 1, rowCount) + (long) g * Q8_GROUP_BYTES;
            FloatVector s0 = z, s1 = z, s2 = z, s3 = z, t0 = z, t1 = z, t2 = z, t3 = z;
            for (int p = 0; p < BLOCK * L; p += L) {
                FloatVector u = quants(w, off0 + p);
                FloatVector v = quants(w, off1 + p);
                FloatVector e = FloatVector.fromArray(F, xq, x0 + p);
                s0 = u.fma(e, s0);
                t0 = v.fma(e, t0);
                e = FloatVector.fromArray(F, xq, x1 + p);
                s1 = u.fma(e, s1);
                t1 = v.fma(e, t1);
                e = FloatVector.fromArray(F, xq, x2 + p);
                s2 = u.fma(e, s2);
                t2 = v.fma(e, t2);
                e = FloatVector.fromArray(F, xq, x3 + p);
                s3 = u.fma(e, s3);
                t3 = v.fma(e, t3);
            }
            int at = tileSum(groups, r, g, 0);
            s0.intoArray(sums, at);
            s1.intoArray(sums, at + L);
            s2.intoArray(sums, at + 2 * L);
            s3.intoArray(sums, at + 3 * L);
            t0.intoArray(sums, at + 4 * L);
            t1.intoArray(sums, at + 5 * L);
            t2.intoArray(sums, at + 6 * L);
            t3.intoArray(sums, at + 7 * L);
        }
    }

    /**
     * Q4_0 weights ({@code groups} groups at byte {@code offset} of {@code w}) dotted with vector
     * {@code b} of {@code x}, in 16-bit integer lanes. A lane starts at its {@link
     * Q8Activations#laneOffsets} value, −8·Σx over its 16 positions, and adds raw nibbles times
     * inputs, so it ends at Σ(n−8)·x, at most 16·8·127 in magnitude: exact in 16 bits, whatever
     * wraps on the way (16-bit adds and multiplies are exact modulo 2<sup>16</sup>). Leaves the
     * accumulator at {@code accs[at]} as {@link #dotQ8_0} does.
     */
    public static void dotQ4_0(MemorySegment w, long offset, int groups, Q8Activations x, int b, float[] accs,
            int at) {
        short[] xs = x.nibblePairs();
        short[] lanes = x.laneOffsets();
        float[] xd = x.groupScales();
        int xo = b * groups * BLOCK * L;
        int dOff = b * groups * L;
        FloatVector acc = FloatVector.zero(F);
        for (int g = 0; g < groups; g++, offset += Q4_GROUP_BYTES, xo += BLOCK * L, dOff += L) {
            ShortVector s = ShortVector.fromArray(PAIR_SHORTS, lanes, 2 * dOff);
            for (int k = 0; k < Q4_PACKED / 2; k++) {
                ShortVector packed = packedPair(w, offset + 2L * k * L);
                s = s.add(packed.and((short) 0x0F).mul(ShortVector.fromArray(PAIR_SHORTS, xs, xo + k * Q4_STEP)))
                        .add(packed.lanewise(VectorOperators.LSHR, 4)
                                .mul(ShortVector.fromArray(PAIR_SHORTS, xs, xo + k * Q4_STEP + 2 * L)));
            }
            // Lanes j and L+j hold block j's even and odd positions; whole sums far below 2^24, exact as floats.
            IntVector sum = ((IntVector) s.convertShape(VectorOperators.S2I, I, 0))
                    .add((IntVector) s.convertShape(VectorOperators.S2I, I, 1));
            FloatVector scale = FloatVector.fromMemorySegment(F, w, offset + (long) Q4_PACKED * L, LE).mul(FloatVector.fromArray(F, xd, dOff));
            acc = ((FloatVector) sum.convert(VectorOperators.I2F, 0)).fma(scale, acc);
        }
        acc.intoArray(accs, at);
    }

    /**
     * {@link #sumQ8_0Group} for Q4_0 rows: each packed pair of bytes is split into nibbles once for
     * the tile's inputs, and each lane starts where {@link #dotQ4_0}'s does. The 16-bit lane sums
     * are stored bit for bit in the float array, and {@link
     * #scaleRows} turns them into block sums as {@link #dotQ4_0} does: in its vector loop, not here
     * once per tile slot, where a helper's call cost a fifth of a batch.
     */
    public static void sumQ4_0Group(MemorySegment w, long offset, long rowBytes, int rowCount, int groups, int g,
            Q8Activations x, int firstB, int count, float[] sums) {
        short[] xs = x.nibblePairs();
        int x0 = groupInput(firstB, count, 0, groups, g);
        int x1 = groupInput(firstB, count, 1, groups, g);
        int x2 = groupInput(firstB, count, 2, groups, g);
        int x3 = groupInput(firstB, count, 3, groups, g);
        // Each input's starting lane sums for this group: 2L shorts where its grouped inputs have 32L.
        short[] lanes = x.laneOffsets();
        ShortVector o0 = ShortVector.fromArray(PAIR_SHORTS, lanes, x0 / (BLOCK / 2));
        ShortVector o1 = ShortVector.fromArray(PAIR_SHORTS, lanes, x1 / (BLOCK / 2));
        ShortVector o2 = ShortVector.fromArray(PAIR_SHORTS, lanes, x2 / (BLOCK / 2));
        ShortVector o3 = ShortVector.fromArray(PAIR_SHORTS, lanes, x3 / (BLOCK / 2));
        for (int r = 0; r < rowCount; r += 2) {
            long off0 = tileRow(offset, rowBytes, r, rowCount) + (long) g * Q4_GROUP_BYTES;
            long off1 = tileRow(offset, rowBytes, r + 1, rowCount) + (long) g * Q4_GROUP_BYTES;
            ShortVector s0 = o0, s1 = o1, s2 = o2, s3 = o3, t0 = o0, t1 = o1, t2 = o2, t3 = o3;
            for (int k = 0; k < Q4_PACKED / 2; k++) {
                ShortVector u = packedPair(w, off0 + 2L * k * L);
                ShortVector v = packedPair(w, off1 + 2L * k * L);
                ShortVector uLo = u.and((short) 0x0F);
                ShortVector uHi = u.lanewise(VectorOperators.LSHR, 4);
                ShortVector vLo = v.and((short) 0x0F);
                ShortVector vHi = v.lanewise(VectorOperators.LSHR, 4);
                int at = k * Q4_STEP;
                ShortVector lo = ShortVector.fromArray(PAIR_SHORTS, xs, x0 + at);
                ShortVector hi = ShortVector.fromArray(PAIR_SHORTS, xs, x0 + at + 2 * L);
                s0 = s0.add(uLo.mul(lo)).add(uHi.mul(hi));
                t0 = t0.add(vLo.mul(lo)).add(vHi.mul(hi));
                lo = ShortVector.fromArray(PAIR_SHORTS, xs, x1 + at);
                hi = ShortVector.fromArray(PAIR_SHORTS, xs, x1 + at + 2 * L);
                s1 = s1.add(uLo.mul(lo)).add(uHi.mul(hi));
                t1 = t1.add(vLo.mul(lo)).add(vHi.mul(hi));
                lo = ShortVector.fromArray(PAIR_SHORTS, xs, x2 + at);
                hi = ShortVector.fromArray(PAIR_SHORTS, xs, x2 + at + 2 * L);
                s2 = s2.add(uLo.mul(lo)).add(uHi.mul(hi));
                t2 = t2.add(vLo.mul(lo)).add(vHi.mul(hi));
                lo = ShortVector.fromArray(PAIR_SHORTS, xs, x3 + at);
                hi = ShortVector.fromArray(PAIR_SHORTS, xs, x3 + at + 2 * L);
                s3 = s3.add(uLo.mul(lo)).add(uHi.mul(hi));
                t3 = t3.add(vLo.mul(lo)).add(vHi.mul(hi));
            }
            int at = tileSum(groups, r, g, 0);
            s0.reinterpretAsFloats().intoArray(sums, at);
            s1.reinterpretAsFloats().intoArray(sums, at + L);
            s2.reinterpretAsFloats().intoArray(sums, at + 2 * L);
            s3.reinterpretAsFloats().intoArray(sums, at + 3 * L);
            t0.reinterpretAsFloats().intoArray(sums, at + 4 * L);
            t1.reinterpretAsFloats().intoArray(sums, at + 5 * L);
            t2.reinterpretAsFloats().intoArray(sums, at + 6 * L);
            t3.reinterpretAsFloats().intoArray(sums, at + 7 * L);
        }
    }

    /**
     * Finishes input {@code b} (slot {@code slot} of the tile {@link #sumQ8_0Group} or {@link
     * #sumQ4_0Group} summed) for the block's first {@code rowCount} rows: row {@code r}'s block
     * sums times {@code d_w·d_x} (its scales at {@code rowScales[r·groups·L]}, from {@link
     * #rowScales}), added group after group as the one-input kernels add them, the accumulator left
     * at {@code accs[r·L]} for {@link VectorKernels#sumRows}. Q4_0's 16-bit lane sums become block
     * sums on the way, as in {@link #dotQ4_0}. An input so gets the same bits as alone.
     */
    public static void scaleRows(float[] rowScales, int groups, Q8Activations x, int b, int slot, int rowCount,
            float[] sums, float[] accs) {
        float[] xd = x.groupScales();
        boolean q4 = x.laneOffsets() != null;
        int padded = groups * L;
        int d = b * padded;
        for (int r = 0; r < rowCount; r++) {
            int at = tileSum(groups, r, 0, slot);
            int scales = r * padded;
            FloatVector acc = FloatVector.zero(F);
            for (int g = 0, dg = 0; g < groups; g++, at += TILE, dg += L) {
                FloatVector scale = FloatVector.fromArray(F, rowScales, scales + dg).mul(FloatVector.fromArray(F, xd, d + dg));
                FloatVector sum = FloatVector.fromArray(F, sums, at);
                if (q4) {
                    ShortVector lanes = sum.reinterpretAsShorts();
                    sum = (FloatVector) ((IntVector) lanes.convertShape(VectorOperators.S2I, I, 0))
                            .add((IntVector) lanes.convertShape(VectorOperators.S2I, I, 1)).convert(VectorOperators.I2F, 0);
                }
                acc = sum.fma(scale, acc);
            }
            acc.intoArray(accs, r * L);
        }
    }

    /** Where tile slot {@code i}'s input (see {@link VectorKernels#tileInput}) has group {@code g}, in the grouped inputs. */
    private static int groupInput(int firstB, int count, int i, int groups, int g) {
        return (VectorKernels.tileInput(firstB, count, i) * groups + g) * BLOCK * L;
    }

    /**
     * Byte offset of row {@code r} of a block of {@code rowCount} rows at {@code offset}: past the
     * block's end, its last row, so that an odd last row is both rows of its tile.
     */
    private static long tileRow(long offset, long rowBytes, int r, int rowCount) {
        return offset + Math.min(r, rowCount - 1) * rowBytes;
    }

    /**
     * Where {@link #sumQ8_0Group} leaves the block sums of row {@code r} of a block, group
     * {@code g} and tile slot {@code slot}: each tile of two rows has, per group, row 0's
     * {@link VectorKernels#GROUP} slots then row 1's.
     */
    private static int tileSum(int groups, int r, int g, int slot) {
        return ((r / 2) * groups + g) * TILE + ((r % 2) * TILE_INPUTS + slot) * L;
    }

    /**
     * The scales of the Q8_0 ({@code q4 == false}) or Q4_0 row of {@code groups} groups at byte
     * {@code offset} of {@code w}, copied into {@code dst[to, to + groups·L)}: once per block of
     * rows for all the inputs of a batch. ({@link #scaleRows} reading them from the rows instead
     * measured 0.93× for Q4_0 and 0.96× for Q8_0 at batch 8.)
     */
    public static void rowScales(MemorySegment w, long offset, int groups, boolean q4, float[] dst, int to) {
        long groupBytes = q4 ? Q4_GROUP_BYTES : Q8_GROUP_BYTES;
        long scalesAt = (long) (q4 ? Q4_PACKED : BLOCK) * L;
        for (int g = 0; g < groups; g++) {
            FloatVector.fromMemorySegment(F, w, offset + g * groupBytes + scalesAt, LE).intoArray(dst, to + g * L);
        }
    }

    /** Floats of the {@code sums} buffer a block of {@code rowCount} rows of {@code groups} groups needs. */
    public static int tileSumsLength(int rowCount, int groups) {
        return (rowCount + 1) / 2 * groups * TILE;
    }

    /** One quant of each of the group's blocks ({@code L} signed bytes at {@code at}) as floats. */
    private static FloatVector quants(MemorySegment w, long at) {
        return (FloatVector) ByteVector.fromMemorySegment(GROUP_BYTES, w, at, LE).convertShape(VectorOperators.B2F, F, 0);
    }

    /** Two consecutive quant positions of each block of a group ({@code 2L} signed bytes at {@code at}) as 16-bit lanes. */
    private static ShortVector quantPairs(MemorySegment w, long at) {
        return (ShortVector) ByteVector.fromMemorySegment(PAIR_BYTES, w, at, LE)
                .convertShape(VectorOperators.B2S, PAIR_SHORTS, 0);
    }

    /** Two packed Q4_0 bytes of each block of a group ({@code 2L} bytes at {@code at}), zero-extended. */
    private static ShortVector packedPair(MemorySegment w, long at) {
        return (ShortVector) ByteVector.fromMemorySegment(PAIR_BYTES, w, at, LE)
                .convertShape(VectorOperators.ZERO_EXTEND_B2S, PAIR_SHORTS, 0);
    }
}
