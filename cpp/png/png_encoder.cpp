#include "png/png_encoder.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

#include "image/formats.hpp"
#include "png/fast_deflate.hpp"

namespace frame64::png {
namespace {

enum class Deflate { kStore, kHuffmanRle, kLibdeflate };

struct Level {
    Deflate deflate;
    int libdeflate_level;
    bool adaptive;
    FilterType fixed;
};

// The compression scale documented in png_encoder.hpp.
constexpr Level kLevels[kMaxCompression + 1] = {
    {Deflate::kStore, 0, false, kFilterNone},      {Deflate::kHuffmanRle, 0, false, kFilterUp},
    {Deflate::kHuffmanRle, 0, true, kFilterNone},  {Deflate::kLibdeflate, 1, true, kFilterNone},
    {Deflate::kLibdeflate, 3, true, kFilterNone},  {Deflate::kLibdeflate, 5, true, kFilterNone},
    {Deflate::kLibdeflate, 6, true, kFilterNone},  {Deflate::kLibdeflate, 8, true, kFilterNone},
    {Deflate::kLibdeflate, 10, true, kFilterNone}, {Deflate::kLibdeflate, 12, true, kFilterNone},
};

void put_u32(std::uint8_t* out, std::uint32_t value) {
    out[0] = static_cast<std::uint8_t>(value >> 24);
    out[1] = static_cast<std::uint8_t>(value >> 16);
    out[2] = static_cast<std::uint8_t>(value >> 8);
    out[3] = static_cast<std::uint8_t>(value);
}

// A chunk is length, type, data, CRC-32 of type+data (spec 5.3). `chunk`
// points at the length field; the data is already in place.
std::uint8_t* finish_chunk(std::uint8_t* chunk, const char type[4], std::uint32_t length) {
    put_u32(chunk, length);
    std::memcpy(chunk + 4, type, 4);
    put_u32(chunk + 8 + length, libdeflate_crc32(0, chunk + 4, 4 + static_cast<std::size_t>(length)));
    return chunk + 12 + length;
}

// --- filters (spec 9.2), on channel-ordered rows; `prev` is all zeros for row 0.
// Each loop handles the first `bpp` bytes (no left neighbour) apart, so the
// main loop has no branch and the compiler vectorises it at -O3.

void filter_sub(const std::uint8_t* cur, const std::uint8_t*, std::size_t n, int bpp, std::uint8_t* out) {
    for (int i = 0; i < bpp; ++i) out[i] = cur[i];
    for (std::size_t i = bpp; i < n; ++i) out[i] = static_cast<std::uint8_t>(cur[i] - cur[i - bpp]);
}

void filter_up(const std::uint8_t* cur, const std::uint8_t* prev, std::size_t n, int, std::uint8_t* out) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(cur[i] - prev[i]);
}

void filter_average(const std::uint8_t* cur, const std::uint8_t* prev, std::size_t n, int bpp, std::uint8_t* out) {
    for (int i = 0; i < bpp; ++i) out[i] = static_cast<std::uint8_t>(cur[i] - (prev[i] >> 1));
    for (std::size_t i = bpp; i < n; ++i)
        out[i] = static_cast<std::uint8_t>(cur[i] - ((cur[i - bpp] + prev[i]) >> 1));
}

// Paeth predictor (spec 9.4): the neighbour nearest to left + up - upper_left.
inline std::uint8_t paeth(int left, int up, int upper_left) {
    const int pa = std::abs(up - upper_left);                 // |p - left|
    const int pb = std::abs(left - upper_left);               // |p - up|
    const int pc = std::abs(left + up - 2 * upper_left);      // |p - upper_left|
    if (pa <= pb && pa <= pc) return static_cast<std::uint8_t>(left);
    return static_cast<std::uint8_t>(pb <= pc ? up : upper_left);
}

void filter_paeth(const std::uint8_t* cur, const std::uint8_t* prev, std::size_t n, int bpp, std::uint8_t* out) {
    for (int i = 0; i < bpp; ++i) out[i] = static_cast<std::uint8_t>(cur[i] - prev[i]);  // Paeth(0, up, 0) = up
    for (std::size_t i = bpp; i < n; ++i)
        out[i] = static_cast<std::uint8_t>(cur[i] - paeth(cur[i - bpp], prev[i], prev[i - bpp]));
}

void filter_none(const std::uint8_t* cur, const std::uint8_t*, std::size_t n, int, std::uint8_t* out) {
    std::memcpy(out, cur, n);
}

using FilterFn = void (*)(const std::uint8_t*, const std::uint8_t*, std::size_t, int, std::uint8_t*);
constexpr FilterFn kFilters[5] = {filter_none, filter_sub, filter_up, filter_average, filter_paeth};

// The heuristic of spec 12.8: residual bytes read as signed, summed in magnitude.
std::uint64_t residual_cost(const std::uint8_t* out, std::size_t n) {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const int v = static_cast<std::int8_t>(out[i]);
        sum += static_cast<std::uint64_t>(v < 0 ? -v : v);
    }
    return sum;
}

