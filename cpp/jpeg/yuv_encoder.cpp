#include "jpeg/yuv_encoder.hpp"

#include <turbojpeg.h>

#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "image/yuv_convert.hpp"
#include "image/yuv_split.hpp"

namespace frame64::jpeg {
namespace {

// One TurboJPEG handle and output buffer per thread, kept apart from
// jpeg_encoder.cpp's compressor so that the two paths never share state.
class YuvCompressor {
public:
    YuvCompressor() : handle_(tjInitCompress()) {
        if (handle_ == nullptr) throw JpegError(std::string("tjInitCompress failed: ") + tjGetErrorStr2(nullptr));
    }
    ~YuvCompressor() {
        if (buffer_ != nullptr) tjFree(buffer_);
        if (handle_ != nullptr) tjDestroy(handle_);
    }
    YuvCompressor(const YuvCompressor&) = delete;
    YuvCompressor& operator=(const YuvCompressor&) = delete;

    Bytes compress(const unsigned char* planes[3], const int strides[3], const CompressParams& params) {
        const unsigned long needed = tjBufSize(params.width, params.height, params.subsampling);
        if (needed == static_cast<unsigned long>(-1))
            throw JpegError(std::string("tjBufSize: ") + tjGetErrorStr2(nullptr));
        if (needed > 0x7FFFFFFFul) throw JpegError("image too large: its worst-case JPEG size exceeds 2 GiB");
        if (needed > capacity_) {
            unsigned char* grown = tjAlloc(static_cast<int>(needed));
            if (grown == nullptr) throw std::bad_alloc();
            if (buffer_ != nullptr) tjFree(buffer_);
            buffer_ = grown;
            capacity_ = needed;
        }
        // libjpeg-turbo 2.1 leaves a handle that wrote a progressive JPEG with
        // optimized Huffman tables on (see TurboCompressor): start afresh.
        if (was_progressive_ && !params.progressive) {
            void* fresh = tjInitCompress();
            if (fresh == nullptr) throw JpegError(std::string("tjInitCompress failed: ") + tjGetErrorStr2(nullptr));
            tjDestroy(handle_);
            handle_ = fresh;
            was_progressive_ = false;
        }
        was_progressive_ = was_progressive_ || params.progressive;
        unsigned long size = static_cast<unsigned long>(capacity_);
        const int status = tjCompressFromYUVPlanes(handle_, planes, params.width, strides, params.height,
                                                   params.subsampling, &buffer_, &size, params.quality,
                                                   compress_flags(params) | TJFLAG_NOREALLOC);
        if (status != 0) throw JpegError(std::string("JPEG compression failed: ") + tjGetErrorStr2(handle_));
        return {buffer_, static_cast<std::size_t>(size)};
    }

private:
    void* handle_ = nullptr;
    bool was_progressive_ = false;
    unsigned char* buffer_ = nullptr;
    std::size_t capacity_ = 0;
};

// This thread's scratch planes: grown, never shrunk.
struct Scratch {
    std::vector<std::uint8_t> bytes;
    std::vector<std::int32_t> luma_delta;
};

}  // namespace

int yuv_subsampling(int layout) noexcept { return layout == kYuvYuyv || layout == kYuvUyvy ? TJSAMP_422 : TJSAMP_420; }
int yuv_chroma_width(int layout, int width) noexcept { return tjPlaneWidth(1, width, yuv_subsampling(layout)); }
int yuv_chroma_height(int layout, int height) noexcept { return tjPlaneHeight(1, height, yuv_subsampling(layout)); }

Bytes compress_yuv(const YuvSource& source, const CompressParams& options) {
    thread_local YuvCompressor compressor;
    thread_local Scratch scratch;
    CompressParams params = options;
    params.width = source.width;
    params.height = source.height;
    params.subsampling = yuv_subsampling(source.layout);
    const std::size_t width = static_cast<std::size_t>(source.width), height = static_cast<std::size_t>(source.height);
    const std::size_t cw = static_cast<std::size_t>(yuv_chroma_width(source.layout, source.width));
    const std::size_t ch = static_cast<std::size_t>(yuv_chroma_height(source.layout, source.height));
    const image::YuvCoefficients* convert = image::yuv_coefficients(source.range, source.matrix);
    const bool packed = source.layout == kYuvYuyv || source.layout == kYuvUyvy;

    // TurboJPEG reads a luma plane of tjPlaneWidth x tjPlaneHeight samples:
    // the image size rounded up to the subsampling factor (2 for 4:2:0
    // rows and columns, 2 for 4:2:2 columns). An odd-sized caller's plane
    // lacks that row/column, so it is built here, replicating the last
    // column and row (what libjpeg-turbo does to fill out an MCU); reading
    // the caller's buffer that far would be out of bounds.
    const std::size_t lw = static_cast<std::size_t>(tjPlaneWidth(0, source.width, params.subsampling));
    const std::size_t lh = static_cast<std::size_t>(tjPlaneHeight(0, source.height, params.subsampling));
    const bool odd = lw != width || lh != height;

    const unsigned char* planes[3] = {source.planes[0], source.planes[1], source.planes[2]};
    int strides[3] = {static_cast<int>(source.pitches[0]), static_cast<int>(source.pitches[1]),
                      static_cast<int>(source.pitches[2])};
    if (source.layout == kYuvI420 && convert == nullptr && !odd) return compressor.compress(planes, strides, params);

    // Everything else goes through scratch planes: chroma always (split,
    // converted or copied), luma when it is packed, converted or odd-sized.
    const bool own_luma = packed || convert != nullptr || odd;
    const std::size_t luma_bytes = own_luma ? lw * lh : 0;
    scratch.bytes.resize(luma_bytes + 2 * cw * ch);
    scratch.luma_delta.resize(cw);
    std::uint8_t* y_out = scratch.bytes.data();
    std::uint8_t* u_out = y_out + luma_bytes;
    std::uint8_t* v_out = u_out + cw * ch;
    const image::YuvSplitKernel& kernel = image::yuv_split_kernel();
    const std::size_t rows_per_chroma = packed ? 1 : 2;
    for (std::size_t row = 0; row < ch; ++row) {
        std::uint8_t* u = u_out + row * cw;
        std::uint8_t* v = v_out + row * cw;
        const std::ptrdiff_t at = static_cast<std::ptrdiff_t>(row);
        if (packed) {  // width is even: the front end refuses odd packed rows
            kernel.split_packed(source.planes[0] + at * source.pitches[0], y_out + row * lw, u, v, cw,
                                source.layout == kYuvUyvy);
        } else if (source.layout == kYuvNv12) {
            kernel.split_uv(source.planes[1] + at * source.pitches[1], u, v, cw);
        } else {
            std::memcpy(u, source.planes[1] + at * source.pitches[1], cw);
            std::memcpy(v, source.planes[2] + at * source.pitches[2], cw);
        }
        if (convert != nullptr) kernel.convert_chroma(u, v, scratch.luma_delta.data(), cw, *convert);
        if (!own_luma) continue;
        for (std::size_t y = row * rows_per_chroma; y < height && y < (row + 1) * rows_per_chroma; ++y) {
            std::uint8_t* out = y_out + y * lw;
            const std::uint8_t* in =
                packed ? out : source.planes[0] + static_cast<std::ptrdiff_t>(y) * source.pitches[0];
            if (convert != nullptr)
                kernel.convert_luma(in, out, scratch.luma_delta.data(), width, *convert);
            else if (!packed)
                std::memcpy(out, in, width);
            if (lw > width) out[width] = out[width - 1];
        }
    }
    if (own_luma) {
        if (lh > height) std::memcpy(y_out + height * lw, y_out + (height - 1) * lw, lw);
        planes[0] = y_out;
        strides[0] = static_cast<int>(lw);
    }
    planes[1] = u_out;
    planes[2] = v_out;
    strides[1] = strides[2] = static_cast<int>(cw);
    return compressor.compress(planes, strides, params);
}

}  // namespace frame64::jpeg
