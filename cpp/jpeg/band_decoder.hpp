// One JPEG frame decoded across cores, in horizontal bands.
//
// A baseline (or extended sequential) Huffman JPEG with one scan of all its
// components and a restart interval of a whole number of MCU rows (DRI =
// k * MCUs per row: frame64's own threads=N output, TJ_RESTART=<rows>r) can
// start decoding at any restart marker, where the DC predictions are zero and
// the data is byte-aligned (ITU T.81 F.1.2.3, F.2.1.3.1). Each band is a run of
// restart intervals, decoded on its own as a synthetic JPEG: the original
// header segments with the SOF height patched (B.2.2), the band's intervals
// with their RST markers renumbered from RST0 (B.2.1), then EOI.
//
// Smooth ("fancy") chroma upsampling reads the chroma rows beside each row,
// so a synthetic image's first and last rows can differ from the whole
// frame's. A band therefore also decodes the first MCU row of the next
// interval and keeps the rows from the second of its own to the first of the
// next band's (the first band from row 0, the last to the bottom): every
// kept row sees the same samples as in the whole-frame decode, and the
// pixels are the same bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "jpeg/jpeg_decoder.hpp"

namespace frame64::jpeg {

// Decodes the frame into dst (as decompress() does: header.out_height() rows
// of header.out_width() * pixel size, upright) in up to `threads` bands on a
// thread pool, and returns true. Returns false, leaving dst unspecified, when
// the JPEG does not qualify (see above; not CMYK, full scale only) or any
// band met a warning or error: the caller then decodes it with decompress(),
// which gives every message exactly. Never throws.
bool decompress_bands(const std::uint8_t* jpeg, std::size_t size, const JpegHeader& header, int pixel_format,
                      std::uint8_t* dst, int threads) noexcept;

// How many bands decompress_bands would cut the frame into (0: it does not
// qualify and takes the one-thread path). For tests and diagnostics.
int band_count(const std::uint8_t* jpeg, std::size_t size, const JpegHeader& header, int threads) noexcept;

}  // namespace frame64::jpeg
