#include "jpeg/yuv_encoder.hpp"

#include <turbojpeg.h>  // TJSAMP_* and tjPlaneWidth/tjPlaneHeight: constants and pure functions only

#include <cstring>
#include <vector>

#include "image/yuv_convert.hpp"
#include "image/yuv_split.hpp"

namespace frame64::jpeg {
namespace {

// This thread's rows for one iMCU row: luma, U and V rows padded out to
// whole blocks, and one chroma row's luma corrections. Grown, never shrunk
// (at most 16 + 2 * 8 rows: about 1.5 MiB for a 65500-wide frame). Every
// row is copied (split, converted) here, even where the caller's row could
// be handed over as it is: libjpeg's DCT then reads a few cache-resident
// rows instead of 16 + 16 rows strided across the frame, which measured
// faster on this machine (1080p I420: about 0.82 of the BGR encode's
// time, against 0.89 when reading the caller's rows in place).
struct Scratch {
    std::vector<std::uint8_t> bytes;
    std::vector<std::int32_t> luma_delta;
};

// Repeats row[count - 1] up to row[width - 1]: tjCompressFromYUVPlanes
// fills out the last block of a row that way ("duplicate last sample in
// row to fill out MCU"), so frame64 does too.
void pad_row(std::uint8_t* row, std::size_t count, std::size_t width) noexcept {
    if (width > count) std::memset(row + count, row[count - 1], width - count);
}

// The rows tjCompressFromYUVPlanes would hand libjpeg for these planes.
// TurboJPEG's luma plane is tjPlaneWidth x tjPlaneHeight samples (the image
// rounded up to the subsampling factors), its last column and row repeated
// by frame64 (frame64._yuv); TurboJPEG then repeats each plane's last
// sample and row out to whole blocks. Both together: every sample past the
// image is its row's last, every row past it the last row. Rows past the
// image are handed over as the last row's pointer again: the last row of a
// plane always falls in the last iMCU row (ceil(height / 16) iMCU rows of
// 16 luma and 8 chroma rows each), so it is in the same call.
class YuvRows final : public RawRowSource {
public:
    YuvRows(const YuvSource& source, const RawGeometry& geometry, Scratch& scratch)
        : source_(source),
          geometry_(geometry),
          kernel_(image::yuv_split_kernel()),
          convert_(image::yuv_coefficients(source.range, source.matrix)),
          packed_(source.layout == kYuvYuyv || source.layout == kYuvUyvy),
          width_(static_cast<std::size_t>(source.width)),
          height_(static_cast<std::size_t>(source.height)),
          cw_(static_cast<std::size_t>(yuv_chroma_width(source.layout, source.width))),
          ch_(static_cast<std::size_t>(yuv_chroma_height(source.layout, source.height))) {
        const std::size_t luma = geometry.rows[0] * geometry.widths[0], chroma = geometry.rows[1] * geometry.widths[1];
        scratch.bytes.resize(luma + 2 * chroma);  // may throw: before any compression starts
        scratch.luma_delta.assign(cw_, 0);  // all a rule without luma correction needs (yuv_convert.hpp)
        y_ = scratch.bytes.data();
        u_ = y_ + luma;
        v_ = u_ + chroma;
        delta_ = scratch.luma_delta.data();
    }

    void rows(std::size_t imcu_row, Rows& out) noexcept override {
        const std::size_t chroma_rows = geometry_.rows[1];
        const std::size_t luma_per_chroma = geometry_.rows[0] / chroma_rows;  // 2 at 4:2:0, 1 at 4:2:2
        for (std::size_t k = 0; k < chroma_rows; ++k) {
            const std::size_t row = imcu_row * chroma_rows + k;
            if (row < ch_) {
                chroma_row(row, k, out);  // first: it splits packed luma and sets the luma corrections
            } else {
                out[1][k] = out[1][k - 1];
                out[2][k] = out[2][k - 1];
            }
            for (std::size_t j = 0; j < luma_per_chroma; ++j) {
                const std::size_t slot = k * luma_per_chroma + j, y = row * luma_per_chroma + j;
                out[0][slot] = y < height_ ? luma_row(y, slot) : out[0][slot - 1];
            }
        }
    }

private:
    const std::uint8_t* at(int plane, std::size_t row) const noexcept {
        return source_.planes[plane] + static_cast<std::ptrdiff_t>(row) * source_.pitches[plane];
    }

