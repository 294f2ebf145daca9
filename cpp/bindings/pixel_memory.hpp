// Pixel memory for the arrays the Decoder returns: allocated without the
// GIL where a pool task needs it, handed to numpy without a copy, laid out
// so that the kernel can back it with transparent huge pages.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace frame64::bindings {

namespace py = pybind11;

void release_pixels(std::uint8_t* memory) noexcept;

struct FreePixels {
    void operator()(std::uint8_t* memory) const noexcept { release_pixels(memory); }
};
using PixelMemory = std::unique_ptr<std::uint8_t[], FreePixels>;

// `bytes` of uninitialised memory, GIL-free (throws std::bad_alloc). With
// huge_pages (Linux, at least kHugePageAdviceBytes), the pixels start on a
// 2 MiB boundary and are advised MADV_HUGEPAGE, as numpy advises its own
// large arrays: each whole 2 MiB of the frame is then one page fault
// instead of 512. Otherwise, with populate, a mapped frame's pages are all
// made at once (MAP_POPULATE) rather than one trap per 4 KiB page.
PixelMemory allocate_pixels(std::size_t bytes, bool huge_pages, bool populate);
inline constexpr std::size_t kHugePageAdviceBytes = std::size_t{1} << 22;  // numpy's threshold: 4 MiB

// numpy's own setting (numpy._core.multiarray._get_madvise_hugepage, which
// NUMPY_MADVISE_HUGEPAGE sets at import): true where numpy lacks it. GIL held.
bool numpy_advises_huge_pages();

// A height x width (x channels, unless 1) uint8 array that owns `memory`.
// GIL held.
py::array pixels_array(PixelMemory memory, int height, int width, int channels);

}  // namespace frame64::bindings
