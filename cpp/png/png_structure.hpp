// The structure of a PNG file, checked before libspng reads it, so that a
// malformed file is refused with the same message by both backends: this
// walk is the one of the fallback's reader (frame64/_fallback/png.py,
// PngChunks and PngFile), rule for rule and in the same order, after the PNG
// specification (ISO/IEC 15948, 5.3 chunk layout, 5.4 CRCs, 11.2 critical
// chunks, 11.3.2.1 tRNS).
#pragma once

#include <cstddef>
#include <cstdint>

namespace frame64::png {

// Throws PngError ("invalid PNG: ...") at the first rule `data` breaks:
// the signature, each chunk's length, type letters, bounds and CRC (a
// damaged ancillary chunk is skipped unless `strict`), IHDR first and valid,
// an unknown critical chunk, PLTE and tRNS rules, consecutive IDAT chunks,
// and a complete IEND. Reads nothing past `size`.
void check_structure(const std::uint8_t* data, std::size_t size, bool strict);

}  // namespace frame64::png
