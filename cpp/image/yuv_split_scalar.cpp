// The scalar twin of the YUV split kernels (the contract is in yuv_split.hpp);
// its conversions are yuv_convert.cpp's reference rows.
#include "image/yuv_split.hpp"

namespace frame64::image {
namespace {

void split_uv_scalar(const std::uint8_t* uv, std::uint8_t* u, std::uint8_t* v, std::size_t pairs) {
    for (std::size_t i = 0; i < pairs; ++i) {
        u[i] = uv[2 * i];
        v[i] = uv[2 * i + 1];
    }
}

void split_packed_scalar(const std::uint8_t* src, std::uint8_t* y, std::uint8_t* u, std::uint8_t* v,
                         std::size_t pairs, bool uyvy) {
    const int luma = uyvy ? 1 : 0, chroma = uyvy ? 0 : 1;
    for (std::size_t i = 0; i < pairs; ++i) {
        const std::uint8_t* group = src + 4 * i;
        y[2 * i] = group[luma];
        y[2 * i + 1] = group[luma + 2];
        u[i] = group[chroma];
        v[i] = group[chroma + 2];
    }
}

}  // namespace

const YuvSplitKernel kYuvSplitScalar = {
    "scalar",         0, split_uv_scalar, split_packed_scalar, convert_chroma_row, convert_luma_row,
    split_then_convert<split_packed_scalar, convert_chroma_row, convert_luma_row>};

}  // namespace frame64::image
