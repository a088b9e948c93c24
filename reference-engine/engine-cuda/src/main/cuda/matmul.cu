// Matrix products out[b][r] (+)= sum_c W[r][c] * x[b][c] for weights in ggml's layouts.
//
// One warp per weight row. The lanes walk the row's 32-element blocks (lane, lane+32, ...),
// so a warp reads a contiguous stretch of the row and the row streams from memory once per
// call; each block is dotted with NB inputs at a time, and larger batches take further passes
// over the row, which then come from cache. Inputs are pre-rounded (activations.cu) so that a
// quantized block's dot product is an exact integer sum, as on the CPU.
#include "common.cuh"

#define MATMUL_ROWS_PER_BLOCK 4  // warps, and so rows, a block: LlamaKernels launches 128 threads

// A block's N words of quants and its scale as loaded, before use. ggml blocks are only 2-byte
// aligned, so the quants come as N + 1 aligned 4-byte loads around them, funnel-shifted into
// place, rather than 2N two-byte loads. Reads up to 4 bytes past the block: matrices are
// allocated with DeviceMatrix.PADDING bytes to spare. Loading is apart from use so that a lane
// can have several blocks' loads in flight before it waits for the first.
template <int N>
struct RawBlock {
    uint32_t w[N + 1];
    int shift;
    __half d;

    template <class Block>
    __device__ __forceinline__ void fetch(const Block* b) {
        const uint32_t* base = (const uint32_t*) ((uintptr_t) b->qs & ~(uintptr_t) 3);
        shift = ((int) (uintptr_t) b->qs & 3) * 8;  // 0 or 16
#pragma unroll
        for (int i = 0; i <= N; i++) w[i] = __ldg(base + i);  // weights are read-only: the non-coherent path
        d = __ldg(&b->d);
    }

    __device__ __forceinline__ void words(int* out) const {
#pragma unroll
        for (int i = 0; i < N; i++) out[i] = (int) __funnelshift_r(w[i], w[i + 1], shift);
    }
};

// Epilogues: what a warp does with its row's sums v[j] (every lane holds them) of inputs b0 + j,
// j < NB (those at b0 + j >= batch unused). Every live warp of a block calls it once per pass.

// out[b][r] = v, or += v when accumulating (a residual connection folded into the product).
struct StoreRows {
    float* out;
    int accumulate;

    template <int NB>
    __device__ __forceinline__ void operator()(const float* v, int b0, int batch, int r, int rows) const {
        if (threadIdx.x % WARP != 0) return;
#pragma unroll
        for (int j = 0; j < NB; j++) {
            if (b0 + j < batch) {
                long long at = (long long) (b0 + j) * rows + r;
                out[at] = accumulate ? out[at] + v[j] : v[j];
            }
        }
    }
};

// The fused QKV product's rows [q (dim) | k (kvDim) | v (kvDim)] stored with RoPE applied to the
// adjacent pairs (2i, 2i+1) of the first ropeDim dimensions of every q and k head, by input b's
// rotations[b * ropeDim + 2i] (cos) and [.. + 1] (sin), in the CPU model's arithmetic (floats,
// no fused multiply-adds); k and v also copied into the cache at element slots[b]. Doing this
// here rather than in a kernel of its own saves a launch per layer; the host computes the
// rotations, as a double-precision cos and sin in every row's warp cost the 8b Q4_0 decode step
// 0.12 ms. A pair's rows are warps w and w^1 of one block (4 rows a block, an even row count),
// which swap their sums through shared memory behind a barrier of those two warps alone.
struct RopeStore {
    float* qkv;
    const float* rotations;
    const int* slots;
    float* kcache;
    float* vcache;
    int dim;
    int kvDim;
    int headDim;
    int ropeDim;

