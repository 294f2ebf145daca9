// JPEG compression straight from YUV planes through libjpeg's raw-data API
// (JpegCompressor::compress_raw): I420 and NV12 to 4:2:0, YUYV/UYVY to
// 4:2:2, with no RGB image in between, and the bytes of
// tjCompressFromYUVPlanes. Rows are handed over one iMCU row (16 or 8 luma
// rows) at a time, copied or split (NV12, packed), converted
// (image/yuv_convert.hpp) and padded out to whole blocks in a small
// per-thread scratch of one iMCU row.
#pragma once

#include <cstddef>
#include <cstdint>

#include "jpeg/jpeg_encoder.hpp"

namespace frame64::jpeg {

// Layout codes (frame64._formats.YUV_FORMATS).
inline constexpr int kYuvI420 = 0, kYuvNv12 = 1, kYuvYuyv = 2, kYuvUyvy = 3;

struct YuvSource {
    int layout = kYuvI420;
    int width = 0;   // luma samples per row
    int height = 0;  // luma rows
    // I420: Y, U, V; NV12: Y, UV; YUYV/UYVY: the packed rows. Row pitches in
    // bytes, positive, each row at least as long as the layout needs.
    const std::uint8_t* planes[3] = {nullptr, nullptr, nullptr};
    std::ptrdiff_t pitches[3] = {0, 0, 0};
    int range = 0;   // image::kYuvRange*
    int matrix = 0;  // image::kYuvMatrix*
};

// Chroma plane size of a layout (tjPlaneWidth/tjPlaneHeight for its subsampling).
int yuv_chroma_width(int layout, int width) noexcept;
int yuv_chroma_height(int layout, int height) noexcept;
int yuv_subsampling(int layout) noexcept;  // TJSAMP_420 or TJSAMP_422

// Rows [first, first + rows) of a frame: its planes advanced to row
// `first` (even at 4:2:0, so that chroma rows start there too).
YuvSource yuv_rows(const YuvSource& source, int first, int rows) noexcept;

// Compresses on `compressor` (one per thread: thread_compressor());
// params.width/height/subsampling come from `source` (pitch and pixel_format
// are unused). The result stays valid until the compressor's next call.
Bytes compress_yuv(JpegCompressor& compressor, const YuvSource& source, const CompressParams& params);

}  // namespace frame64::jpeg