// Copies a BGR(A) row into RGB(A) order.
void swap_red_blue(const std::uint8_t* src, std::size_t width, int channels, std::uint8_t* dst) {
    if (channels == 3) {
        for (std::size_t x = 0; x < width; ++x) {
            dst[3 * x] = src[3 * x + 2];
            dst[3 * x + 1] = src[3 * x + 1];
            dst[3 * x + 2] = src[3 * x];
        }
    } else {
        for (std::size_t x = 0; x < width; ++x) {
            dst[4 * x] = src[4 * x + 2];
            dst[4 * x + 1] = src[4 * x + 1];
            dst[4 * x + 2] = src[4 * x];
            dst[4 * x + 3] = src[4 * x + 3];
        }
    }
}

}  // namespace

void filter_image(const std::uint8_t* pixels, const EncodeParams& params, bool adaptive, FilterType fixed,
                  std::uint8_t* filtered, std::vector<std::uint8_t>& scratch) {
    const std::size_t row_bytes = static_cast<std::size_t>(params.width) * params.channels;
    const int bpp = params.channels;
    // Layout of scratch: zero row | two swapped rows | 5 candidate rows.
    scratch.assign(row_bytes * (adaptive ? 8 : 3), 0);
    const std::uint8_t* zero_row = scratch.data();
    std::uint8_t* swapped[2] = {scratch.data() + row_bytes, scratch.data() + 2 * row_bytes};
    std::uint8_t* candidates = scratch.data() + 3 * row_bytes;
    const std::uint8_t* prev = zero_row;
    for (std::uint32_t y = 0; y < params.height; ++y) {
        const std::uint8_t* src = pixels + static_cast<std::size_t>(y) * params.pitch;
        const std::uint8_t* cur = src;
        if (params.swap_red_blue && params.channels >= 3) {
            std::uint8_t* row = swapped[y & 1];
            swap_red_blue(src, params.width, params.channels, row);
            cur = row;
        }
        std::uint8_t* out = filtered + static_cast<std::size_t>(y) * (row_bytes + 1);
        if (!adaptive) {
            out[0] = fixed;
            kFilters[fixed](cur, prev, row_bytes, bpp, out + 1);
        } else {
            int best = 0;
            std::uint64_t best_cost = 0;
            for (int type = 0; type < 5; ++type) {
                std::uint8_t* candidate = candidates + type * row_bytes;
                kFilters[type](cur, prev, row_bytes, bpp, candidate);
                const std::uint64_t cost = residual_cost(candidate, row_bytes);
                if (type == 0 || cost < best_cost) {
                    best = type;
                    best_cost = cost;
                }
            }
            out[0] = static_cast<std::uint8_t>(best);
            std::memcpy(out + 1, candidates + best * row_bytes, row_bytes);
        }
        prev = cur;
    }
}

PngEncoder::~PngEncoder() {
    for (libdeflate_compressor* c : compressors_)
        if (c != nullptr) libdeflate_free_compressor(c);
}

