#include "jpeg/jpeg_decoder.hpp"

#include <turbojpeg.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "image/sniff.hpp"

namespace frame64::jpeg {

namespace {

using image::DecodeError;

// The same texts in the Python fallback (_fallback_decode.py).
std::string warning_message(const char* detail) {
    return std::string("JPEG data has a defect that libjpeg-turbo reports as a warning (strict=True rejects it): ") +
           detail;
}

bool all_bytes_equal(const std::uint8_t* row, std::size_t size, std::uint8_t value) {
    return std::all_of(row, row + size, [value](std::uint8_t byte) { return byte == value; });
}

}  // namespace

int decompress_flags(bool strict) noexcept {
    // TJFLAG_ACCURATEDCT: the islow IDCT, as OpenCV and libjpeg default to.
    // No TJFLAG_FASTUPSAMPLE: smooth upsampling, as OpenCV does.
    // TJFLAG_LIMITSCANS: refuse progressive JPEGs with over 500 scans (a
    // CPU-exhaustion attack on the format; see turbojpeg.h).
    int flags = TJFLAG_ACCURATEDCT | TJFLAG_LIMITSCANS;
    if (strict) flags |= TJFLAG_STOPONWARNING;
    return flags;
}

TurboDecompressor::TurboDecompressor() { reset(); }

void TurboDecompressor::reset() {
    if (handle_ != nullptr) tjDestroy(handle_);
    handle_ = tjInitDecompress();
    if (handle_ == nullptr) throw DecodeError(std::string("tjInitDecompress failed: ") + tjGetErrorStr2(nullptr));
}

TurboDecompressor::~TurboDecompressor() {
    if (handle_ != nullptr) tjDestroy(handle_);
}

JpegHeader TurboDecompressor::read_header(const std::uint8_t* jpeg, std::size_t size, bool strict) {
    // libjpeg keeps the quantization and Huffman tables of the previous image
    // in the handle (for abbreviated datastreams), so a JPEG that lacks a
    // table it uses would decode with another image's table instead of
    // failing (or of using the standard Huffman tables): pixels that depend
    // on what this thread decoded before. A fresh handle per image (about
    // 1 us) makes every decode independent. Found by tests/hardening/test_regressions.py.
    if (used_) reset();
    used_ = true;
    JpegHeader header;
    int subsampling = -1;
    // TurboJPEG returns -1 for warnings too; tjGetErrorCode then says
    // TJERR_WARNING, but also when a fatal error followed a warning, so the
    // dimensions decide: they are written only once the frame header is read.
    const int status = tjDecompressHeader3(handle_, jpeg, static_cast<unsigned long>(size), &header.width,
                                           &header.height, &subsampling, &header.colorspace);
    const bool has_size = header.width > 0 && header.height > 0;
    if (status != 0) {
        const std::string detail = tjGetErrorStr2(handle_);
        const bool fatal = tjGetErrorCode(handle_) == TJERR_FATAL;
        reset();
        if (fatal || !has_size) throw DecodeError("corrupt JPEG header: " + detail);
        if (strict) throw DecodeError(warning_message(detail.c_str()));
    } else if (!has_size) {
        throw DecodeError("JPEG data holds no image: it is truncated or holds only tables");
    }
    if (header.colorspace == TJCS_CMYK || header.colorspace == TJCS_YCCK)
        throw DecodeError("CMYK and YCCK JPEGs are not supported");
    return header;
}

int TurboDecompressor::run(const std::uint8_t* jpeg, std::size_t size, const JpegHeader& header, int pixel_format,
                           std::uint8_t* dst, int flags) {
    return tjDecompress2(handle_, jpeg, static_cast<unsigned long>(size), dst, header.width, 0, header.height,
                         pixel_format, flags);
}

void TurboDecompressor::decompress(const std::uint8_t* jpeg, std::size_t size, const JpegHeader& header,
                                   int pixel_format, std::uint8_t* dst, bool strict) {
    const std::size_t row_bytes = static_cast<std::size_t>(header.width) * tjPixelSize[pixel_format];
    std::uint8_t* last_row = dst + (static_cast<std::size_t>(header.height) - 1) * row_bytes;
    // A canary in the last row: libjpeg writes rows top to bottom and a fatal
    // error stops it, so a last row left untouched means the decode died.
    std::memset(last_row, 0x00, row_bytes);
    const int flags = decompress_flags(strict);
    if (run(jpeg, size, header, pixel_format, dst, flags) == 0) return;

    std::string detail = tjGetErrorStr2(handle_);
    const bool fatal = tjGetErrorCode(handle_) == TJERR_FATAL;
    reset();
    if (fatal) throw DecodeError("corrupt JPEG data: " + detail);
    if (strict) throw DecodeError(warning_message(detail.c_str()));
    // TJERR_WARNING is also reported for a fatal error that followed a
    // warning. The canary tells them apart: a completed decode wrote the last
    // row. If that row is legitimately all zeros, decode again over a 0xFF
    // canary: the same deterministic row cannot be both all 0x00 and all 0xFF.
    if (!all_bytes_equal(last_row, row_bytes, 0x00)) return;
    std::memset(last_row, 0xFF, row_bytes);
    if (run(jpeg, size, header, pixel_format, dst, flags) == 0) return;
    detail = tjGetErrorStr2(handle_);
    const bool warning = tjGetErrorCode(handle_) == TJERR_WARNING;
    reset();
    if (warning && !all_bytes_equal(last_row, row_bytes, 0xFF)) return;
    throw DecodeError("corrupt JPEG data: " + detail);
}

TurboDecompressor& thread_decompressor() {
    thread_local TurboDecompressor decompressor;
    return decompressor;
}

}  // namespace frame64::jpeg