    template <int NB>
    __device__ __forceinline__ void operator()(const float* v, int b0, int batch, int r, int rows) const {
        __shared__ float sums[MATMUL_ROWS_PER_BLOCK][NB];
        int warp = threadIdx.x / WARP;
        bool lead = threadIdx.x % WARP == 0;
        if (lead) {
#pragma unroll
            for (int j = 0; j < NB; j++) sums[warp][j] = v[j];
        }
        pair_barrier(warp);
        int pair = r % headDim & ~1;  // 2i
        bool rotate = r < dim + kvDim && pair < ropeDim;
        if (lead) {
#pragma unroll
            for (int j = 0; j < NB; j++) {
                int t = b0 + j;
                if (t >= batch) continue;
                float x = v[j];
                if (rotate) {
                    float c = rotations[(long long) t * ropeDim + pair];
                    float s = rotations[(long long) t * ropeDim + pair + 1];
                    float other = sums[warp ^ 1][j];
                    x = r % 2 == 0 ? __fsub_rn(__fmul_rn(x, c), __fmul_rn(other, s))
                                   : __fadd_rn(__fmul_rn(other, s), __fmul_rn(x, c));
                }
                qkv[(long long) t * rows + r] = x;
                if (r >= dim) (r < dim + kvDim ? kcache : vcache)[slots[t] + (r - dim) % kvDim] = x;
            }
        }
        pair_barrier(warp);  // the next pass overwrites sums
    }

    // Named barrier 1 or 2 (0 is __syncthreads') over the 64 threads of warps w and w^1. The ids
    // are immediates so that ptxas reserves those two barriers, not all 16.
    __device__ __forceinline__ static void pair_barrier(int warp) {
        if (warp < 2) {
            asm volatile("bar.sync 1, 64;");
        } else {
            asm volatile("bar.sync 2, 64;");
        }
    }
};

// Per lane: sum over NB inputs of (integer dot) * (weight scale * input scale). The block's
// integer dot is a functor so Q8_0 and Q4_0 share the walk. For a single Q4_0 input each lane
// issues the loads of its next two blocks before it dots the first (8b Q4_0 batch-1 decode step
// on the H100: 2.89 → 2.83 ms). Q8_0 then spilled under the 40-register cap and larger batches
// measured slower, so those fetch and dot one block at a time, unrolled by the compiler.
template <int NB, class Block, class Dot, class Epilogue>
__device__ __forceinline__ void quantized_rows(const Block* W, const int8_t* xq, const float* xd, int rows, int cols,
                                               int batch, Dot dot, Epilogue epilogue) {
    constexpr int AHEAD = NB == 1 && Dot::WORDS == 4 ? 2 : 1;
    int r = blockIdx.x * (blockDim.x / WARP) + threadIdx.x / WARP;
    int lane = threadIdx.x % WARP;
    int nb = cols / QK;
    const Block* row = W + (long long) r * nb;
    // For a single input, the first blocks' loads go out before the wait: weights are constant,
    // so the first wave of warps streams them while the kernel before finishes (8b Q4_0 batch-1
    // decode step on the H100: 2.64 → 2.60 ms; asking L2 for whole rows with prefetch.global.L2
    // instead was slower, 2.72–2.74 ms). Larger batches, where it cost registers and time, load
    // after it.
    constexpr bool EARLY = NB == 1;
    RawBlock<Dot::WORDS> raw[AHEAD];
    if (EARLY && r < rows) {
#pragma unroll
        for (int u = 0; u < AHEAD; u++) {
            if (lane + u * WARP < nb) raw[u].fetch(row + lane + u * WARP);
        }
    }
    dependent_launch();
    if (r >= rows) return;
    for (int b0 = 0; b0 < batch; b0 += NB) {
        float acc[NB];
#pragma unroll
        for (int j = 0; j < NB; j++) acc[j] = 0.f;
#pragma unroll(3 - AHEAD)
        for (int k0 = lane; k0 < nb; k0 += AHEAD * WARP) {
            if (!EARLY || k0 != lane || b0 != 0) {  // else in flight already
#pragma unroll
                for (int u = 0; u < AHEAD; u++) {
                    if (k0 + u * WARP < nb) raw[u].fetch(row + k0 + u * WARP);
                }
            }
#pragma unroll
            for (int u = 0; u < AHEAD; u++) {
                int k = k0 + u * WARP;
                if (k < nb) {
                    int w[8];
                    dot.unpack(raw[u], w);
                    float wd = __half2float(raw[u].d);
#pragma unroll
                    for (int j = 0; j < NB; j++) {
                        if (b0 + j < batch) {
                            long long xb = (long long) (b0 + j) * nb + k;
                            const int4* xv = (const int4*) (xq + xb * QK);
                            acc[j] += (float) dot.dot(w, xv[0], xv[1]) * (wd * xd[xb]);
                        }
                    }
                }
            }
        }
#pragma unroll
        for (int j = 0; j < NB; j++) acc[j] = warp_sum(acc[j]);
        epilogue.template operator()<NB>(acc, b0, batch, r, rows);
    }
}

