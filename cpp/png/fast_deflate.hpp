// A deflate encoder made for filtered camera frames: literals plus runs of a
// repeated byte (matches at distance 1), entropy-coded with one dynamic
// Huffman code per block (RFC 1951 sections 3.2.5-3.2.7), in a zlib wrapper
// (RFC 1950).
//
// Sensor noise leaves almost no long-distance repeats in a filtered frame, so
// a general LZ77 match finder (zlib, libdeflate) spends most of its time
// finding nothing; the Huffman coding of the residuals is where the size is
// won. Runs still catch flat areas (masks, screenshots, letterboxing).
// See benchmarks/bench_png.py for the comparison with zlib and libdeflate.
#pragma once

#include <cstddef>
#include <cstdint>

namespace frame64::png {

// Upper bound of the zlib stream size for n input bytes, plus 8 bytes of
// slack that the bit writer may touch (never beyond this bound).
std::size_t zlib_bound(std::size_t n) noexcept;

// Writes a zlib stream of stored (uncompressed) deflate blocks of 65535
// bytes, the last one shorter (RFC 1951 3.2.4). `out` must hold zlib_bound(n)
// bytes. Returns the stream size. The pure-Python fallback writes exactly
// the same bytes.
std::size_t zlib_store(const std::uint8_t* data, std::size_t n, std::uint8_t* out) noexcept;

// Writes a zlib stream of literal/run dynamic-Huffman blocks. Any block that
// would come out larger than stored is written stored instead, so the result
// never exceeds zlib_bound(n). Returns the stream size.
std::size_t zlib_huffman_rle(const std::uint8_t* data, std::size_t n, std::uint8_t* out);

}  // namespace frame64::png