Bytes PngEncoder::encode(const std::uint8_t* pixels, const EncodeParams& params) {
    if (params.compression < kMinCompression || params.compression > kMaxCompression)
        throw std::invalid_argument("compression must be in 0..9");
    if (params.width == 0 || params.height == 0 || params.width > image::kMaxPngSide || params.height > image::kMaxPngSide)
        throw PngError("PNG width and height must be in 1..2147483647");
    const Level& level = kLevels[params.compression];
    const std::size_t row_bytes = static_cast<std::size_t>(params.width) * params.channels;
    if (row_bytes / params.channels != params.width || (SIZE_MAX / 2 - 64) / (row_bytes + 1) < params.height)
        throw PngError("image too large for this platform's address space");
    const std::size_t filtered_size = (row_bytes + 1) * params.height;
    filtered_.resize(filtered_size);
    filter_image(pixels, params, level.adaptive, level.fixed, filtered_.data(), rows_);

    const std::size_t bound = deflate_bound(params.compression, filtered_size);
    constexpr std::size_t kHeaderBytes = 8 + (12 + 13) + 8;  // signature, IHDR, IDAT length+type
    constexpr std::size_t kTrailerBytes = 4 + 12;             // IDAT CRC, IEND
    output_.resize(kHeaderBytes + bound + kTrailerBytes);
    std::uint8_t* out = output_.data();

    std::memcpy(out, image::kPngSignature, sizeof image::kPngSignature);
    std::uint8_t* ihdr = out + 8;
    put_u32(ihdr + 8, params.width);
    put_u32(ihdr + 12, params.height);
    ihdr[16] = 8;                                                             // bit depth
    ihdr[17] = params.channels == 1 ? 0 : params.channels == 3 ? 2 : 6;       // colour type (spec 11.2.2)
    ihdr[18] = ihdr[19] = ihdr[20] = 0;                                       // deflate, adaptive filters, no interlace
    std::uint8_t* idat = finish_chunk(ihdr, "IHDR", 13);

    const std::size_t stream_size = deflate(params.compression, filtered_.data(), filtered_size, idat + 8);
    if (stream_size > image::kMaxPngChunkLength) throw PngError("the compressed image exceeds 2 GiB, the largest PNG chunk");
    std::uint8_t* iend = finish_chunk(idat, "IDAT", static_cast<std::uint32_t>(stream_size));
    std::uint8_t* end = finish_chunk(iend, "IEND", 0);
    return {out, static_cast<std::size_t>(end - out)};
}

libdeflate_compressor* PngEncoder::compressor(int level) {
    if (compressors_[level] == nullptr) {
        compressors_[level] = libdeflate_alloc_compressor(level);
        if (compressors_[level] == nullptr) throw std::bad_alloc();
    }
    return compressors_[level];
}

std::size_t PngEncoder::deflate_bound(int compression, std::size_t n) {
    const Level& level = kLevels[compression];
    std::size_t bound = zlib_bound(n);
    if (level.deflate == Deflate::kLibdeflate)
        bound = std::max(bound, libdeflate_zlib_compress_bound(compressor(level.libdeflate_level), n));
    return bound;
}

std::size_t PngEncoder::deflate(int compression, const std::uint8_t* data, std::size_t n, std::uint8_t* out) {
    if (compression < kMinCompression || compression > kMaxCompression)
        throw std::invalid_argument("compression must be in 0..9");
    const Level& level = kLevels[compression];
    switch (level.deflate) {
        case Deflate::kStore:
            return zlib_store(data, n, out);
        case Deflate::kHuffmanRle:
            return zlib_huffman_rle(data, n, out);
        case Deflate::kLibdeflate:
            break;
    }
    const std::size_t size =
        libdeflate_zlib_compress(compressor(level.libdeflate_level), data, n, out, deflate_bound(compression, n));
    if (size == 0) throw PngError("libdeflate: the compressed image did not fit its bound");
    // On sensor noise LZ77 finds few repeats and the Huffman+run coder often
    // wins; it costs a fraction of any libdeflate level, so try it as well and
    // keep the smaller stream. Higher levels are then never larger than level 2.
    alternative_.resize(zlib_bound(n));
    const std::size_t alternative_size = zlib_huffman_rle(data, n, alternative_.data());
    if (alternative_size >= size) return size;
    std::memcpy(out, alternative_.data(), alternative_size);
    return alternative_size;
}

PngEncoder& thread_encoder() {
    thread_local PngEncoder encoder;
    return encoder;
}

}  // namespace frame64::png
