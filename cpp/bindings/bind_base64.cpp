// Bindings for the base64 codec: the drop-in primitives used by
// frame64.b64encode/b64decode, and kernel selection for tests.
#include <pybind11/stl.h>  // compiled_simd/supported_simd return std::vector<std::string>

#include <atomic>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bindings/arrays.hpp"

namespace frame64::bindings {
namespace {

// binascii.Error, looked up once when the module is set up (bind_base64) and
// leaked on purpose, like errors.cpp's classes. Not a function-local static
// initialised on the first failed decode: that initialisation imports with
// C++'s initialisation guard held, and a thread blocked on the guard while
// holding the GIL (or, free-threaded, attached to the interpreter) can
// deadlock with the initialising thread.
PyObject* binascii_error = nullptr;

// The running interpreter's '=' rules (base64::PadRules), asked of binascii
// at import by what it does, not by its version number. Written once at
// import; _core._set_binascii_rules (tests only) may switch it later.
std::atomic<base64::PadRules> pad_rules{base64::PadRules::kStop};

constexpr std::pair<base64::PadRules, const char*> kPadRuleNames[] = {
    {base64::PadRules::kStop, "stop"},
    {base64::PadRules::kStopExcessCheck, "stop+excess-check"},
    {base64::PadRules::kSkipInner, "skip-inner"},
};

const char* pad_rules_name(base64::PadRules rules) {
    for (const auto& [value, name] : kPadRuleNames)
        if (value == rules) return name;
    return "?";
}

// Two probes tell the three apart: data after a closed quad is decoded only
// under kSkipInner, and "YWJj=" (a pad with no quad open) is an error in
// strict mode from gh-118314 on.
base64::PadRules probe_pad_rules(const py::module_& binascii) {
    const py::object a2b = binascii.attr("a2b_base64");
    if (py::bytes(a2b(py::bytes("YQ==YQ=="))).cast<std::string>() != "a") return base64::PadRules::kSkipInner;
    try {
        a2b(py::bytes("YWJj="), py::arg("strict_mode") = true);
    } catch (py::error_already_set&) {
        return base64::PadRules::kStopExcessCheck;
    }
    return base64::PadRules::kStop;
}

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

// The hottest entry points, b64encode_str and b64decode, are raw
// METH_FASTCALL functions rather than pybind11 functions: pybind11's generic
// dispatch costs about 100 ns a call, more than the whole work at 64 bytes,
// and 4% of encoding 64 KiB (where frame64 and pybase64 run equally fast,
// memory-bound kernels and call overhead decides).

// Reads (first, second=absent) from positional or keyword fastcall
// arguments; returns false with a TypeError set when they do not fit.
bool parse_fastcall_args(const char* function, const char* first_name, const char* second_name,
                         PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, PyObject*& first,
                         PyObject*& second) {
    if (nargs > 2) {
        PyErr_Format(PyExc_TypeError, "%s() takes at most 2 arguments (%zd given)", function, nargs);
        return false;
    }
    first = nargs > 0 ? args[0] : nullptr;
    second = nargs > 1 ? args[1] : nullptr;
    const Py_ssize_t nkw = kwnames == nullptr ? 0 : PyTuple_GET_SIZE(kwnames);
    for (Py_ssize_t k = 0; k < nkw; ++k) {
        PyObject* name = PyTuple_GET_ITEM(kwnames, k);
        PyObject** slot = PyUnicode_CompareWithASCIIString(name, first_name) == 0    ? &first
                          : PyUnicode_CompareWithASCIIString(name, second_name) == 0 ? &second
                                                                                      : nullptr;
        if (slot == nullptr || *slot != nullptr) {
            PyErr_Format(PyExc_TypeError, "%s() got %s argument '%U'", function,
                         slot == nullptr ? "an unexpected keyword" : "multiple values for", name);
            return false;
        }
        *slot = args[nargs + k];
    }
    if (first == nullptr) {
        PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s'", function, first_name);
        return false;
    }
    return true;
}

// Runs body() (which returns a new reference) and turns C++ exceptions into
// the Python exceptions pybind11 would have raised.
template <class Body>
PyObject* translating_exceptions(Body&& body) noexcept {
    try {
        return body();
    } catch (py::error_already_set& error) {
        error.restore();
    } catch (const py::builtin_exception& error) {  // py::value_error, py::type_error
        error.set_error();
    } catch (const std::bad_alloc&) {
        PyErr_NoMemory();
    } catch (const std::exception& error) {  // std::length_error: output too large
        PyErr_SetString(PyExc_ValueError, error.what());
    }
    return nullptr;
}

PyObject* encode_str_fastcall(PyObject* /*module*/, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
    PyObject* data = nullptr;
    PyObject* prefix = nullptr;
    if (!parse_fastcall_args("b64encode_str", "data", "prefix", args, nargs, kwnames, data, prefix)) return nullptr;
    std::string_view prefix_text;
    if (prefix != nullptr) {
        if (!PyUnicode_Check(prefix)) {
            PyErr_Format(PyExc_TypeError, "prefix must be str, not '%s'", Py_TYPE(prefix)->tp_name);
            return nullptr;
        }
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(prefix) != 0) return nullptr;  // a no-op, deprecated, from 3.12 on
#endif
        if (!PyUnicode_IS_ASCII(prefix)) {
            PyErr_SetString(PyExc_ValueError, "prefix must be ASCII");
            return nullptr;
        }
        prefix_text = std::string_view(reinterpret_cast<const char*>(PyUnicode_1BYTE_DATA(prefix)),
                                       static_cast<std::size_t>(PyUnicode_GET_LENGTH(prefix)));
    }
    return translating_exceptions([&] {
        BufferView view(data, PyBUF_SIMPLE);
        return base64_str(view.bytes(), view.size(), prefix_text).release().ptr();
    });
}

py::bytes decode_bytes(py::handle data, bool strict) {
    DecodeInput input(data);
    const std::size_t capacity = base64::decoded_capacity(input.size());
    PyObject* out = PyBytes_FromStringAndSize(nullptr, static_cast<Py_ssize_t>(capacity));
    if (out == nullptr) throw py::error_already_set();
    auto* dst = reinterpret_cast<std::uint8_t*>(PyBytes_AS_STRING(out));
    const base64::PadRules rules = pad_rules.load(std::memory_order_relaxed);
    base64::DecodeResult result;
    if (input.size() >= kReleaseGilBytes) {
        py::gil_scoped_release release;  // input pinned by `input`; output not yet shared
        result = base64::decode(input.data(), input.size(), dst, strict, rules);
    } else {
        result = base64::decode(input.data(), input.size(), dst, strict, rules);
    }
    if (!result.ok) {
        Py_DECREF(out);
        PyErr_SetString(binascii_error, base64::error_message(result).c_str());
        throw py::error_already_set();
    }
    if (_PyBytes_Resize(&out, static_cast<Py_ssize_t>(result.size)) != 0) throw py::error_already_set();
    return py::reinterpret_steal<py::bytes>(out);
}

PyObject* decode_fastcall(PyObject* /*module*/, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
    PyObject* data = nullptr;
    PyObject* strict_arg = nullptr;
    if (!parse_fastcall_args("b64decode", "data", "strict", args, nargs, kwnames, data, strict_arg)) return nullptr;
    bool strict = false;
    if (strict_arg != nullptr) {
        if (!PyBool_Check(strict_arg) && !PyLong_Check(strict_arg)) {
            PyErr_Format(PyExc_TypeError, "strict must be bool, not '%s'", Py_TYPE(strict_arg)->tp_name);
            return nullptr;
        }
        const int truth = PyObject_IsTrue(strict_arg);
        if (truth < 0) return nullptr;
        strict = truth != 0;
    }
    return translating_exceptions([&] { return decode_bytes(data, strict).release().ptr(); });
}

// METH_FASTCALL | METH_KEYWORDS functions, added with add_fastcall().
PyMethodDef fastcall_defs[] = {
    {"b64encode_str", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&encode_str_fastcall)),
     METH_FASTCALL | METH_KEYWORDS,
     "b64encode_str(data, prefix='')\n--\n\nprefix + base64 of a C-contiguous buffer, as a str written in place."},
    {"b64decode", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&decode_fastcall)),
     METH_FASTCALL | METH_KEYWORDS,
     "b64decode(data, strict=False)\n--\n\nbinascii.a2b_base64(data, strict_mode=strict), exactly (standard "
     "alphabet); data is a C-contiguous buffer or an ASCII str."},
};

