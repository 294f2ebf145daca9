#include "png/png_encoder.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

#include "image/formats.hpp"
#include "parallel/thread_pool.hpp"
#include "png/fast_deflate.hpp"
#include "png/kernels.hpp"

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

// The same when the CRC-32 of the data is known already.
std::uint8_t* finish_chunk(std::uint8_t* chunk, const char type[4], std::uint32_t length, std::uint32_t data_crc) {
    put_u32(chunk, length);
    std::memcpy(chunk + 4, type, 4);
    put_u32(chunk + 8 + length, crc32_combine(libdeflate_crc32(0, type, 4), data_crc, length));
    return chunk + 12 + length;
}

// The filters (spec 9.2) and the adaptive choice's cost (spec 12.8) are
// the PNG kernel's (kernels.hpp).

// Filtered bytes per band at levels 1 and 2 (rounded to whole rows): large
// enough that the per-band cost (an aligning empty block, a pool task) is
// negligible, small enough that a 4K frame gives the threads ~24 bands to share.
constexpr std::size_t kBandBytes = std::size_t{1} << 20;

}  // namespace

void filter_rows(const std::uint8_t* pixels, const EncodeParams& params, std::uint32_t first_row, std::uint32_t end_row,
                 bool adaptive, FilterType fixed, std::uint8_t* filtered, std::vector<std::uint8_t>& scratch) {
    const PngKernel& kernel = active_png_kernel();
    const std::size_t row_bytes = static_cast<std::size_t>(params.width) * params.channels;
    const int bpp = params.channels;
    const bool swap = params.swap_red_blue && params.channels >= 3;
    auto row = [&](std::uint32_t y) { return pixels + static_cast<std::size_t>(y) * params.pitch; };
    // Layout of scratch: zero row | two swapped rows.
    scratch.assign(row_bytes * 3, 0);
    const std::uint8_t* zero_row = scratch.data();
    if (!adaptive && (fixed == kFilterUp || fixed == kFilterNone)) {
        // Swap and filter in one pass: swap(cur) - swap(prev) = swap(cur - prev).
        for (std::uint32_t y = first_row; y < end_row; ++y) {
            std::uint8_t* out = filtered + static_cast<std::size_t>(y - first_row) * (row_bytes + 1);
            out[0] = fixed;
            const std::uint8_t* prev = fixed == kFilterUp && y > 0 ? row(y - 1) : zero_row;
            kernel.filter_up(row(y), prev, params.width, params.channels, swap, out + 1);
        }
        return;
    }
    std::uint8_t* swapped[2] = {scratch.data() + row_bytes, scratch.data() + 2 * row_bytes};
    auto channel_ordered = [&](std::uint32_t y) -> const std::uint8_t* {
        if (!swap) return row(y);
        kernel.filter_up(row(y), zero_row, params.width, params.channels, true, swapped[y & 1]);
        return swapped[y & 1];
    };
    const std::uint8_t* prev = first_row > 0 ? channel_ordered(first_row - 1) : zero_row;
    for (std::uint32_t y = first_row; y < end_row; ++y) {
        const std::uint8_t* cur = channel_ordered(y);
        std::uint8_t* out = filtered + static_cast<std::size_t>(y - first_row) * (row_bytes + 1);
        int best = fixed;
        if (adaptive) {
            std::uint64_t costs[5];
            kernel.filter_costs(cur, prev, row_bytes, bpp, costs);
            best = 0;  // the lowest filter type wins a tie
            for (int type = 1; type < 5; ++type)
                if (costs[type] < costs[best]) best = type;
        }
        out[0] = static_cast<std::uint8_t>(best);
        kernel.filter_row(best, cur, prev, row_bytes, bpp, out + 1);
        prev = cur;
    }
}

void filter_image(const std::uint8_t* pixels, const EncodeParams& params, bool adaptive, FilterType fixed,
                  std::uint8_t* filtered, std::vector<std::uint8_t>& scratch) {
    filter_rows(pixels, params, 0, params.height, adaptive, fixed, filtered, scratch);
}

