// Bindings for the area filter: _core.resize (a new array) and the kernel
// choice for tests. The encoders call image::area_resize themselves
// (bind_jpeg.cpp, bind_png.cpp).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "bindings/common.hpp"
#include "image/resize.hpp"

namespace frame64::bindings {

image::ResizeSource describe_resize_source(const BufferView& view, int channels) {
    const std::string format = view->format != nullptr ? view->format : "B";
    if (view->itemsize != 1 || format.empty() || format.back() != 'B')
        throw py::type_error("image: expected uint8 pixels, got buffer format '" + format + "'");
    const int ndim = view->ndim;
    const Py_ssize_t depth = ndim == 3 ? view->shape[2] : 1;
    if ((ndim != 2 && ndim != 3) || depth != channels || channels < 1)
        throw py::value_error("image: expected shape (H, W, " + std::to_string(channels) + ")");
    const Py_ssize_t height = view->shape[0], width = view->shape[1];
    if (height < 1 || width < 1) throw py::value_error("image: zero-size image");
    if (height > INT32_MAX || width > INT32_MAX / channels) throw py::value_error("image: too large to resize");
    const Py_ssize_t* strides = view->strides;
    const Py_ssize_t row_bytes = width * channels;
    const bool packed = strides == nullptr || ((width == 1 || strides[1] == channels) && (ndim == 2 || channels == 1 || strides[2] == 1));
    const Py_ssize_t pitch = strides == nullptr || height == 1 ? row_bytes : strides[0];
    if (!packed || pitch < row_bytes)
        throw py::value_error("image: each row must be contiguous with a positive pitch; pass np.ascontiguousarray(image)");
    return {static_cast<const std::uint8_t*>(view->buf), static_cast<std::size_t>(pitch), static_cast<int>(width),
            static_cast<int>(height), channels};
}

void check_resize_size(int source_width, int source_height, int width, int height) {
    if (width < 1 || height < 1 || width > source_width || height > source_height)
        throw py::value_error("size: the area filter only downscales; " + std::to_string(width) + "x" +
                              std::to_string(height) + " is not within the image's " + std::to_string(source_width) +
                              "x" + std::to_string(source_height));
}

namespace {

py::array resize(py::handle image, int channels, int width, int height) {
    BufferView view(image, PyBUF_RECORDS_RO);
    const image::ResizeSource source = describe_resize_source(view, channels);
    check_resize_size(source.width, source.height, width, height);
    std::vector<py::ssize_t> shape = {height, width};
    if (view->ndim == 3) shape.push_back(channels);
    py::array_t<std::uint8_t, py::array::c_style> result(shape);
    std::uint8_t* out = result.mutable_data();
    {
        // Every argument is converted; the pixels are pinned by `view` and the
        // new array by `result`; the scratch buffers belong to this thread.
        py::gil_scoped_release release;
        image::area_resize(source, width, height, out, static_cast<std::size_t>(width) * channels);
    }
    return result;
}

std::vector<std::string> resize_kernel_names(bool supported_only) {
    std::vector<std::string> names;
    for (const image::ResizeKernel* kernel : image::compiled_resize_kernels())
        if (!supported_only || image::resize_kernel_supported(*kernel)) names.emplace_back(kernel->name);
    return names;
}

}  // namespace

void bind_resize(py::module_& m) {
    m.def("resize", &resize, py::arg("image"), py::arg("channels"), py::arg("width"), py::arg("height"),
          "Area-downscale a uint8 (H, W[, C]) frame to width x height (a new array).");
    m.def("resize_kernel", [] { return std::string(image::active_resize_kernel().name); },
          "Name of the active resize kernel.");
    m.def(
        "set_resize_kernel",
        [](const std::string& name) {
            const std::string error = image::set_active_resize_kernel(name);
            if (!error.empty()) throw py::value_error(error);
        },
        py::arg("name"), "Force a resize kernel by name ('auto' restores the best supported one).");
    m.def("supported_resize_kernels", [] { return resize_kernel_names(true); },
          "Compiled resize kernels this CPU can run, best first.");
}

}  // namespace frame64::bindings
