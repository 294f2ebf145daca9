// What the binding files share about Python objects: buffer access, the one
// check of an input frame, the one check of a caller's `out` array, and the
// one allocator of ASCII strs. This code is compiled without any -m flags; it
// only calls into the kernel library.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base64/base64.hpp"

namespace frame64::jpeg {
struct CompressParams;
}

namespace frame64::bindings {

namespace py = pybind11;

// Inputs at least this large are encoded or decoded with the GIL released;
// below it the release/acquire pair costs more than it frees.
inline constexpr std::size_t kReleaseGilBytes = 16 * 1024;

// RAII owner of a Py_buffer (PyObject_GetBuffer / PyBuffer_Release).
class BufferView {
public:
    BufferView(py::handle object, int flags) {
        if (PyObject_GetBuffer(object.ptr(), &view_, flags) != 0) throw py::error_already_set();
    }
    ~BufferView() { PyBuffer_Release(&view_); }
    BufferView(const BufferView&) = delete;
    BufferView& operator=(const BufferView&) = delete;

    const Py_buffer& operator*() const noexcept { return view_; }
    const Py_buffer* operator->() const noexcept { return &view_; }
    const std::uint8_t* bytes() const noexcept { return static_cast<const std::uint8_t*>(view_.buf); }
    std::size_t size() const noexcept { return static_cast<std::size_t>(view_.len); }

private:
    Py_buffer view_{};
};

// --- input frames -------------------------------------------------------------

// Channels of a TJPF pixel-format code; ValueError naming pixel_format otherwise.
int checked_channels(int pixel_format);

// What an encoder may accept: the side limit (with the words of its
// message, "image: <refusal> more than <max_side> pixels per side") and the
// largest row pitch it can take.
struct FrameLimits {
    Py_ssize_t max_side;
    const char* refusal;
    Py_ssize_t max_pitch;
};

// A frame's pixels, whatever the format they are encoded to.
struct FrameLayout {
    int width;
    int height;
    Py_ssize_t pitch;  // bytes from one row to the next (>= width * channels)
    int channels;
};

// Describes the pixels of `view` (taken with PyBUF_RECORDS_RO): uint8, HxW or
// HxWxC with the channel count of pixel_format, each row contiguous, rows at
// any positive pitch; raises TypeError/ValueError naming `image` otherwise.
// The Python layer copies other views before calling; this check is the
// core's own guard so that no input can make it read out of bounds.
FrameLayout describe_frame(const BufferView& view, int pixel_format, const FrameLimits& limits);

// describe_frame for TurboJPEG: width, height, pitch and pixel_format set.
jpeg::CompressParams jpeg_frame_params(const BufferView& view, int pixel_format);

// --- out= ---------------------------------------------------------------------

// `out` is None or a numpy array (TypeError otherwise).
void check_out_type(py::handle out);

// Checks the caller's `out` (a numpy array: check_out_type passed) against an
// image of height x width x channels, and returns its pixels, pinned by
// `pin` while the GIL is released.
std::uint8_t* checked_out_pixels(py::handle out, int height, int width, int channels, std::optional<BufferView>& pin);

// --- str output ---------------------------------------------------------------

// A new compact ASCII str of `length` chars (1 byte each) for the caller to
// fill through ascii_chars(). Requires the GIL.
py::str new_ascii_str(std::size_t length);
inline char* ascii_chars(const py::str& text) { return reinterpret_cast<char*>(PyUnicode_1BYTE_DATA(text.ptr())); }

// A new ASCII str of exactly prefix + base64(data): the str is allocated at
// its final length and the kernel writes straight into its memory, so there
// is no intermediate bytes object and no copy. Requires the GIL.
py::str base64_str(const std::uint8_t* data, std::size_t size, std::string_view prefix,
                   base64::Alphabet alphabet = base64::kStandard);

// prefix + base64 of what encode() returns (a {data, size} view of the
// calling thread's encoder buffer), encode() running with the GIL released:
// the caller has converted every argument and pins the pixels (a
// BufferView), and the encoder belongs to this thread, so no Python state is
// touched. The bytes stay valid until this thread encodes again.
template <class Encode>
py::str base64_of_encoded(Encode&& encode, std::string_view prefix) {
    decltype(encode()) encoded{};
    {
        py::gil_scoped_release release;
        encoded = encode();
    }
    return base64_str(encoded.data, encoded.size, prefix);
}

// The controls of one family of SIMD kernels (base64, PNG, resize, YUV split):
// `<active>()` names the kernel in use, `<set>(name)` forces one ("auto": the
// best again; a ValueError says why a name cannot be used), `<supported>()`
// lists the compiled kernels this CPU runs, best first. For frame64.simd and
// the tests that force every kernel.
struct KernelControls {
    const char* active;
    const char* set;
    const char* supported;
    std::string (*active_kernel)();
    std::string (*set_kernel)(const std::string& name);  // "" on success, else the reason
    std::vector<std::string> (*kernel_names)(bool supported_only);
};
void bind_kernel_controls(py::module_& m, const KernelControls& controls);

}  // namespace frame64::bindings
