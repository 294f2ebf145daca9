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

// Upper bound of the zlib stream size for n input bytes, including the 8
// bytes of slack that the bit writer may touch (never beyond this bound).
std::size_t zlib_bound(std::size_t n) noexcept;

// Writes a zlib stream of stored (uncompressed) deflate blocks of 65535
// bytes, the last one shorter (RFC 1951 3.2.4). `out` must hold zlib_bound(n)
// bytes. Returns the stream size. The pure-Python fallback writes exactly
// the same bytes.
std::size_t zlib_store(const std::uint8_t* data, std::size_t n, std::uint8_t* out) noexcept;

// Writes a zlib stream of literal/run dynamic-Huffman blocks (one band, see
// deflate_band). Returns the stream size, at most zlib_bound(n).
std::size_t zlib_huffman_rle(const std::uint8_t* data, std::size_t n, std::uint8_t* out);

// --- bands: independent pieces of one deflate stream -------------------------
// A band is coded with no reference to the bytes before it, and it ends on a
// byte boundary, so bands encoded on different threads are joined by
// concatenation, and the stream does not depend on how many threads ran.

// Upper bound of deflate_band's output for n bytes, with the 8 bytes of slack.
std::size_t band_bound(std::size_t n) noexcept;

// Writes data[0, n) as Huffman+run blocks of at most 128 KiB each (a block
// is stored instead when that is smaller), with the active PNG kernel. The
// last block is final when `final`; otherwise an empty stored block follows
// when needed to reach a byte boundary. Returns the bytes written.
std::size_t deflate_band(const std::uint8_t* data, std::size_t n, bool final, std::uint8_t* out);

// The Adler-32 of X followed by Y from those of X and Y (RFC 1950 8.2).
std::uint32_t adler32_combine(std::uint32_t first, std::uint32_t second, std::size_t second_length) noexcept;

// The CRC-32 of X followed by Y from those of X and Y (the CRC of PNG
// chunks, spec 5.5; libdeflate_crc32 conventions).
std::uint32_t crc32_combine(std::uint32_t first, std::uint32_t second, std::size_t second_length) noexcept;

// The 2-byte zlib header (RFC 1950 2.2); returns the position after it.
std::uint8_t* put_zlib_header(std::uint8_t* out) noexcept;
// Writes the big-endian Adler-32 at `out`; returns the stream size from `stream_start`.
std::size_t put_adler32(std::uint32_t adler, std::uint8_t* out, std::uint8_t* stream_start) noexcept;

}  // namespace frame64::png
