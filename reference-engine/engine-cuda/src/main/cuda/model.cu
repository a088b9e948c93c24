// Embedding lookup and greedy sampling.
#include "common.cuh"
#include <limits.h>

__device__ __forceinline__ float dequant_f16(const uint8_t* row, int i) {
    return __half2float(((const __half*) row)[i]);
}

__device__ __forceinline__ float dequant_q8_0(const uint8_t* row, int i) {
    const block_q8_0* b = (const block_q8_0*) row + i / QK;
    return __half2float(b->d) * b->qs[i % QK];
}

__device__ __forceinline__ float dequant_q4_0(const uint8_t* row, int i) {
    const block_q4_0* b = (const block_q4_0*) row + i / QK;
    int j = i % QK;
    uint8_t packed = b->qs[j % (QK / 2)];
    return __half2float(b->d) * (float) ((j < QK / 2 ? packed & 0x0F : packed >> 4) - 8);
}

// x[t] = row tokens[t] of the embedding, dequantized; one thread block per token.
#define EMBED(TYPE)                                                                                  \
    extern "C" __global__ void embed_##TYPE(const uint8_t* W, long long rowBytes, const int* tokens, \
                                            float* x, int cols) {                                    \
        dependent_launch();                                                                          \
        const uint8_t* row = W + tokens[blockIdx.x] * rowBytes;                                      \
        for (int i = threadIdx.x; i < cols; i += blockDim.x) {                                       \
            x[(long long) blockIdx.x * cols + i] = dequant_##TYPE(row, i);                           \
        }                                                                                            \
    }

EMBED(f16)
EMBED(q8_0)
EMBED(q4_0)

// Logits each thread of block_best_after loads before it compares them.
#define BEST_AHEAD 16

// The id of the first logit of row, in the CPU's TopTokens order (larger value, then lower id),
// that ranks after (afterValue, afterIndex); -1 for afterIndex ranks every id. NaN never ranks;
// INT_MAX when nothing does. Called by every thread of the block; all of them get the result.
__device__ int block_best_after(const float* row, int vocab, float afterValue, int afterIndex) {
    __shared__ float bestValue[32];
    __shared__ int bestIndex[32];
    __shared__ int result;
    float best = -INFINITY;
    int index = INT_MAX;  // none yet: -inf logits still rank, as on the CPU
    // One block walks the whole row: with one load in flight per thread it waited on memory
    // (Nsight Compute, the 8b shape's 128k logits: 54 µs; BEST_AHEAD at a time: 16 µs). The
    // thread still compares its logits in rising id order.
    for (int i0 = threadIdx.x; i0 < vocab; i0 += BEST_AHEAD * blockDim.x) {
        float values[BEST_AHEAD];
#pragma unroll
        for (int u = 0; u < BEST_AHEAD; u++) {
            int i = i0 + u * blockDim.x;
            values[u] = i < vocab ? row[i] : NAN;  // NaN never ranks
        }
#pragma unroll
        for (int u = 0; u < BEST_AHEAD; u++) {
            int i = i0 + u * blockDim.x;
            float v = values[u];
            bool after = !isnan(v) && (afterIndex < 0 || v < afterValue || (v == afterValue && i > afterIndex));
            if (after && (index == INT_MAX || v > best)) {  // i rises, so an equal value keeps the lower id
                best = v;
                index = i;
            }
        }
    }
    for (int o = WARP / 2; o > 0; o >>= 1) {
        float v = __shfl_xor_sync(0xffffffffu, best, o);
        int j = __shfl_xor_sync(0xffffffffu, index, o);
        if (j != INT_MAX && (index == INT_MAX || v > best || (v == best && j < index))) {
            best = v;
            index = j;
        }
    }
    if ((threadIdx.x & 31) == 0) {
        bestValue[threadIdx.x >> 5] = best;
        bestIndex[threadIdx.x >> 5] = index;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        for (int w = 1; w < (blockDim.x >> 5); w++) {
            int j = bestIndex[w];
            if (j != INT_MAX && (index == INT_MAX || bestValue[w] > best || (bestValue[w] == best && j < index))) {
                best = bestValue[w];
                index = j;
            }
        }
        result = index;
    }
    __syncthreads();
    int r = result;
    __syncthreads();  // the next call may overwrite result
    return r;
}

// out[r] = the first index of the largest logit of row r, as the CPU sampler's argmax; one
// thread block per row.
extern "C" __global__ void argmax(const float* logits, int* out, int vocab) {
    dependent_launch();
    int index = block_best_after(logits + (long long) blockIdx.x * vocab, vocab, 0, -1);
    if (threadIdx.x == 0) {
        out[blockIdx.x] = index == INT_MAX ? 0 : index;  // all NaN: the CPU picks 0 too
    }
}

#define MAX_TOP_K 64

// out[r] = the token TokenDraw.pick chooses from row r: its k[r] largest logits (k[r] ≤ MAX_TOP_K
// and ≤ vocab), weighted exp((l - lmax) * invT[r]) in double, the first whose cumulative weight
// exceeds uniform[r] × total. One thread block per row; k passes over the row, each finding the
// best logit ranking after the previous pass's, which needs no scratch beyond the k kept.
extern "C" __global__ void top_k_sample(const float* logits, const int* k, const double* invT,
                                        const double* uniform, int* out, int vocab) {
    __shared__ float topValue[MAX_TOP_K];
    __shared__ int topIndex[MAX_TOP_K];
    dependent_launch();
    const float* row = logits + (long long) blockIdx.x * vocab;
    int n = k[blockIdx.x];
    float value = 0;
    int index = -1;
    for (int j = 0; j < n; j++) {
        index = block_best_after(row, vocab, value, index);
        if (index == INT_MAX) {  // fewer than k logits that are not NaN
            n = j;
            break;
        }
        value = row[index];
        topValue[j] = value;
        topIndex[j] = index;
    }
    if (threadIdx.x == 0 && n == 0) {
        out[blockIdx.x] = 0;
    } else if (threadIdx.x == 0) {
        // Sequential double sums in the CPU's order, so that both compare u with the same bounds.
        double max = topValue[0];
        double total = 0;
        for (int j = 0; j < n; j++) {
            total += exp(((double) topValue[j] - max) * invT[blockIdx.x]);
        }
        double u = uniform[blockIdx.x] * total;
        double acc = 0;
        int chosen = topIndex[n - 1];  // rounding left u at the very top of the mass
        for (int j = 0; j < n; j++) {
            acc += exp(((double) topValue[j] - max) * invT[blockIdx.x]);
            if (u < acc) {
                chosen = topIndex[j];
                break;
            }
        }
        out[blockIdx.x] = chosen;
    }
}
