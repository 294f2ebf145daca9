#include "jpeg/jpeg_encoder.hpp"

#include <turbojpeg.h>

#include <new>
#include <string>

namespace frame64::jpeg {

int compress_flags(const CompressParams& params) noexcept {
    // TurboJPEG 2.x silently picks the fast DCT below quality 96 unless told
    // otherwise; 3.x defaults to the accurate one. Always say which.
    int flags = params.fast_dct ? TJFLAG_FASTDCT : TJFLAG_ACCURATEDCT;
    if (params.progressive) flags |= TJFLAG_PROGRESSIVE;
    return flags;
}

int pixel_size(int pixel_format) noexcept {
    switch (pixel_format) {
        case TJPF_RGB:
        case TJPF_BGR:
            return 3;
        case TJPF_RGBA:
        case TJPF_BGRA:
            return 4;
        case TJPF_GRAY:
            return 1;
        default:
            return 0;
    }
}

bool valid_subsampling(int subsampling) noexcept {
    switch (subsampling) {
        case TJSAMP_444:
        case TJSAMP_422:
        case TJSAMP_420:
        case TJSAMP_GRAY:
        case TJSAMP_440:
        case TJSAMP_411:
            return true;
        default:
            return false;
    }
}

TurboCompressor::TurboCompressor() : handle_(tjInitCompress()) {
    if (handle_ == nullptr) throw JpegError(std::string("tjInitCompress failed: ") + tjGetErrorStr2(nullptr));
}

TurboCompressor::~TurboCompressor() {
    if (buffer_ != nullptr) tjFree(buffer_);
    if (handle_ != nullptr) tjDestroy(handle_);
}

Bytes TurboCompressor::compress(const std::uint8_t* pixels, const CompressParams& params) {
    if (tables_optimised_ && !params.progressive) {
        // A progressive compression optimises the Huffman tables in place in
        // the handle, and libjpeg-turbo's jpeg_set_defaults() only installs the
        // standard tables into empty slots. A baseline JPEG compressed next on
        // the same handle would reuse the previous image's tables: another
        // string than a fresh handle gives, and a corrupt JPEG ("bad Huffman
        // code") when this image has symbols the previous one lacked. Start
        // from a fresh handle instead (tests/test_concurrency.py found this).
        void* fresh = tjInitCompress();
        if (fresh == nullptr) throw JpegError(std::string("tjInitCompress failed: ") + tjGetErrorStr2(nullptr));
        tjDestroy(handle_);
        handle_ = fresh;
    }
    tables_optimised_ = params.progressive;
    const unsigned long needed = tjBufSize(params.width, params.height, params.subsampling);
    if (needed == static_cast<unsigned long>(-1)) throw JpegError(std::string("tjBufSize: ") + tjGetErrorStr2(nullptr));
    if (needed > 0x7FFFFFFFul)  // tjAlloc takes an int
        throw JpegError("image too large: its worst-case JPEG size exceeds 2 GiB");
    if (needed > capacity_) {
        // Grow to the worst case once; TJFLAG_NOREALLOC then keeps
        // libjpeg-turbo from reallocating behind our back.
        unsigned char* grown = tjAlloc(static_cast<int>(needed));
        if (grown == nullptr) throw std::bad_alloc();
        if (buffer_ != nullptr) tjFree(buffer_);
        buffer_ = grown;
        capacity_ = needed;
    }
    unsigned long size = static_cast<unsigned long>(capacity_);
    const int status =
        tjCompress2(handle_, pixels, params.width, params.pitch, params.height, params.pixel_format, &buffer_,
                    &size, params.subsampling, params.quality, compress_flags(params) | TJFLAG_NOREALLOC);
    if (status != 0) throw JpegError(std::string("JPEG compression failed: ") + tjGetErrorStr2(handle_));
    return {buffer_, static_cast<std::size_t>(size)};
}

TurboCompressor& thread_compressor() {
    thread_local TurboCompressor compressor;
    return compressor;
}

}  // namespace frame64::jpeg
