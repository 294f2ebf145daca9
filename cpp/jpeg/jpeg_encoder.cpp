#include "jpeg/jpeg_encoder.hpp"

#include <turbojpeg.h>

#include <new>
#include <string>

#include "image/formats.hpp"

namespace frame64::jpeg {

int compress_flags(const CompressParams& params) noexcept {
    // TurboJPEG 2.x silently picks the fast DCT below quality 96 unless told
    // otherwise; 3.x defaults to the accurate one. Always say which. The 2.x
    // function API also ignores TJFLAG_FASTDCT at quality >= 96 (in 3.x too),
    // while 3.x's own API (TJPARAM_FASTDCT, used by PyTurboJPEG 2.x) honours
    // it there; so the fast DCT is only ever asked for below 96, and the
    // bytes depend neither on the library version nor on the API.
    const bool fast = params.fast_dct && params.quality < kAccurateDctQuality;
    int flags = fast ? TJFLAG_FASTDCT : TJFLAG_ACCURATEDCT;
    if (params.progressive) flags |= TJFLAG_PROGRESSIVE;
    return flags;
}

// image/formats.hpp keeps TurboJPEG's codes without including turbojpeg.h;
// they are checked against it here, where both are visible.
static_assert(image::kTjpfRgb == TJPF_RGB && image::kTjpfBgr == TJPF_BGR && image::kTjpfGray == TJPF_GRAY &&
                  image::kTjpfRgba == TJPF_RGBA && image::kTjpfBgra == TJPF_BGRA,
              "TJPF codes differ from turbojpeg.h");
static_assert(image::kTjsampGray == TJSAMP_GRAY && sizeof image::kSubsamplings / sizeof image::kSubsamplings[0] ==
                                                       static_cast<std::size_t>(TJ_NUMSAMP),
              "TJSAMP codes differ from turbojpeg.h");

int pixel_size(int pixel_format) noexcept { return image::pixel_channels(pixel_format); }

bool valid_subsampling(int subsampling) noexcept { return image::find_subsampling(subsampling) != nullptr; }

TurboCompressor::TurboCompressor() : handle_(tjInitCompress()) {
    if (handle_ == nullptr) throw JpegError(std::string("tjInitCompress failed: ") + tjGetErrorStr2(nullptr));
}

TurboCompressor::~TurboCompressor() {
    if (buffer_ != nullptr) tjFree(buffer_);
    if (handle_ != nullptr) tjDestroy(handle_);
}

Bytes TurboCompressor::compress(const std::uint8_t* pixels, const CompressParams& params) {
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
    if (handle_was_progressive_ && !params.progressive) {
        void* fresh = tjInitCompress();
        if (fresh == nullptr) throw JpegError(std::string("tjInitCompress failed: ") + tjGetErrorStr2(nullptr));
        tjDestroy(handle_);
        handle_ = fresh;
        handle_was_progressive_ = false;
    }
    handle_was_progressive_ = handle_was_progressive_ || params.progressive;
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
