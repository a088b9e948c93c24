// Seeded random weights written straight into device memory, in ggml's layouts, so that the
// benchmark can run the large synthetic shapes without generating and copying gigabytes on the
// host. Values are uniform with the synthetic model's spread (std 1/sqrt(cols)); what the
// benchmark needs is real bytes of the right size and type, not these exact numbers.
#include "common.cuh"

__device__ __forceinline__ unsigned long long mix64(unsigned long long z) {  // splitmix64's finalizer
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Uniform in [-1, 1).
__device__ __forceinline__ float uniform(unsigned long long seed, unsigned long long i) {
    return (float) (mix64(seed * 0x9E3779B97F4A7C15ull + i) >> 40) * (2.f / 16777216.f) - 1.f;
}

#define GRID_STRIDE(i, n) \
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (long long) gridDim.x * blockDim.x)

// sqrt(3) * std: the half-width of a uniform distribution with that standard deviation.
#define HALF_WIDTH(std) (1.7320508f * (std))

extern "C" __global__ void random_f16(__half* w, long long n, unsigned long long seed, float std) {
    dependent_launch();
    GRID_STRIDE(i, n) { w[i] = __float2half_rn(uniform(seed, i) * HALF_WIDTH(std)); }
}

extern "C" __global__ void random_q8_0(block_q8_0* w, long long blocks, unsigned long long seed, float std) {
    dependent_launch();
    GRID_STRIDE(b, blocks) {
        w[b].d = __float2half_rn(HALF_WIDTH(std) / 127.f);
        for (int j = 0; j < QK; j++) w[b].qs[j] = (int8_t) rintf(uniform(seed, b * QK + j) * 127.f);
    }
}

extern "C" __global__ void random_q4_0(block_q4_0* w, long long blocks, unsigned long long seed, float std) {
    dependent_launch();
    GRID_STRIDE(b, blocks) {
        w[b].d = __float2half_rn(HALF_WIDTH(std) / 8.f);
        for (int j = 0; j < QK / 2; j++) {
            unsigned long long bits = mix64(seed * 0x9E3779B97F4A7C15ull + b * QK + j);
            w[b].qs[j] = (uint8_t) (bits & 0xFF);
        }
    }
}

// Norm weights: 1 + spread * uniform.
extern "C" __global__ void random_norm(float* w, long long n, unsigned long long seed, float spread) {
    dependent_launch();
    GRID_STRIDE(i, n) { w[i] = 1.f + spread * uniform(seed, i); }
}
