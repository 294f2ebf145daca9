// Helpers shared by the binding files: buffer access, str/bytes output and
// error translation. This code is compiled without any -m flags; it only
// calls into the kernel library.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <string_view>

#include "base64/base64.hpp"

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

// A new ASCII str of exactly prefix + base64(data): the str is allocated at
// its final length and the kernel writes straight into its memory, so there
// is no intermediate bytes object and no copy. Requires the GIL.
py::str base64_str(const std::uint8_t* data, std::size_t size, std::string_view prefix,
                   base64::Alphabet alphabet = base64::kStandard);

// Registration of each part of the module (one binding file each).
void bind_base64(py::module_& m);
void bind_jpeg(py::module_& m);
void bind_encoder(py::module_& m);
void bind_png(py::module_& m);
void bind_decode(py::module_& m);
void bind_resize(py::module_& m);

// bind_resize.cpp: raises ValueError naming `size` unless 1 <= width, height <= the source's.
void check_resize_size(int source_width, int source_height, int width, int height);

}  // namespace frame64::bindings
