#include "bindings/arrays.hpp"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>  // the kernel name lists of bind_kernel_controls

#include <climits>
#include <cstring>
#include <string>

#include "image/formats.hpp"
#include "jpeg/jpeg_encoder.hpp"

namespace frame64::bindings {

int checked_channels(int pixel_format) {
    const int channels = image::pixel_channels(pixel_format);
    if (channels == 0)
        throw py::value_error("pixel_format: unsupported TurboJPEG pixel format " + std::to_string(pixel_format));
    return channels;
}

FrameLayout describe_frame(const BufferView& view, int pixel_format, const FrameLimits& limits) {
    const int channels = checked_channels(pixel_format);
    // A null format means unsigned bytes (PEP 3118); "B" may carry a byte-order prefix ("<B", "=B").
    const std::string format = view->format != nullptr ? view->format : "B";
    if (view->itemsize != 1 || format.empty() || format.back() != 'B')
        throw py::type_error("image: expected uint8 pixels, got buffer format '" + format + "'");
    const int ndim = view->ndim;
    if (ndim != 2 && ndim != 3) throw py::value_error("image: expected 2 or 3 dimensions, got " + std::to_string(ndim));
    const Py_ssize_t height = view->shape[0];
    const Py_ssize_t width = view->shape[1];
    const Py_ssize_t depth = ndim == 3 ? view->shape[2] : 1;
    if (depth != channels)
        throw py::value_error("image: pixel_format needs " + std::to_string(channels) + " channel(s), got " +
                              std::to_string(depth));
    if (height < 1 || width < 1) throw py::value_error("image: zero-size image");
    if (height > limits.max_side || width > limits.max_side)
        throw py::value_error(std::string("image: ") + limits.refusal + " more than " +
                              std::to_string(limits.max_side) + " pixels per side");
    // Exporters may leave strides NULL for C-contiguous data (ctypes does):
    // PEP 3118 then implies packed rows.
    const Py_ssize_t* strides = view->strides;
    const Py_ssize_t row_stride = strides != nullptr ? strides[0] : width * depth;
    const Py_ssize_t pixel_stride = strides != nullptr ? strides[1] : depth;
    const Py_ssize_t channel_stride = ndim == 3 && strides != nullptr ? strides[2] : 1;
    const bool packed_pixels = (width == 1 || pixel_stride == channels) && (channels == 1 || channel_stride == 1);
    const Py_ssize_t row_bytes = width * channels;
    const Py_ssize_t pitch = height == 1 ? row_bytes : row_stride;
    if (!packed_pixels || pitch < row_bytes || pitch > limits.max_pitch)
        throw py::value_error("image: each row must be contiguous with a positive pitch; pass np.ascontiguousarray(image)");
    // Both side limits are below INT_MAX.
    return {static_cast<int>(width), static_cast<int>(height), pitch, channels};
}

jpeg::CompressParams jpeg_frame_params(const BufferView& view, int pixel_format) {
    // TurboJPEG takes the pitch as an int.
    const FrameLayout frame =
        describe_frame(view, pixel_format, {image::kMaxJpegSide, "libjpeg-turbo cannot compress", INT_MAX});
    jpeg::CompressParams params;
    params.width = frame.width;
    params.height = frame.height;
    params.pitch = static_cast<int>(frame.pitch);
    params.pixel_format = pixel_format;
    return params;
}

void check_out_type(py::handle out) {
    if (!out.is_none() && !py::isinstance<py::array>(out))
        throw py::type_error(std::string("out must be a numpy.ndarray or None, got ") + Py_TYPE(out.ptr())->tp_name);
}

namespace {

std::string shape_text(int height, int width, int channels) {
    std::string text = "(" + std::to_string(height) + ", " + std::to_string(width);
    if (channels != 1) text += ", " + std::to_string(channels);
    return text + ")";
}

}  // namespace

// The same messages in the same order as the fallback's check_out
// (_fallback_decode.py).
std::uint8_t* checked_out_pixels(py::handle out_object, int height, int width, int channels,
                                 std::optional<BufferView>& pin) {
    const auto out = py::reinterpret_borrow<py::array>(out_object);
    const std::string expected = shape_text(height, width, channels);
    if (out.dtype().kind() != 'u' || out.itemsize() != 1)
        throw py::value_error("out must have dtype uint8 and shape " + expected + "; got dtype " +
                              std::string(py::str(out.dtype())));
    const int ndim = channels == 1 ? 2 : 3;
    bool same_shape = out.ndim() == ndim && out.shape(0) == height && out.shape(1) == width;
    if (same_shape && ndim == 3) same_shape = out.shape(2) == channels;
    if (!same_shape)
        throw py::value_error("out has shape " + std::string(py::str(out.attr("shape"))) + "; this image needs " +
                              expected);
    if ((out.flags() & py::array::c_style) == 0)
        throw py::value_error("out must be C-contiguous with shape " + expected + "; pass np.empty(" + expected +
                              ", np.uint8)");
    if (!out.writeable())
        throw py::value_error("out is read-only; it must be a writable uint8 array of shape " + expected);
    pin.emplace(out, PyBUF_CONTIG);
    return static_cast<std::uint8_t*>((*pin)->buf);
}

py::str new_ascii_str(std::size_t length) {
    if (length > static_cast<std::size_t>(PY_SSIZE_T_MAX)) throw std::length_error("base64 output too large");
    PyObject* text = PyUnicode_New(static_cast<Py_ssize_t>(length), 127);  // compact ASCII: 1 byte per char
    if (text == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::str>(text);
}

py::str base64_str(const std::uint8_t* data, std::size_t size, std::string_view prefix, base64::Alphabet alphabet) {
    py::str result = new_ascii_str(prefix.size() + base64::encoded_length(size));
    char* out = ascii_chars(result);
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

void bind_kernel_controls(py::module_& m, const KernelControls& controls) {
    const auto active = controls.active_kernel;
    const auto set = controls.set_kernel;
    const auto names = controls.kernel_names;
    m.def(controls.active, [active] { return active(); }, "Name of the kernel in use.");
    m.def(
        controls.set,
        [set](const std::string& name) {
            const std::string error = set(name);
            if (!error.empty()) throw py::value_error(error);
        },
        py::arg("name"), "Force a kernel by name ('auto' restores the best supported one).");
    m.def(controls.supported, [names] { return names(true); }, "Compiled kernels this CPU can run, best first.");
}

}  // namespace frame64::bindings
