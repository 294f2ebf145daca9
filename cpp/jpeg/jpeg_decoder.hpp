// JPEG decompression. The header is read with TurboJPEG's function API
// (tjDecompressHeader3, which libjpeg-turbo 3.x still provides), so that it
// accepts and refuses exactly what the fallback's PyTurboJPEG does; the pixels
// come from libjpeg's own API (jpeglib.h), set up as tjDecompress2 sets it up
// (accurate integer IDCT, smooth "fancy" chroma upsampling, the same colour
// conversion), so they are the same bytes, equal to OpenCV's cv2.imdecode.
//
// libjpeg's API is used because it says *which* warning it met (msg_code),
// which TurboJPEG's hides. libjpeg reports two kinds of trouble: fatal errors
// (the image cannot be decoded) and warnings (it decodes anyway). Some
// warnings mean pixels were made up (data missing or corrupt: the rest of the
// frame is filled in); others lose nothing (extraneous bytes before a marker,
// which many MJPEG webcams write). The Strictness decides which raise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace frame64::jpeg {

// The values of the `strictness` argument of the bindings (and of the
// fallback: frame64._formats.STRICTNESS).
enum class Strictness : int {
    kBestEffort = 0,  // decode whatever libjpeg can; only fatal errors raise
    kDefault = 1,     // warnings that make up pixels raise; benign ones do not
    kStrict = 2,      // every warning raises
};

// True for the libjpeg warnings (JWRN_* code, and for JWRN_EXTRANEOUS_DATA the
// marker found after the skipped bytes) that lose no pixel. Every other
// warning, including any a later libjpeg adds, counts as making pixels up.
// Bytes skipped before an RSTn marker are not benign: the entropy decoder
// finished the restart interval early, so it decoded garbage.
bool warning_is_benign(int msg_code, int marker) noexcept;

struct JpegHeader {
    int width = 0;   // as stored in the frame header
    int height = 0;
    int colorspace = -1;  // TJCS_*
    int orientation = 1;  // the EXIF Orientation to apply (1: none)
    bool cmyk() const noexcept;
    // The sides of the decoded frame, after the orientation.
    int out_width() const noexcept;
    int out_height() const noexcept;
};

// The exact TurboJPEG flags of the header read and of the fallback's
// tjDecompress2 (frame64/_fallback/decode.py computes the same value).
int decompress_flags(bool strict) noexcept;

// One TurboJPEG handle for reading headers. Not thread-safe: use one per
// thread (thread_decompressor()). Every failure throws image::JpegDecodeError.
class TurboDecompressor {
public:
    TurboDecompressor();
    ~TurboDecompressor();
    TurboDecompressor(const TurboDecompressor&) = delete;
    TurboDecompressor& operator=(const TurboDecompressor&) = delete;

    // Reads the frame header; allocates no pixel memory. With strict, a
    // warning in the header raises. `exif` also reads the EXIF Orientation.
    JpegHeader read_header(const std::uint8_t* jpeg, std::size_t size, bool strict, bool exif);

private:
    // A fresh handle. libjpeg-turbo leaves a handle mid-header after some
    // failures, which would corrupt the next image, so any call that fails or
    // warns is followed by a reset.
    void reset();
    void* handle_ = nullptr;
    bool used_ = false;  // the handle has read an image (and kept its tables)
};

// The calling thread's header reader, created on first use.
TurboDecompressor& thread_decompressor();

// Decompresses the whole image into dst: header.out_height() rows of
// header.out_width() * pixel size bytes, packed, upright. `scratch` is
// reusable memory for CMYK rows and for the frame before its orientation is
// applied. Throws image::JpegDecodeError; on failure dst holds unspecified
// pixels.
void decompress(const std::uint8_t* jpeg, std::size_t size, const JpegHeader& header, int pixel_format,
                std::uint8_t* dst, Strictness strictness, std::vector<std::uint8_t>& scratch);

// The calling thread's scratch memory for decompress().
std::vector<std::uint8_t>& thread_decode_scratch();

}  // namespace frame64::jpeg
