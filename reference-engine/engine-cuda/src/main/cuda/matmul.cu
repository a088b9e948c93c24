// Matrix products out[b][r] (+)= sum_c W[r][c] * x[b][c] for weights in ggml's layouts.
//
// One warp per weight row. The lanes walk the row's 32-element blocks (lane, lane+32, ...),
// so a warp reads a contiguous stretch of the row and the row streams from memory once per
// call; each block is dotted with NB inputs at a time, and larger batches take further passes
// over the row, which then come from cache. Inputs are pre-rounded (activations.cu) so that a
// quantized block's dot product is an exact integer sum, as on the CPU.
#include "common.cuh"

// N consecutive 4-byte words from a 2-byte aligned address (ggml blocks are only 2-byte
// aligned): N + 1 aligned 4-byte loads around them, funnel-shifted into place, rather than 2N
// two-byte loads. May read up to 4 bytes past the last word: matrices are allocated with
// DeviceMatrix.PADDING bytes to spare.
template <int N>
__device__ __forceinline__ void load_words_b2(const void* p, int* out) {
    const uint32_t* base = (const uint32_t*) ((uintptr_t) p & ~(uintptr_t) 3);
    int shift = ((int) (uintptr_t) p & 3) * 8;  // 0 or 16
    uint32_t w[N + 1];
#pragma unroll
    for (int i = 0; i <= N; i++) w[i] = __ldg(base + i);  // weights are read-only: the non-coherent path
#pragma unroll
    for (int i = 0; i < N; i++) out[i] = (int) __funnelshift_r(w[i], w[i + 1], shift);
}

__device__ __forceinline__ void store_row(float* out, long long at, float v, int accumulate) {
    out[at] = accumulate ? out[at] + v : v;
}

// Per lane: sum over NB inputs of (integer dot) * (weight scale * input scale). The block's
// integer dot is a functor so Q8_0 and Q4_0 share the walk.
template <int NB, class Block, class Dot>
__device__ __forceinline__ void quantized_rows(const Block* W, const int8_t* xq, const float* xd, float* out,
                                               int rows, int cols, int batch, int accumulate, Dot dot) {
    int r = blockIdx.x * (blockDim.x / WARP) + threadIdx.x / WARP;
    if (r >= rows) return;
    int lane = threadIdx.x % WARP;
    int nb = cols / QK;
    const Block* row = W + (long long) r * nb;
    for (int b0 = 0; b0 < batch; b0 += NB) {
        float acc[NB];
#pragma unroll
        for (int j = 0; j < NB; j++) acc[j] = 0.f;
#pragma unroll 2
        for (int k = lane; k < nb; k += WARP) {
            const Block* blk = row + k;
            int w[8];
            dot.load(blk, w);
            float wd = __half2float(blk->d);
#pragma unroll
            for (int j = 0; j < NB; j++) {
                if (b0 + j < batch) {
                    long long xb = (long long) (b0 + j) * nb + k;
                    const int4* xv = (const int4*) (xq + xb * QK);
                    acc[j] += (float) dot.dot(w, xv[0], xv[1]) * (wd * xd[xb]);
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
    __device__ __forceinline__ void load(const block_q8_0* b, int* w) const {
        load_words_b2<8>(b->qs, w);
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
    __device__ __forceinline__ void load(const block_q4_0* b, int* w) const {
        int packed[4];
        load_words_b2<4>(b->qs, packed);
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
