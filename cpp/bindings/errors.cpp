#include "bindings/errors.hpp"

#include <exception>

#include "image/sniff.hpp"
#include "jpeg/jpeg_encoder.hpp"
#include "png/png_encoder.hpp"

namespace frame64::bindings {
namespace {

namespace py = pybind11;

struct PythonErrors {
    PyObject* decode_error;
    PyObject* jpeg_decode_error;
    PyObject* png_decode_error;
    PyObject* png_error;
    PyObject* jpeg_error;
};

PyObject* leaked_class(const py::module_& errors, const char* name) {
    return py::object(errors.attr(name)).release().ptr();
}

}  // namespace

void register_errors(py::module_& m) {
    // Leaked on purpose: the classes must outlive interpreter teardown, when
    // a late C++ error may still be translated.
    static const PythonErrors classes = [] {
        const py::module_ errors = py::module_::import("frame64._errors");
        return PythonErrors{leaked_class(errors, "DecodeError"), leaked_class(errors, "JpegDecodeError"),
                            leaked_class(errors, "PngDecodeError"), leaked_class(errors, "PngError"),
                            leaked_class(errors, "JpegError")};
    }();
    m.attr("JpegError") = py::handle(classes.jpeg_error);
    m.attr("PngError") = py::handle(classes.png_error);
    py::register_exception_translator([](std::exception_ptr pending) {
        try {
            if (pending) std::rethrow_exception(pending);
        } catch (const image::JpegDecodeError& error) {  // the subclasses first
            PyErr_SetString(classes.jpeg_decode_error, error.what());
        } catch (const image::PngDecodeError& error) {
            PyErr_SetString(classes.png_decode_error, error.what());
        } catch (const image::DecodeError& error) {
            PyErr_SetString(classes.decode_error, error.what());
        } catch (const png::PngError& error) {
            PyErr_SetString(classes.png_error, error.what());
        } catch (const jpeg::JpegError& error) {
            PyErr_SetString(classes.jpeg_error, error.what());
        }
    });
}

}  // namespace frame64::bindings
