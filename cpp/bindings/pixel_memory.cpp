#include "bindings/pixel_memory.hpp"

#include <pybind11/numpy.h>

#include <cstdlib>
#include <cstring>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace frame64::bindings {
namespace {

// The mapping's length sits in the page before the pixels (0: malloc'd), for the release.
constexpr std::size_t kHeaderBytes = 4096;
constexpr std::size_t kPageBytes = 4096;
constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;
// Below this a frame comes from malloc; above, from its own mapping, which
// goes back to the system when the array is freed.
constexpr std::size_t kMapThreshold = std::size_t{1} << 20;

constexpr std::size_t round_up(std::size_t value, std::size_t unit) { return (value + unit - 1) / unit * unit; }

std::uint8_t* with_header(void* block, std::size_t length) {
    std::memcpy(block, &length, sizeof length);
    return static_cast<std::uint8_t*>(block) + kHeaderBytes;
}

// The pixels' share of a huge-page mapping: whole huge pages where that
// leaves at most 1/16 of the frame unused (a 1080p BGR frame, 5.93 MiB,
// takes 6 MiB: three huge pages, three page faults), else whole 4 KiB pages,
// the tail past the last huge page then faulted 4 KiB at a time (about 500
// faults for that frame's last 1.93 MiB).
constexpr std::size_t huge_length(std::size_t bytes) {
    const std::size_t whole = round_up(bytes, kHugePageBytes);
    return whole - bytes <= bytes / 16 ? whole : round_up(bytes, kPageBytes);
}

#if defined(__linux__)
// A mapping whose pixels start on a 2 MiB boundary: reserve 2 MiB more than
// needed, then hand the unaligned ends back. Only 2 MiB-aligned whole huge
// pages inside a mapping can be huge; numpy's arrays (from malloc, at any
// 4 KiB offset) lose one of them per array on average.
void* aligned_mapping(std::size_t length, std::size_t pixels_length) {
    const std::size_t reserved = length + kHugePageBytes;
    void* mapped = mmap(nullptr, reserved, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) return nullptr;
    const auto base = reinterpret_cast<std::uintptr_t>(mapped);
    const std::uintptr_t pixels = round_up(base + kHeaderBytes, kHugePageBytes);
    const std::uintptr_t start = pixels - kHeaderBytes, end = start + length;
    if (start > base) munmap(mapped, start - base);
    if (base + reserved > end) munmap(reinterpret_cast<void*>(end), base + reserved - end);
    // Advice only: without transparent huge pages the call fails and the pages stay small.
    madvise(reinterpret_cast<void*>(pixels), pixels_length, MADV_HUGEPAGE);
    return reinterpret_cast<void*>(start);
}
#endif

}  // namespace

void release_pixels(std::uint8_t* memory) noexcept {
#if defined(__linux__)
    std::size_t length = 0;
    std::memcpy(&length, memory - kHeaderBytes, sizeof length);
    if (length != 0) {
        munmap(memory - kHeaderBytes, length);
        return;
    }
#endif
    std::free(memory - kHeaderBytes);
}

PixelMemory allocate_pixels(std::size_t bytes, bool huge_pages, bool populate) {
#if defined(__linux__)
    if (bytes >= kMapThreshold) {
        const bool huge = huge_pages && bytes >= kHugePageAdviceBytes;
        const std::size_t pixels_length = huge ? huge_length(bytes) : round_up(bytes, kPageBytes);
        const std::size_t length = kHeaderBytes + pixels_length;
        void* mapped = huge ? aligned_mapping(length, pixels_length)
                           : mmap(nullptr, length, PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANONYMOUS | (populate ? MAP_POPULATE : 0), -1, 0);
        if (mapped == nullptr || mapped == MAP_FAILED) throw std::bad_alloc();
        return PixelMemory(with_header(mapped, length));
    }
#else
    (void)huge_pages;
    (void)populate;
#endif
    void* memory = std::malloc(kHeaderBytes + bytes);
    if (memory == nullptr) throw std::bad_alloc();
    return PixelMemory(with_header(memory, 0));
}

bool numpy_advises_huge_pages() {
    for (const char* name : {"numpy._core.multiarray", "numpy.core.multiarray"}) {
        try {
            const py::module_ module = py::module_::import(name);
            if (!py::hasattr(module, "_get_madvise_hugepage")) continue;
            return module.attr("_get_madvise_hugepage")().cast<bool>();
        } catch (const py::error_already_set&) {
            continue;  // numpy 1.x has no numpy._core
        }
    }
    return true;
}

py::array pixels_array(PixelMemory memory, int height, int width, int channels) {
    std::uint8_t* pixels = memory.get();
    py::capsule owner(pixels, [](void* data) { release_pixels(static_cast<std::uint8_t*>(data)); });
    memory.release();  // the capsule owns it now
    if (channels == 1) return py::array_t<std::uint8_t>({height, width}, pixels, owner);
    return py::array_t<std::uint8_t>({height, width, channels}, pixels, owner);
}

}  // namespace frame64::bindings
