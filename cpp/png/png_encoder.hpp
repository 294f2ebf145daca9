// PNG encoding (PNG specification, 3rd edition / RFC 2083): RGB(A) or gray
// 8-bit frames, filtered per row, deflated, and written as IHDR/IDAT/IEND
// chunks with their CRC-32.
//
// The compression scale (0..9, default 1) trades time for size:
//   0      no filter, stored deflate blocks (no compression at all);
//   1      Up filter on every row, frame64's Huffman+run deflate (fast_deflate.hpp);
//   2      per-row adaptive filter, Huffman+run deflate;
//   3..9   per-row adaptive filter, libdeflate levels 1, 3, 5, 6, 8, 10, 12,
//          or the Huffman+run stream when that is smaller (as on sensor noise).
// The adaptive choice is the PNG specification's heuristic (section 12.8):
// the filter with the smallest sum of |signed residual| per row, lowest
// filter type on ties. The fallback (frame64/_png_fallback.py) uses the same
// filters, so both backends deflate the very same bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

struct libdeflate_compressor;

namespace frame64::png {

// Raised for a PNG that cannot be written or read (too large, corrupt, ...).
class PngError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline constexpr int kMinCompression = 0;
inline constexpr int kMaxCompression = 9;
inline constexpr int kDefaultCompression = 1;

enum FilterType : std::uint8_t { kFilterNone = 0, kFilterSub = 1, kFilterUp = 2, kFilterAverage = 3, kFilterPaeth = 4 };

struct EncodeParams {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::size_t pitch = 0;  // bytes from one row to the next (>= width * channels)
    int channels = 3;       // 1 (gray), 3 (RGB), 4 (RGBA)
    bool swap_red_blue = false;  // the input is BGR / BGRA
    int compression = kDefaultCompression;
};

struct Bytes {
    const std::uint8_t* data;
    std::size_t size;
};

// One encoder with its buffers. Not thread-safe: use one per thread
// (thread_encoder()). Buffers are kept and grown, never shrunk.
class PngEncoder {
public:
    PngEncoder() = default;
    ~PngEncoder();
    PngEncoder(const PngEncoder&) = delete;
    PngEncoder& operator=(const PngEncoder&) = delete;

    // Encodes the frame; the result stays valid until the next call.
    Bytes encode(const std::uint8_t* pixels, const EncodeParams& params);

    // The deflate stage alone: a zlib stream of `data` at `compression`,
    // written at `out`, which must hold deflate_bound(...) bytes.
    std::size_t deflate(int compression, const std::uint8_t* data, std::size_t n, std::uint8_t* out);
    std::size_t deflate_bound(int compression, std::size_t n);

private:
    libdeflate_compressor* compressor(int level);

    std::vector<std::uint8_t> filtered_;  // filter-type byte + residuals, per row
    std::vector<std::uint8_t> output_;    // the PNG file
    std::vector<std::uint8_t> rows_;      // two channel-swapped rows, plus scratch rows for the adaptive choice
    std::vector<std::uint8_t> alternative_;  // the Huffman+run stream, raced against libdeflate
    libdeflate_compressor* compressors_[13] = {};
};

PngEncoder& thread_encoder();

// Filters rows into `filtered` (height * (1 + width*channels) bytes). Exposed
// for tests of the filter stage.
void filter_image(const std::uint8_t* pixels, const EncodeParams& params, bool adaptive, FilterType fixed,
                  std::uint8_t* filtered, std::vector<std::uint8_t>& scratch);

}  // namespace frame64::png
