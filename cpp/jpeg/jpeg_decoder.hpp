// JPEG decompression through libjpeg-turbo's TurboJPEG 2.x function API
// (tjDecompressHeader3 / tjDecompress2), which libjpeg-turbo 3.x still
// provides. Output matches OpenCV's cv2.imdecode: accurate integer IDCT and
// smooth ("fancy") chroma upsampling, both requested explicitly.
//
// libjpeg reports two kinds of trouble: fatal errors (the image cannot be
// decoded) and warnings (corrupt or truncated data that it decodes anyway,
// filling what is missing). Warnings are accepted unless `strict`.
#pragma once

#include <cstddef>
#include <cstdint>

namespace frame64::jpeg {

struct JpegHeader {
    int width = 0;
    int height = 0;
    int colorspace = -1;  // TJCS_*
};

// The exact TurboJPEG flags of a decompression; the fallback computes the
// same value in Python (frame64/_fallback_decode.py).
int decompress_flags(bool strict) noexcept;

// One TurboJPEG decompressor. Not thread-safe: use one per thread
// (thread_decompressor()). Every failure throws image::DecodeError.
class TurboDecompressor {
public:
    TurboDecompressor();
    ~TurboDecompressor();
    TurboDecompressor(const TurboDecompressor&) = delete;
    TurboDecompressor& operator=(const TurboDecompressor&) = delete;

    // Reads the frame header; allocates no pixel memory. Rejects CMYK/YCCK.
    JpegHeader read_header(const std::uint8_t* jpeg, std::size_t size, bool strict);

    // Decompresses the whole image into dst, `header.height` rows of
    // `header.width * pixel size` bytes, packed. On failure dst holds
    // unspecified pixels.
    void decompress(const std::uint8_t* jpeg, std::size_t size, const JpegHeader& header, int pixel_format,
                    std::uint8_t* dst, bool strict);

private:
    // A fresh handle. libjpeg-turbo leaves a handle mid-header after some
    // failures (tjDecompressHeader3 returns from its error handler without
    // aborting the decompressor), which would corrupt the next image, so any
    // call that fails or warns is followed by a reset.
    void reset();
    int run(const std::uint8_t* jpeg, std::size_t size, const JpegHeader& header, int pixel_format,
            std::uint8_t* dst, int flags);
    void* handle_ = nullptr;
    bool used_ = false;  // the handle has read an image (and kept its tables)
};

// The calling thread's decompressor, created on first use.
TurboDecompressor& thread_decompressor();

}  // namespace frame64::jpeg
