// Shared definitions of the engine's CUDA kernels: ggml block layouts, warp and block
// reductions, and the two activation formats a matrix product consumes.
#pragma once
#include <cuda_fp16.h>
#include <stdint.h>

#define QK 32   // elements per Q8_0 / Q4_0 block (ggml's QK8_0 and QK4_0)
#define WARP 32

// ggml's block layouts, byte for byte: an fp16 scale, then the quants, with no padding, so
// blocks (and their fields) are only 2-byte aligned.
struct block_q8_0 {
    __half d;
    int8_t qs[QK];
};
struct block_q4_0 {
    __half d;
    uint8_t qs[QK / 2];  // low nibbles: elements 0..15, high nibbles: 16..31, each stored + 8
};
static_assert(sizeof(block_q8_0) == 34, "Q8_0 block must match ggml's 34 bytes");
static_assert(sizeof(block_q4_0) == 18, "Q4_0 block must match ggml's 18 bytes");

// Programmatic dependent launch: Kernel.launch lets every kernel start while the kernel before it
// on the stream still runs, so every kernel calls dependent_launch() before it touches memory
// that earlier kernels write or read (activations, the residual, the KV cache), and may only
// read constant data (weights) before it. It first lets the next kernel launch, which then starts
// once all of this kernel's blocks have begun, in the slots they leave free, and does its own
// prologue; then it waits until the kernel before it has finished and its writes are visible.
// That one waited likewise, so all earlier kernels have finished too. Both instructions do
// nothing in an ordinary launch.
__device__ __forceinline__ void dependent_launch() {
    asm volatile("griddepcontrol.launch_dependents;" ::: "memory");
    asm volatile("griddepcontrol.wait;" ::: "memory");
}

__device__ __forceinline__ float warp_sum(float v) {
    for (int o = WARP / 2; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int o = WARP / 2; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// Sum over the whole thread block (blockDim.x a multiple of 32); every thread gets it. The
// leading barrier lets a kernel call it more than once.
__device__ __forceinline__ float block_sum(float v) {
    __shared__ float part[32];
    v = warp_sum(v);
    __syncthreads();
    if ((threadIdx.x & 31) == 0) part[threadIdx.x >> 5] = v;
    __syncthreads();
    v = (threadIdx.x & 31) < (blockDim.x >> 5) ? part[threadIdx.x & 31] : 0.f;
    return warp_sum(v);
}

__device__ __forceinline__ float block_max(float v) {
    __shared__ float part[32];
    v = warp_max(v);
    __syncthreads();
    if ((threadIdx.x & 31) == 0) part[threadIdx.x >> 5] = v;
    __syncthreads();
    v = (threadIdx.x & 31) < (blockDim.x >> 5) ? part[threadIdx.x & 31] : -INFINITY;
    return warp_max(v);
}

// Matrix-product inputs rounded as the CPU backend (and llama.cpp's) rounds them, so that both
// backends multiply the same numbers. store() is called by all 32 lanes of a warp, lane j with
// element j of one aligned 32-element block.

// For Q8_0 and Q4_0 weights: d = fp16(amax / 127), q = rint(x * 127 / amax), ties to even.
struct ActQ8_0 {
    int8_t* q;
    float* d;  // the fp16-rounded scale, widened
    __device__ __forceinline__ void store(float v, long long i) const {
        float amax = warp_max(fabsf(v));
        float id = amax != 0.f ? 127.f / amax : 0.f;
        q[i] = (int8_t) rintf(__fmul_rn(v, id));
        if ((threadIdx.x & 31) == 0) d[i / QK] = __half2float(__float2half_rn(amax / 127.f));
    }
};

// For F16 weights: each input rounded to the nearest fp16.
struct ActF16 {
    __half* h;
    __device__ __forceinline__ void store(float v, long long i) const {
        h[i] = __float2half_rn(v);
    }
};

// Plain floats: attention's output when a head is not whole 32-element blocks, so that no warp
// holds a whole Q8_0 block; convert rounds the rows afterwards.
struct ActF32 {
    float* x;
    __device__ __forceinline__ void store(float v, long long i) const {
        x[i] = v;
    }
};
