// frame64._core: the compiled backend. Each feature registers itself from
// its own thin binding file; the hot code lives in the frame64_kernels library.
#include <cstring>

#include "bindings/common.hpp"

#ifndef FRAME64_VERSION
#define FRAME64_VERSION "0+unknown"
#endif
#ifndef FRAME64_TURBOJPEG_VERSION
#define FRAME64_TURBOJPEG_VERSION "unknown"
#endif

namespace frame64::bindings {

py::str base64_str(const std::uint8_t* data, std::size_t size, std::string_view prefix, base64::Alphabet alphabet) {
    const std::size_t length = prefix.size() + base64::encoded_length(size);
    if (length > static_cast<std::size_t>(PY_SSIZE_T_MAX)) throw std::length_error("base64 output too large");
    PyObject* text = PyUnicode_New(static_cast<Py_ssize_t>(length), 127);  // compact ASCII: 1 byte per char
    if (text == nullptr) throw py::error_already_set();
    auto result = py::reinterpret_steal<py::str>(text);
    char* out = reinterpret_cast<char*>(PyUnicode_1BYTE_DATA(text));
    if (!prefix.empty()) std::memcpy(out, prefix.data(), prefix.size());  // an empty view's data() may be null
    if (size >= kReleaseGilBytes) {
        // Nobody else holds a reference to the new str yet, and `data` is
        // pinned by the caller, so writing without the GIL is safe.
        py::gil_scoped_release release;
        base64::encode(data, size, out + prefix.size(), alphabet);
    } else {
        base64::encode(data, size, out + prefix.size(), alphabet);
    }
    return result;
}

}  // namespace frame64::bindings

PYBIND11_MODULE(_core, m) {
    namespace fb = frame64::bindings;
    m.doc() = "frame64's compiled backend (use the frame64 package, not this module directly).";
    m.attr("__version__") = FRAME64_VERSION;
    m.attr("turbojpeg_version") = FRAME64_TURBOJPEG_VERSION;  // libturbojpeg built against (pkg-config)
    fb::bind_base64(m);
    fb::bind_jpeg(m);
    fb::bind_encoder(m);
    fb::bind_png(m);
    fb::bind_decode(m);
    fb::bind_resize(m);
}
