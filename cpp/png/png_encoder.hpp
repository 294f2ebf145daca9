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
// filter type on ties. The fallback (frame64/_fallback/png.py) uses the same
// filters, so both backends deflate the very same scanlines.
//
// Levels 1-2 filter and deflate the image in bands of whole rows (about
// 1 MiB each, band_rows()), each on its own and byte-aligned at its end
// (fast_deflate.hpp), so EncodeParams::threads threads can share them and
// the bytes do not depend on how many did. The filters and the bit packing
// run on the PNG kernel this CPU supports best (kernels.hpp).
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
    int threads = 1;  // levels 1-2: bands deflated on up to this many threads (same bytes for any value)
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
    // Levels 1-2: filters and deflates each band of rows_per_band rows into
    // its room (band_offsets) after the zlib header at `stream`, on
    // params.threads threads, then joins them; returns the zlib stream size
    // and sets `stream_crc` to the stream's CRC-32 (combined from the bands').
    std::size_t deflate_bands(const std::uint8_t* pixels, const EncodeParams& params, bool adaptive, FilterType fixed,
                              std::size_t rows_per_band, const std::vector<std::size_t>& band_offsets,
                              std::uint8_t* stream, std::uint32_t& stream_crc);

    std::vector<std::uint8_t> filtered_;  // filter-type byte + residuals, per row
    std::vector<std::uint8_t> output_;    // the PNG file
    std::vector<std::uint8_t> rows_;      // a zero row and two channel-swapped rows (filter_rows)
    std::vector<std::uint8_t> alternative_;  // the Huffman+run stream, raced against libdeflate
    libdeflate_compressor* compressors_[13] = {};
};

PngEncoder& thread_encoder();

// Filters rows into `filtered` (height * (1 + width*channels) bytes). Exposed
// for tests of the filter stage.
void filter_image(const std::uint8_t* pixels, const EncodeParams& params, bool adaptive, FilterType fixed,
                  std::uint8_t* filtered, std::vector<std::uint8_t>& scratch);
// The same for rows [first_row, end_row) only, written from `filtered`.
void filter_rows(const std::uint8_t* pixels, const EncodeParams& params, std::uint32_t first_row, std::uint32_t end_row,
                 bool adaptive, FilterType fixed, std::uint8_t* filtered, std::vector<std::uint8_t>& scratch);
// Rows per band at levels 1-2 for rows of `row_bytes` bytes (about 1 MiB of
// filtered data; a fact of the width alone, never of the thread count).
std::size_t band_rows(std::size_t row_bytes) noexcept;

}  // namespace frame64::png
