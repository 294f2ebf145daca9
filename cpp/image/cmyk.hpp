// CMYK pixels (as libjpeg decodes a CMYK or YCCK JPEG) to the output pixel
// formats, with Pillow's conversion (libImaging/Convert.c, cmyk2rgb):
//   R = (255 - K) - (C * (255 - K)) / 255, likewise G from M and B from Y,
// the division rounded as Pillow's MULDIV255 does; GRAY is the ITU-R 601-2
// luma of that RGB with Pillow's fixed point (L = (19595 R + 38470 G + 7471 B
// + 0x8000) >> 16), as Pillow's CMYK -> L goes through RGB.
//
// Photoshop (and libjpeg, for every CMYK/YCCK JPEG it writes, Pillow's
// included) stores CMYK inverted (0 = full ink) and marks the file with an
// Adobe APP14 segment; `inverted` says so. The fallback does the same in numpy
// (src/frame64/_fallback/decode.py, cmyk_to).
#pragma once

#include <cstddef>
#include <cstdint>

namespace frame64::image {

// Converts `count` CMYK pixels to `channels` (1, 3 or 4) per pixel: red first
// unless `blue_first`; alpha 255.
void cmyk_to(const std::uint8_t* cmyk, std::size_t count, bool inverted, int channels, bool blue_first,
             std::uint8_t* out) noexcept;

}  // namespace frame64::image