std::size_t band_rows(std::size_t row_bytes) noexcept {
    return std::max<std::size_t>(1, (kBandBytes + row_bytes) / (row_bytes + 1));
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
    const bool banded = level.deflate == Deflate::kHuffmanRle;
    if (!banded) {  // bands are filtered one at a time, each into its thread's band buffer
        filtered_.resize(filtered_size);
        filter_image(pixels, params, level.adaptive, level.fixed, filtered_.data(), rows_);
    }

    // Levels 1-2 deflate bands of rows independently (fast_deflate.hpp), so
    // the stream is the same for every thread count.
    const std::size_t rows_per_band = band_rows(row_bytes);
    const std::size_t band_count = banded ? (params.height + rows_per_band - 1) / rows_per_band : 0;
    std::vector<std::size_t> band_offsets(band_count + 1, 0);  // each band's room in the output
    for (std::size_t b = 0; b < band_count; ++b) {
        const std::size_t rows = std::min(rows_per_band, params.height - b * rows_per_band);
        band_offsets[b + 1] = band_offsets[b] + band_bound(rows * (row_bytes + 1));
    }
    const std::size_t bound = banded ? band_offsets[band_count] + 2 + 4 : deflate_bound(params.compression, filtered_size);
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

    std::size_t stream_size = 0;
    std::uint32_t stream_crc = 0;
    if (banded)
        stream_size = deflate_bands(pixels, params, level.adaptive, level.fixed, rows_per_band, band_offsets, idat + 8,
                                    stream_crc);
    else
        stream_size = deflate(params.compression, filtered_.data(), filtered_size, idat + 8);
    if (stream_size > image::kMaxPngChunkLength) throw PngError("the compressed image exceeds 2 GiB, the largest PNG chunk");
    const auto idat_length = static_cast<std::uint32_t>(stream_size);
    std::uint8_t* iend =
        banded ? finish_chunk(idat, "IDAT", idat_length, stream_crc) : finish_chunk(idat, "IDAT", idat_length);
    std::uint8_t* end = finish_chunk(iend, "IEND", 0);
    return {out, static_cast<std::size_t>(end - out)};
}

std::size_t PngEncoder::deflate_bands(const std::uint8_t* pixels, const EncodeParams& params, bool adaptive,
                                      FilterType fixed, std::size_t rows_per_band,
                                      const std::vector<std::size_t>& band_offsets, std::uint8_t* stream,
                                      std::uint32_t& stream_crc) {
    const std::size_t row_bytes = static_cast<std::size_t>(params.width) * params.channels;
    const std::size_t band_count = band_offsets.size() - 1;
    std::uint8_t* body = put_zlib_header(stream);
    struct BandResult {
        std::size_t size = 0;
        std::uint32_t adler = 1;
        std::uint32_t crc = 0;  // of the band's deflate bytes
    };
    std::vector<BandResult> results(band_count);
    auto encode_band = [&](std::size_t b) {
        const auto first_row = static_cast<std::uint32_t>(b * rows_per_band);
        const auto end_row = static_cast<std::uint32_t>(std::min<std::size_t>(params.height, first_row + rows_per_band));
        const std::size_t n = (end_row - first_row) * (row_bytes + 1);
        // One band's filtered rows (about 1 MiB, band_rows), not the whole
        // filtered image: a 10 MP frame's encode then holds its output and
        // one band per thread, not another copy of the frame.
        thread_local std::vector<std::uint8_t> band;
        thread_local std::vector<std::uint8_t> scratch;
        band.resize(n);
        std::uint8_t* data = band.data();
        filter_rows(pixels, params, first_row, end_row, adaptive, fixed, data, scratch);
        results[b].size = deflate_band(data, n, b + 1 == band_count, body + band_offsets[b]);
        results[b].adler = libdeflate_adler32(1, data, n);
        results[b].crc = libdeflate_crc32(0, body + band_offsets[b], results[b].size);
    };
    const std::size_t threads = std::min<std::size_t>(static_cast<std::size_t>(std::max(params.threads, 1)), band_count);
    if (threads <= 1) {
        for (std::size_t b = 0; b < band_count; ++b) encode_band(b);
    } else {
        // The calling thread works too, with threads - 1 of the process's pool.
        parallel::run_on_shared_pool(band_count, threads, encode_band);
    }
    // Join: each band moves down next to the previous one (their room in
    // the buffer was the bound, not the size); the checksums of the whole
    // (Adler-32 of the scanlines, CRC-32 of the stream) come from the bands'.
    std::uint8_t* end = body + results[0].size;
    std::uint32_t adler = results[0].adler;
    std::uint32_t crc = crc32_combine(libdeflate_crc32(0, stream, 2), results[0].crc, results[0].size);
    for (std::size_t b = 1; b < band_count; ++b) {
        std::memmove(end, body + band_offsets[b], results[b].size);
        end += results[b].size;
        const std::size_t rows = std::min(rows_per_band, params.height - b * rows_per_band);
        adler = adler32_combine(adler, results[b].adler, rows * (row_bytes + 1));
        crc = crc32_combine(crc, results[b].crc, results[b].size);
    }
    const std::size_t size = put_adler32(adler, end, stream);
    stream_crc = libdeflate_crc32(crc, end, 4);
    return size;
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
