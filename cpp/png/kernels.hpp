// PNG hot loops as per-ISA kernels (scalar.cpp, avx2.cpp, avx512vbmi.cpp),
// chosen at run time like the base64 kernels (base64/dispatch.cpp: one
// kernel object per instruction set, best first, detection on first use
// behind an atomic pointer). Every kernel writes exactly the bytes of the
// scalar one, so the PNG does not depend on the CPU.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace frame64::png {

// The state of an LSB-first deflate bit stream (RFC 1951 3.1.1) between
// kernel calls: at most 7 pending bits, the rest already stored at `out`.
// Writers store 8 bytes at a time at `out`, so the buffer needs 8 bytes of
// slack past the last whole byte (fast_deflate.hpp's bounds include it).
struct BitSink {
    std::uint8_t* out;
    std::uint64_t buffer;  // pending bits, LSB first
    unsigned filled;       // 0..7
};

// Longest literal code the kernels accept: four literals then fit in one
// 56-bit word, which an 8-byte store after at most 7 pending bits can hold.
inline constexpr int kMaxLiteralCodeBits = 14;

// The Huffman code of each literal byte, bit-reversed for the LSB-first
// stream, in the two shapes the kernels read.
struct LiteralCodes {
    std::uint32_t packed[256];           // code | length << 16 (scalar)
    alignas(64) std::uint8_t low[256];   // code bits 0..7    (byte-table lookups)
    alignas(64) std::uint8_t high[256];  // code bits 8..13
    alignas(64) std::uint8_t length[256];
};

struct PngKernel {
    const char* name;
    std::uint32_t required_features;  // base64::Feature bits
    // The first k in [from, end - 2) where data[k - 1] == data[k] ==
    // data[k + 1] == data[k + 2] (a run of at least 3 at distance 1 starts
    // there), else `end`. from >= 1; reads only [from - 1, end).
    std::size_t (*find_run)(const std::uint8_t* data, std::size_t from, std::size_t end);
    // Appends the codes of the n literals data[0, n) to `sink`.
    void (*pack_literals)(const std::uint8_t* data, std::size_t n, const LiteralCodes& codes, BitSink& sink);
    // out[i] = swapped(cur)[i] - swapped(prev)[i] over `width` pixels of
    // `channels` bytes (the PNG Up filter, spec 9.2; with an all-zero `prev`
    // it is a plain copy). `swap` exchanges bytes 0 and 2 of each pixel
    // (BGR(A) -> RGB(A); channels 3 or 4). Reads and writes only the row.
    void (*filter_up)(const std::uint8_t* cur, const std::uint8_t* prev, std::size_t width, int channels, bool swap,
                      std::uint8_t* out);
    // The five filters of spec 9.2 on a channel-ordered row of n bytes
    // (`bpp` bytes per pixel, `prev` all zeros for the first row):
    // costs[type] = the sum of |residual| with each residual read as a signed
    // byte, the heuristic of spec 12.8.
    void (*filter_costs)(const std::uint8_t* cur, const std::uint8_t* prev, std::size_t n, int bpp,
                         std::uint64_t costs[5]);
    // Writes the residuals of filter `type` (0..4) for the same row.
    void (*filter_row)(int type, const std::uint8_t* cur, const std::uint8_t* prev, std::size_t n, int bpp,
                       std::uint8_t* out);
};

extern const PngKernel kPngScalarKernel;

// Every PNG kernel this build contains, best first (the last is scalar).
const std::vector<const PngKernel*>& compiled_png_kernels() noexcept;
bool png_kernel_supported(const PngKernel& kernel) noexcept;
// The best supported kernel unless set_png_kernel chose another (thread-safe).
const PngKernel& active_png_kernel() noexcept;
// Forces a kernel by name ("auto": the best again). Returns "" on success,
// else why not (never switches to one this CPU or build cannot run).
std::string set_png_kernel(const std::string& name);
// The compiled kernels' names, best first (only those this CPU runs when supported_only).
std::vector<std::string> png_kernel_names(bool supported_only);

}  // namespace frame64::png
