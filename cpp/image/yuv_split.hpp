// Chroma (and packed 4:2:2) deinterleaving and range/matrix conversion for the YUV encode path
// (cpp/jpeg/yuv_encoder.cpp): NV12's interleaved U/V rows and YUYV/UYVY's
// packed rows are split into the separate plane rows libjpeg's raw-data API
// takes. One kernel per instruction set, each with the same contract as the
// scalar twin (yuv_split_scalar.cpp), chosen at run time from the CPU
// features base64/dispatch.cpp detects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "image/yuv_convert.hpp"

namespace frame64::image {

struct YuvSplitKernel {
    const char* name;
    std::uint32_t required_features;  // base64::Feature bits
    // u[i] = uv[2i], v[i] = uv[2i+1] for i < pairs.
    void (*split_uv)(const std::uint8_t* uv, std::uint8_t* u, std::uint8_t* v, std::size_t pairs);
    // One packed 4:2:2 row of `pairs` Y0 C Y1 C' groups: YUYV (Y0 U Y1 V) or,
    // with uyvy, UYVY (U Y0 V Y1), into y[2*pairs], u[pairs], v[pairs].
    void (*split_packed)(const std::uint8_t* src, std::uint8_t* y, std::uint8_t* u, std::uint8_t* v,
                         std::size_t pairs, bool uyvy);
    // The fixed-point range/matrix rule of yuv_convert.hpp on one chroma row
    // (from u_in, v_in into u, v, which may be the same rows) and one luma
    // row (contracts of convert_chroma_row / convert_luma_row).
    void (*convert_chroma)(const std::uint8_t* u_in, const std::uint8_t* v_in, std::uint8_t* u, std::uint8_t* v,
                           std::int32_t* luma_delta, std::size_t count, const YuvCoefficients& k);
    void (*convert_luma)(const std::uint8_t* in, std::uint8_t* out, const std::int32_t* luma_delta,
                         std::size_t width, const YuvCoefficients& k);
    // split_packed, then convert_chroma and convert_luma on the rows it
    // wrote: the same bytes, in one pass over the row where the kernel can.
    void (*split_packed_convert)(const std::uint8_t* src, std::uint8_t* y, std::uint8_t* u, std::uint8_t* v,
                                 std::int32_t* luma_delta, std::size_t pairs, bool uyvy, const YuvCoefficients& k);
};

extern const YuvSplitKernel kYuvSplitScalar;

// split_packed_convert as its three steps, one after the other.
template <auto Split, auto Chroma, auto Luma>
void split_then_convert(const std::uint8_t* src, std::uint8_t* y, std::uint8_t* u, std::uint8_t* v,
                        std::int32_t* luma_delta, std::size_t pairs, bool uyvy, const YuvCoefficients& k) {
    Split(src, y, u, v, pairs, uyvy);
    Chroma(u, v, u, v, luma_delta, pairs, k);
    Luma(y, y, luma_delta, 2 * pairs, k);
}

// The kernel in use: the best one this CPU runs, unless set_yuv_split_kernel chose another.
const YuvSplitKernel& yuv_split_kernel() noexcept;
// "auto" or a compiled, supported kernel's name; returns an error message ("" on success).
std::string set_yuv_split_kernel(const std::string& name);
// Compiled kernels, best first (scalar last); supported_only: those this CPU runs.
std::vector<std::string> yuv_split_kernel_names(bool supported_only);

}  // namespace frame64::image
