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
        const uint8_t* row = W + tokens[blockIdx.x] * rowBytes;                                      \
        for (int i = threadIdx.x; i < cols; i += blockDim.x) {                                       \
            x[(long long) blockIdx.x * cols + i] = dequant_##TYPE(row, i);                           \
        }                                                                                            \
    }

EMBED(f16)
EMBED(q8_0)
EMBED(q4_0)

// out[r] = the first index of the largest logit of row r, as the CPU sampler's argmax; one
// thread block per row.
extern "C" __global__ void argmax(const float* logits, int* out, int vocab) {
    __shared__ float bestValue[32];
    __shared__ int bestIndex[32];
    const float* row = logits + (long long) blockIdx.x * vocab;
    float best = -INFINITY;
    int index = INT_MAX;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
        if (row[i] > best) {
            best = row[i];
            index = i;
        }
    }
    for (int o = WARP / 2; o > 0; o >>= 1) {
        float v = __shfl_xor_sync(0xffffffffu, best, o);
        int j = __shfl_xor_sync(0xffffffffu, index, o);
        if (v > best || (v == best && j < index)) {
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
            if (bestValue[w] > best || (bestValue[w] == best && bestIndex[w] < index)) {
                best = bestValue[w];
                index = bestIndex[w];
            }
        }
        out[blockIdx.x] = index == INT_MAX ? 0 : index;  // no logit above -inf: the CPU picks 0 too
    }
}