struct dot_q8_0 {
    static constexpr int WORDS = 8;
    __device__ __forceinline__ void unpack(const RawBlock<WORDS>& raw, int* w) const {
        raw.words(w);
    }
    __device__ __forceinline__ int dot(const int* w, int4 a, int4 c) const {
        int s = __dp4a(w[0], a.x, 0);
        s = __dp4a(w[1], a.y, s);
        s = __dp4a(w[2], a.z, s);
        s = __dp4a(w[3], a.w, s);
        s = __dp4a(w[4], c.x, s);
        s = __dp4a(w[5], c.y, s);
        s = __dp4a(w[6], c.z, s);
        return __dp4a(w[7], c.w, s);
    }
};

// w[0..3]: low nibbles (elements 0..15), w[4..7]: high nibbles (16..31), both still + 8;
// the offset comes off once per block as 8 * (sum of the block's inputs).
struct dot_q4_0 {
    static constexpr int WORDS = 4;
    __device__ __forceinline__ void unpack(const RawBlock<WORDS>& raw, int* w) const {
        int packed[4];
        raw.words(packed);
#pragma unroll
        for (int i = 0; i < 4; i++) {
            w[i] = packed[i] & 0x0F0F0F0F;
            w[i + 4] = (packed[i] >> 4) & 0x0F0F0F0F;
        }
    }
    __device__ __forceinline__ int dot(const int* w, int4 a, int4 c) const {
        int s = __dp4a(w[0], a.x, 0);
        s = __dp4a(w[1], a.y, s);
        s = __dp4a(w[2], a.z, s);
        s = __dp4a(w[3], a.w, s);
        s = __dp4a(w[4], c.x, s);
        s = __dp4a(w[5], c.y, s);
        s = __dp4a(w[6], c.z, s);
        s = __dp4a(w[7], c.w, s);
        const int ones = 0x01010101;
        int xs = __dp4a(ones, a.x, 0);
        xs = __dp4a(ones, a.y, xs);
        xs = __dp4a(ones, a.z, xs);
        xs = __dp4a(ones, a.w, xs);
        xs = __dp4a(ones, c.x, xs);
        xs = __dp4a(ones, c.y, xs);
        xs = __dp4a(ones, c.z, xs);
        xs = __dp4a(ones, c.w, xs);
        return s - 8 * xs;
    }
};

// F16 weights against fp16-rounded inputs: 8 halves (16 bytes) per lane per step, products
// summed in float.
template <int NB, class Epilogue>
__device__ __forceinline__ void f16_rows(const __half* W, const __half* x, int rows, int cols, int batch,
                                         Epilogue epilogue) {
    int r = blockIdx.x * (blockDim.x / WARP) + threadIdx.x / WARP;
    int lane = threadIdx.x % WARP;
    int chunks = cols / 8;
    const int4* row = (const int4*) (W + (long long) r * cols);
    dependent_launch();
    if (r >= rows) return;
    for (int b0 = 0; b0 < batch; b0 += NB) {
        float acc[NB];
#pragma unroll
        for (int j = 0; j < NB; j++) acc[j] = 0.f;
#pragma unroll 2
        for (int c = lane; c < chunks; c += WARP) {
            int4 wv = row[c];
            const __half2* w2 = (const __half2*) &wv;
            float2 wf[4];
#pragma unroll
            for (int i = 0; i < 4; i++) wf[i] = __half22float2(w2[i]);
#pragma unroll
            for (int j = 0; j < NB; j++) {
                if (b0 + j < batch) {
                    int4 xv = ((const int4*) (x + (long long) (b0 + j) * cols))[c];
                    const __half2* x2 = (const __half2*) &xv;
#pragma unroll
                    for (int i = 0; i < 4; i++) {
                        float2 xf = __half22float2(x2[i]);
                        acc[j] += wf[i].x * xf.x;
                        acc[j] += wf[i].y * xf.y;
                    }
                }
            }
        }
#pragma unroll
        for (int j = 0; j < NB; j++) acc[j] = warp_sum(acc[j]);
        epilogue.template operator()<NB>(acc, b0, batch, r, rows);
    }
}

