// The EXIF Orientation of a JPEG, and the rotation/flip that undoes it.
//
// EXIF (CIPA DC-008, JEITA CP-3451) stores its tags in an APP1 segment that
// starts "Exif\0\0" and holds a TIFF structure (TIFF 6.0, section 2): an
// 8-byte header ("II" little-endian or "MM" big-endian, 42, the offset of
// IFD0), then IFD0: a 16-bit entry count and 12-byte entries (tag, type,
// count, value). Orientation is tag 0x0112, a SHORT in 1..8. Only IFD0 is
// read (the next-IFD link is never followed, so no offset loop is possible),
// every offset is checked against the segment before it is read, and anything
// malformed means "no orientation" (1), as OpenCV and Pillow treat it. The
// fallback implements the same rules in Python (src/frame64/_fallback/exif.py).
#pragma once

#include <cstddef>
#include <cstdint>

namespace frame64::image {

// The Orientation (1..8) from the first "Exif" APP1 segment before the first
// SOS, or 1. Reads nothing outside [jpeg, jpeg + size).
int jpeg_exif_orientation(const std::uint8_t* jpeg, std::size_t size) noexcept;

// The Orientation of a TIFF structure (the APP1 payload after "Exif\0\0"), or 1.
int tiff_orientation(const std::uint8_t* tiff, std::size_t size) noexcept;

// Orientations 5..8 turn the frame a quarter: width and height swap.
inline bool swaps_sides(int orientation) noexcept { return orientation >= 5 && orientation <= 8; }

// Writes the upright frame: `src` is height x width pixels of `channels`
// bytes as stored; `dst` receives the frame as displayed (width x height for
// orientations 5..8), as cv2.imdecode(IMREAD_COLOR) returns it.
void apply_orientation(const std::uint8_t* src, int height, int width, int channels, int orientation,
                       std::uint8_t* dst) noexcept;

}  // namespace frame64::image
