// One baseline JPEG from horizontal strips compressed independently.
//
// A frame is cut into strips whose heights are a whole number of MCU rows;
// each strip is compressed on its own (by any thread) and the strips are
// stitched into one standard JPEG with restart markers (ITU T.81):
//   - the first strip's headers, with the frame height patched into SOF
//     (B.2.2) and a DRI segment (B.2.4.4) before SOS, as libjpeg writes it;
//   - each strip's entropy-coded segment, separated by RST0..RST7 in turn
//     (B.2.1, F.1.2.3). Every strip's scan is a complete scan, so it starts
//     with zero DC predictions and ends byte-aligned with 1-bit padding
//     (F.1.2.3), exactly as an interval does after a restart.
// With the standard Huffman tables that libjpeg uses by default, the result
// is byte-identical to libjpeg-turbo compressing the whole frame with a
// restart interval of one strip (restart_in_rows, or TurboJPEG's
// TJ_RESTART=<MCU rows per strip>, which the tests use as the oracle).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "jpeg/jpeg_encoder.hpp"

namespace frame64::jpeg {

struct StripPlan {
    int strips = 1;            // 1: the frame is compressed in one piece, without restart markers
    int strip_height = 0;      // rows per strip (the last one may be shorter)
    unsigned restart_interval = 0;  // MCUs per strip, for DRI
};

// MCU size in pixels of a TJSAMP_* value (ITU T.81 A.2: the largest sampling
// factors times 8).
int mcu_width(int subsampling) noexcept;
int mcu_height(int subsampling) noexcept;

// Strips of strip_mcu_rows MCU rows each; strip_mcu_rows <= 0, a value that
// covers the whole frame, and progressive output all mean one piece.
// Throws std::invalid_argument when one strip holds more than 65535 MCUs
// (DRI's restart interval is 16 bits, B.2.4.4).
StripPlan plan_strips(const CompressParams& params, int strip_mcu_rows);

// The parameters of strip `index` (it starts at row index * strip_height).
CompressParams strip_params(const CompressParams& params, const StripPlan& plan, int index) noexcept;

// Stitches compressed strips (in order) into one JPEG of `height` rows.
// Returns false, leaving `out` unspecified, when the strips are not plain
// single-scan Huffman JPEGs with identical tables; the caller then
// compresses the frame in one piece. JpegCompressor always writes such
// strips (the TJ_* variables that could make TurboJPEG write others are not
// read), so this is a guard against a future libjpeg, not a path taken.
bool stitch_strips(const std::vector<std::vector<std::uint8_t>>& strips, int height, unsigned restart_interval,
                   std::vector<std::uint8_t>& out);

}  // namespace frame64::jpeg
