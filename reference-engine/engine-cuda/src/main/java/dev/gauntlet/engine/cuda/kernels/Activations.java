package dev.gauntlet.engine.cuda.kernels;

import jcuda.driver.CUdeviceptr;

/**
 * Matrix-product inputs on the device, rows of {@code cols} values back to back.
 *
 * @param values int8 or fp16 values, as the format says
 * @param scales one float per 32 values for Q8_0 (unused for F16)
 */
public record Activations(ActivationFormat format, CUdeviceptr values, CUdeviceptr scales) {
}
