// JPEG compression through libjpeg-turbo's TurboJPEG 2.x function API, which
// libjpeg-turbo 3.x still provides. Every option that changes the output
// bytes is passed explicitly (see compress_flags), because the two major
// versions have different defaults for the DCT.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>

namespace frame64::jpeg {

// Raised for a failure inside libjpeg-turbo (message from tjGetErrorStr2).
class JpegError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

// From this quality up, libjpeg-turbo 2.x always uses the accurate DCT, so
// frame64 does the same on every version (fast_dct has no effect there).
inline constexpr int kAccurateDctQuality = 96;

struct CompressParams {
    int width = 0;
    int height = 0;
    int pitch = 0;         // bytes from one row to the next (>= width * channels)
    int pixel_format = 0;  // TJPF_*
    int subsampling = 0;   // TJSAMP_*
    int quality = 90;      // 1..100
    bool fast_dct = false;
    bool progressive = false;
};

// The exact TurboJPEG flags for these options, minus buffer-management flags.
// The fallback computes the same value in Python (frame64/_options.py).
int compress_flags(const CompressParams& params) noexcept;

// Bytes per pixel of a TJPF_* value, or 0 for one frame64 does not accept.
int pixel_size(int pixel_format) noexcept;
bool valid_subsampling(int subsampling) noexcept;

struct Bytes {
    const std::uint8_t* data;
    std::size_t size;
};

// One TurboJPEG compressor and its output buffer. Not thread-safe: use one
// per thread (thread_compressor()). The buffer is kept and grown, never
// shrunk, so steady-state compression allocates nothing.
class TurboCompressor {
public:
    TurboCompressor();
    ~TurboCompressor();
    TurboCompressor(const TurboCompressor&) = delete;
    TurboCompressor& operator=(const TurboCompressor&) = delete;

    // Compresses pixels; the result stays valid until the next call.
    Bytes compress(const std::uint8_t* pixels, const CompressParams& params);

private:
    void* handle_ = nullptr;
    // libjpeg-turbo 2.1 leaves a handle that has written a progressive JPEG
    // with optimized Huffman coding switched on, so a later baseline JPEG from
    // the same handle differs from a fresh handle's. Such a handle is replaced
    // before the next baseline compression.
    bool handle_was_progressive_ = false;
    unsigned char* buffer_ = nullptr;
    std::size_t capacity_ = 0;
};

// The calling thread's compressor, created on first use.
TurboCompressor& thread_compressor();

}  // namespace frame64::jpeg