void add_fastcall(py::module_& m, PyMethodDef& def) {
    PyObject* function = PyCFunction_NewEx(&def, m.ptr(), m.attr("__name__").ptr());
    if (function == nullptr) throw py::error_already_set();
    m.add_object(def.ml_name, py::reinterpret_steal<py::object>(function));
}

std::vector<std::string> kernel_names(bool supported_only) {
    std::vector<std::string> names;
    for (const base64::Kernel* kernel : base64::compiled_kernels())
        if (!supported_only || base64::kernel_supported(*kernel)) names.emplace_back(kernel->name);
    return names;
}

}  // namespace

void bind_base64(py::module_& m) {
    const py::module_ binascii = py::module_::import("binascii");
    binascii_error = py::object(binascii.attr("Error")).release().ptr();
    pad_rules.store(probe_pad_rules(binascii));
    m.def("binascii_rules", [] { return std::string(pad_rules_name(pad_rules.load())); },
          "The '=' rules of this interpreter's binascii.a2b_base64 that b64decode follows: \"stop\" (CPython "
          "3.9 to 3.12.3), \"stop+excess-check\" (3.12.4 to 3.13.12, 3.14.0 to 3.14.3) or \"skip-inner\" "
          "(3.13.13+, 3.14.4+).");
    m.def(
        "_set_binascii_rules",
        [](const std::string& name) {
            for (const auto& [value, known] : kPadRuleNames)
                if (name == known) return pad_rules.store(value);
            throw py::value_error("rules must be one of 'stop', 'stop+excess-check', 'skip-inner', not '" + name + "'");
        },
        py::arg("rules"), "Tests only: follow other '=' rules than this interpreter's (process-wide).");
    m.def("b64encode", &encode_bytes, py::arg("data"), py::arg("c62") = int{'+'}, py::arg("c63") = int{'/'},
          "base64 of a C-contiguous buffer as bytes, with chars 62 and 63 given as byte values.");
    for (PyMethodDef& def : fastcall_defs) add_fastcall(m, def);
    bind_kernel_controls(m, {"simd", "set_simd", "supported_simd", [] { return std::string(base64::active_kernel().name); },
                             &base64::set_active_kernel, &kernel_names});
    m.def("compiled_simd", [] { return kernel_names(false); }, "Base64 kernels compiled into this build, best first.");
}

}  // namespace frame64::bindings
