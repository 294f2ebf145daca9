// Bindings for the base64 codec: the drop-in primitives used by
// frame64.b64encode/b64decode, and kernel selection for tests.
#include <optional>
#include <string>
#include <vector>

#include <pybind11/stl.h>  // std::vector<std::string> -> list[str]

#include "bindings/common.hpp"

namespace frame64::bindings {
namespace {

// Bytes of a str (ASCII only) or of any C-contiguous buffer, as
// base64.b64decode accepts them. Holds the buffer while alive.
class DecodeInput {
public:
    explicit DecodeInput(py::handle object) {
        if (PyUnicode_Check(object.ptr())) {
            if (PyUnicode_READY(object.ptr()) != 0) throw py::error_already_set();
            if (!PyUnicode_IS_ASCII(object.ptr()))
                throw py::value_error("string argument should contain only ASCII characters");
            data_ = reinterpret_cast<const char*>(PyUnicode_1BYTE_DATA(object.ptr()));
            size_ = static_cast<std::size_t>(PyUnicode_GET_LENGTH(object.ptr()));
            return;
        }
        if (!PyObject_CheckBuffer(object.ptr()))
            throw py::type_error(std::string("argument should be a bytes-like object or ASCII string, not '") +
                                 Py_TYPE(object.ptr())->tp_name + "'");
        view_.emplace(object, PyBUF_SIMPLE);
        data_ = reinterpret_cast<const char*>((*view_)->buf);
        size_ = view_->size();
    }
    const char* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }

private:
    std::optional<BufferView> view_;
    const char* data_ = nullptr;
    std::size_t size_ = 0;
};

py::bytes encode_bytes(py::handle data, int c62, int c63) {
    if (c62 < 0 || c62 > 255 || c63 < 0 || c63 > 255) throw py::value_error("altchars must be two bytes");
    BufferView view(data, PyBUF_SIMPLE);
    const std::size_t length = base64::encoded_length(view.size());
    PyObject* out = PyBytes_FromStringAndSize(nullptr, static_cast<Py_ssize_t>(length));
    if (out == nullptr) throw py::error_already_set();
    auto result = py::reinterpret_steal<py::bytes>(out);
    const base64::Alphabet alphabet{static_cast<char>(c62), static_cast<char>(c63)};
    char* dst = PyBytes_AS_STRING(out);
    if (view.size() >= kReleaseGilBytes) {
        py::gil_scoped_release release;  // input pinned by `view`; output not yet shared
        base64::encode(view.bytes(), view.size(), dst, alphabet);
    } else {
        base64::encode(view.bytes(), view.size(), dst, alphabet);
    }
    return result;
}

py::str encode_str(py::handle data, const std::string& prefix) {
    for (unsigned char c : prefix)
        if (c >= 128) throw py::value_error("prefix must be ASCII");
    BufferView view(data, PyBUF_SIMPLE);
    return base64_str(view.bytes(), view.size(), prefix);
}

py::bytes decode_bytes(py::handle data, bool strict) {
    DecodeInput input(data);
    const std::size_t capacity = base64::decoded_capacity(input.size());
    PyObject* out = PyBytes_FromStringAndSize(nullptr, static_cast<Py_ssize_t>(capacity));
    if (out == nullptr) throw py::error_already_set();
    auto* dst = reinterpret_cast<std::uint8_t*>(PyBytes_AS_STRING(out));
    base64::DecodeResult result;
    if (input.size() >= kReleaseGilBytes) {
        py::gil_scoped_release release;  // input pinned by `input`; output not yet shared
        result = base64::decode(input.data(), input.size(), dst, strict);
    } else {
        result = base64::decode(input.data(), input.size(), dst, strict);
    }
    if (!result.ok) {
        Py_DECREF(out);
        static py::handle binascii_error = py::object(py::module_::import("binascii").attr("Error")).release();
        PyErr_SetString(binascii_error.ptr(), base64::error_message(result).c_str());
        throw py::error_already_set();
    }
    if (_PyBytes_Resize(&out, static_cast<Py_ssize_t>(result.size)) != 0) throw py::error_already_set();
    return py::reinterpret_steal<py::bytes>(out);
}

std::vector<std::string> kernel_names(bool supported_only) {
    std::vector<std::string> names;
    for (const base64::Kernel* kernel : base64::compiled_kernels())
        if (!supported_only || base64::kernel_supported(*kernel)) names.emplace_back(kernel->name);
    return names;
}

}  // namespace

void bind_base64(py::module_& m) {
    m.def("b64encode", &encode_bytes, py::arg("data"), py::arg("c62") = int{'+'}, py::arg("c63") = int{'/'},
          "base64 of a C-contiguous buffer as bytes, with chars 62 and 63 given as byte values.");
    m.def("b64encode_str", &encode_str, py::arg("data"), py::arg("prefix") = std::string(),
          "prefix + base64 of a C-contiguous buffer, as a str written in place.");
    m.def("b64decode", &decode_bytes, py::arg("data"), py::arg("strict") = false,
          "binascii.a2b_base64(data, strict_mode=strict), exactly (standard alphabet).");
    m.def("simd", [] { return std::string(base64::active_kernel().name); }, "Name of the active base64 kernel.");
    m.def(
        "set_simd",
        [](const std::string& name) {
            const std::string error = base64::set_active_kernel(name);
            if (!error.empty()) throw py::value_error(error);
        },
        py::arg("name"), "Force a base64 kernel by name ('auto' restores the best supported one).");
    m.def("compiled_simd", [] { return kernel_names(false); }, "Base64 kernels compiled into this build, best first.");
    m.def("supported_simd", [] { return kernel_names(true); }, "Compiled base64 kernels this CPU can run, best first.");
}

}  // namespace frame64::bindings
