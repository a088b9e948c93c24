// Matrix products out[b][r] (+)= sum_c W[r][c] * x[b][c] for weights in ggml's layouts.
//
// One warp per weight row. The lanes walk the row's 32-element blocks (lane, lane+32, ...),
// so a warp reads a contiguous stretch of the row and the row streams from memory once per
// call; each block is dotted with NB inputs at a time, and larger batches take further passes
// over the row, which then come from cache. Inputs are pre-rounded (activations.cu) so that a
// quantized block's dot product is an exact integer sum, as on the CPU.
#include "common.cuh"

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

__device__ __forceinline__ void store_row(float* out, long long at, float v, int accumulate) {
    out[at] = accumulate ? out[at] + v : v;
}

// Per lane: sum over NB inputs of (integer dot) * (weight scale * input scale). The block's
// integer dot is a functor so Q8_0 and Q4_0 share the walk. For a single Q4_0 input each lane
// issues the loads of its next two blocks before it dots the first (8b Q4_0 batch-1 decode step
// on the H100: 2.89 → 2.83 ms). Q8_0 then spilled under the 40-register cap and larger batches
// measured slower, so those fetch and dot one block at a time, unrolled by the compiler.
template <int NB, class Block, class Dot>
__device__ __forceinline__ void quantized_rows(const Block* W, const int8_t* xq, const float* xd, float* out,
                                               int rows, int cols, int batch, int accumulate, Dot dot) {
    constexpr int AHEAD = NB == 1 && Dot::WORDS == 4 ? 2 : 1;
    int r = blockIdx.x * (blockDim.x / WARP) + threadIdx.x / WARP;
    if (r >= rows) return;
    int lane = threadIdx.x % WARP;
    int nb = cols / QK;
    const Block* row = W + (long long) r * nb;
    for (int b0 = 0; b0 < batch; b0 += NB) {
        float acc[NB];
#pragma unroll
        for (int j = 0; j < NB; j++) acc[j] = 0.f;
#pragma unroll(3 - AHEAD)
        for (int k0 = lane; k0 < nb; k0 += AHEAD * WARP) {
            RawBlock<Dot::WORDS> raw[AHEAD];
#pragma unroll
            for (int u = 0; u < AHEAD; u++) {
                if (k0 + u * WARP < nb) raw[u].fetch(row + k0 + u * WARP);
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
        for (int j = 0; j < NB; j++) {
            float v = warp_sum(acc[j]);
            if (lane == 0 && b0 + j < batch) store_row(out, (long long) (b0 + j) * rows + r, v, accumulate);
        }
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
template <int NB>
__device__ __forceinline__ void f16_rows(const __half* W, const __half* x, float* out, int rows, int cols, int batch,
                                         int accumulate) {
    int r = blockIdx.x * (blockDim.x / WARP) + threadIdx.x / WARP;
    if (r >= rows) return;
    int lane = threadIdx.x % WARP;
    int chunks = cols / 8;
    const int4* row = (const int4*) (W + (long long) r * cols);
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
        for (int j = 0; j < NB; j++) {
            float v = warp_sum(acc[j]);
            if (lane == 0 && b0 + j < batch) store_row(out, (long long) (b0 + j) * rows + r, v, accumulate);
        }
    }
}

// Entry points: matmul_<type>_b<NB>. The host picks the smallest NB that covers the batch,
// up to 8. The single-input quantized kernels must fit 12 blocks on a multiprocessor (at most 40
// registers a thread): a 6144-row product (the 8b shape's fused QKV, 1536 blocks) then runs in
// one wave of 132 × 12 blocks rather than 1.16 waves of 10 (Nsight Compute: 10.4 → 8.9 µs).
#define ONE_WAVE_OF_QKV __launch_bounds__(128, 12)
#define QUANTIZED_MATMUL(TYPE, NB, BOUNDS)                                                                       \
    extern "C" __global__ void BOUNDS matmul_##TYPE##_b##NB(const block_##TYPE* W, const int8_t* xq,           \
                                                            const float* xd, float* out, int rows, int cols,   \
                                                            int batch, int accumulate) {                       \
        quantized_rows<NB>(W, xq, xd, out, rows, cols, batch, accumulate, dot_##TYPE{});                         \
    }
#define F16_MATMUL(NB)                                                                                         \
    extern "C" __global__ void matmul_f16_b##NB(const __half* W, const __half* x, const float* unused,         \
                                                float* out, int rows, int cols, int batch, int accumulate) {   \
        f16_rows<NB>(W, x, out, rows, cols, batch, accumulate);                                                \
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