// Entry points: matmul_<type>_b<NB>, and matmul_rope_<type>_b<NB> for the fused QKV product
// (RopeStore). The host picks the smallest NB that covers the batch, up to 8. The single-input
// quantized kernels must fit 12 blocks on a multiprocessor (at most 40 registers a thread): a
// 6144-row product (the 8b shape's fused QKV, 1536 blocks) then runs in one wave of 132 × 12
// blocks rather than 1.16 waves of 10 (Nsight Compute: 10.4 → 8.9 µs).
#define ONE_WAVE_OF_QKV __launch_bounds__(MATMUL_ROWS_PER_BLOCK * WARP, 12)
#define QUANTIZED_MATMUL(TYPE, NB, BOUNDS)                                                                       \
    extern "C" __global__ void BOUNDS matmul_##TYPE##_b##NB(const block_##TYPE* W, const int8_t* xq,           \
                                                            const float* xd, float* out, int rows, int cols,   \
                                                            int batch, int accumulate) {                       \
        quantized_rows<NB>(W, xq, xd, rows, cols, batch, dot_##TYPE{}, StoreRows{out, accumulate});            \
    }                                                                                                          \
    extern "C" __global__ void BOUNDS matmul_rope_##TYPE##_b##NB(                                              \
        const block_##TYPE* W, const int8_t* xq, const float* xd, float* qkv, int rows, int cols, int batch,   \
        const float* rotations, const int* slots, float* kcache, float* vcache, int dim, int kvDim,            \
        int headDim, int ropeDim) {                                                                            \
        quantized_rows<NB>(W, xq, xd, rows, cols, batch, dot_##TYPE{},                                         \
                           RopeStore{qkv, rotations, slots, kcache, vcache, dim, kvDim, headDim, ropeDim});    \
    }
#define F16_MATMUL(NB)                                                                                         \
    extern "C" __global__ void matmul_f16_b##NB(const __half* W, const __half* x, const float* unused,         \
                                                float* out, int rows, int cols, int batch, int accumulate) {   \
        f16_rows<NB>(W, x, rows, cols, batch, StoreRows{out, accumulate});                                     \
    }                                                                                                          \
    extern "C" __global__ void matmul_rope_f16_b##NB(                                                          \
        const __half* W, const __half* x, const float* unused, float* qkv, int rows, int cols, int batch,      \
        const float* rotations, const int* slots, float* kcache, float* vcache, int dim, int kvDim,            \
        int headDim, int ropeDim) {                                                                            \
        f16_rows<NB>(W, x, rows, cols, batch,                                                                  \
                     RopeStore{qkv, rotations, slots, kcache, vcache, dim, kvDim, headDim, ropeDim});          \
    }

QUANTIZED_MATMUL(q8_0, 1, ONE_WAVE_OF_QKV)
QUANTIZED_MATMUL(q8_0, 2, )
QUANTIZED_MATMUL(q8_0, 4, )
QUANTIZED_MATMUL(q8_0, 8, )
QUANTIZED_MATMUL(q4_0, 1, ONE_WAVE_OF_QKV)
QUANTIZED_MATMUL(q4_0, 2, )
QUANTIZED_MATMUL(q4_0, 4, )
QUANTIZED_MATMUL(q4_0, 8, )
F16_MATMUL(1)
F16_MATMUL(2)
F16_MATMUL(4)
F16_MATMUL(8)