    void chroma_row(std::size_t row, std::size_t k, Rows& out) noexcept {
        const std::size_t wc = geometry_.widths[1];
        std::uint8_t* u = u_ + k * wc;
        std::uint8_t* v = v_ + k * wc;
        if (packed_) {  // width is even: the front end refuses odd packed rows
            std::uint8_t* y = y_ + k * geometry_.widths[0];
            const bool uyvy = source_.layout == kYuvUyvy;
            if (convert_ != nullptr)
                kernel_.split_packed_convert(at(0, row), y, u, v, delta_, cw_, uyvy, *convert_);
            else
                kernel_.split_packed(at(0, row), y, u, v, cw_, uyvy);
        } else if (source_.layout == kYuvNv12) {
            kernel_.split_uv(at(1, row), u, v, cw_);
            if (convert_ != nullptr) kernel_.convert_chroma(u, v, u, v, delta_, cw_, *convert_);
        } else if (convert_ != nullptr) {
            kernel_.convert_chroma(at(1, row), at(2, row), u, v, delta_, cw_, *convert_);
        } else {
            std::memcpy(u, at(1, row), cw_);
            std::memcpy(v, at(2, row), cw_);
        }
        pad_row(u, cw_, wc);
        pad_row(v, cw_, wc);
        out[1][k] = u;
        out[2][k] = v;
    }

    // Luma row y (< height) into iMCU slot `slot`, after its chroma row.
    const std::uint8_t* luma_row(std::size_t y, std::size_t slot) noexcept {
        const std::size_t wl = geometry_.widths[0];
        std::uint8_t* out = y_ + slot * wl;  // packed: chroma_row already split (and converted) it here
        if (!packed_) {
            if (convert_ != nullptr)
                kernel_.convert_luma(at(0, y), out, delta_, width_, *convert_);
            else
                std::memcpy(out, at(0, y), width_);
        }
        pad_row(out, width_, wl);
        return out;
    }

    const YuvSource& source_;
    const RawGeometry& geometry_;
    const image::YuvSplitKernel& kernel_;
    const image::YuvCoefficients* convert_;
    const bool packed_;
    const std::size_t width_, height_, cw_, ch_;
    std::uint8_t* y_ = nullptr;
    std::uint8_t* u_ = nullptr;
    std::uint8_t* v_ = nullptr;
    std::int32_t* delta_ = nullptr;
};

}  // namespace

int yuv_subsampling(int layout) noexcept { return layout == kYuvYuyv || layout == kYuvUyvy ? TJSAMP_422 : TJSAMP_420; }
int yuv_chroma_width(int layout, int width) noexcept { return tjPlaneWidth(1, width, yuv_subsampling(layout)); }
int yuv_chroma_height(int layout, int height) noexcept { return tjPlaneHeight(1, height, yuv_subsampling(layout)); }

YuvSource yuv_rows(const YuvSource& source, int first, int rows) noexcept {
    YuvSource part = source;
    part.height = rows;
    const std::ptrdiff_t luma = first;
    const std::ptrdiff_t chroma = yuv_subsampling(source.layout) == TJSAMP_420 ? luma / 2 : luma;
    part.planes[0] += luma * source.pitches[0];
    for (int plane = 1; plane < 3; ++plane)
        if (part.planes[plane] != nullptr) part.planes[plane] += chroma * source.pitches[plane];
    return part;
}

Bytes compress_yuv(JpegCompressor& compressor, const YuvSource& source, const CompressParams& options) {
    thread_local Scratch scratch;
    CompressParams params = options;
    params.width = source.width;
    params.height = source.height;
    params.subsampling = yuv_subsampling(source.layout);
    const RawGeometry geometry = raw_geometry(params.width, params.height, params.subsampling);
    YuvRows rows(source, geometry, scratch);
    return compressor.compress_raw(rows, params);
}

}  // namespace frame64::jpeg
