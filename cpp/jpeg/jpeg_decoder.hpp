// JPEG decompression, through libjpeg's own API (jpeglib.h). The header is
// read as TurboJPEG 2.x's tjDecompressHeader3 reads it, so that it accepts
// and refuses exactly what the fallback's PyTurboJPEG does; the pixels are
// set up as tjDecompress2 sets them up (accurate integer IDCT, smooth "fancy"
// chroma upsampling, the same colour conversion), so they are the same
// bytes, equal to OpenCV's cv2.imdecode. Messages are worded as libjpeg-turbo
// 2.x words them, whichever version frame64 is built with.
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

inline constexpr int kFullScale = 8;

struct JpegHeader {
    int width = 0;   // as stored in the frame header
    int height = 0;
    int colorspace = -1;  // TJCS_*
    int orientation = 1;  // the EXIF Orientation to apply (1: none)
    // libjpeg's DCT scaling: the frame is decoded at scale_eighths / 8 of its
    // size (1..8; 8: full size), each side rounded up as libjpeg-turbo's
    // jpeg_calc_output_dimensions (and TurboJPEG's TJSCALED) round it.
    int scale_eighths = kFullScale;
    bool cmyk() const noexcept;
    // The sides of the frame as stored, at the scale.
    int scaled_width() const noexcept;
    int scaled_height() const noexcept;
    // The sides of the decoded frame: scaled, then turned by the orientation.
    int out_width() const noexcept;
    int out_height() const noexcept;
};

// The scale_eighths of the smallest DCT scaling factor (k/8, k = 1..8) whose
// result still has its longer side >= max_side: the cheapest decode that is
// large enough. kFullScale when max_side <= 0 or no smaller factor reaches it.
int scale_for_max_side(int width, int height, int max_side) noexcept;

// The scale libjpeg is asked for when the caller asks for scale_eighths:
// the largest factor giving the same sides. tjDecompress2 (and so
// PyTurboJPEG's scaling_factor) picks its factor from the sides asked for,
// largest first, so a 5x3 frame "at 7/8" (still 5x3) is decoded at 1/1,
// with the 8x8 IDCT; libjpeg would use the 7x7 one, and other pixels.
int equivalent_scale(int width, int height, int scale_eighths) noexcept;

// The exact TurboJPEG flags of the header read and of the fallback's
// tjDecompress2 (frame64/_fallback/decode.py computes the same value).
int decompress_flags(bool strict) noexcept;

// Reads the frame header; allocates no pixel memory. Thread-safe. With
// strict, a warning in the header raises. `exif` also reads the EXIF
// Orientation. Accepts and refuses exactly what TurboJPEG 2.x's
// tjDecompressHeader3 (and so the fallback's PyTurboJPEG) does, whatever the
// libjpeg-turbo built with. Every failure throws image::JpegDecodeError.
JpegHeader read_header(const std::uint8_t* jpeg, std::size_t size, bool strict, bool exif);

// Decompresses the whole image into dst: header.out_height() rows of
// header.out_width() * pixel size bytes, packed, upright, at header's scale. `scratch` is
// reusable memory for CMYK rows and for the frame before its orientation is
// applied. Throws image::JpegDecodeError; on failure dst holds unspecified
// pixels.
void decompress(const std::uint8_t* jpeg, std::size_t size, const JpegHeader& header, int pixel_format,
                std::uint8_t* dst, Strictness strictness, std::vector<std::uint8_t>& scratch);

// For band decoding (band_decoder.cpp): decompresses a whole JPEG (not CMYK,
// at full scale) but keeps only its rows [keep_first, keep_end), written to
// dst (row keep_first; rows row_bytes apart); every other row goes to `junk`
// (room for one row). Stops after row keep_end - 1, so the end-of-image checks
// run only when keep_end is the last row. Any warning or error: false.
bool decompress_band(const std::uint8_t* jpeg, std::size_t size, int pixel_format, int keep_first, int keep_end,
                     std::uint8_t* dst, std::size_t row_bytes, std::uint8_t* junk) noexcept;

// Whether decompress_band can tell a band ended cleanly: it reads libjpeg's
// marker-reader state, declared in jpegint.h, which Debian's
// libjpeg62-turbo-dev and frame64's wheel ship and some builds do not.
// Without it every band fails, and frames decode on one thread.
bool bands_supported() noexcept;

// The calling thread's scratch memory for decompress().
std::vector<std::uint8_t>& thread_decode_scratch();

}  // namespace frame64::jpeg
