// Bindings for the parallel encoder: _core.BatchEncoder (a thread pool that
// compresses frames, or strips of one frame, with the GIL released; pixel
// frames, or YUV frames through its *_yuv methods) and _core.PendingFrame
// (one frame submitted ahead, for Encoder.imap).
//
// Every call converts the options and takes every frame's buffer with the
// GIL, then releases it while the pool works. For batches the workers also
// write each frame's base64 text, so the only work under the GIL is copying
// finished texts into strs, done in order while the pool keeps going.
#include <Python.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base64/base64.hpp"
#include "bindings/arrays.hpp"
#include "bindings/pool_jobs.hpp"
#include "image/formats.hpp"
#include "jpeg/jpeg_encoder.hpp"
#include "bindings/yuv_frames.hpp"
#include "jpeg/parallel_encoder.hpp"
#include "jpeg/yuv_encoder.hpp"
#include "parallel/thread_pool.hpp"

namespace frame64::bindings {
namespace {


// The options after the frame(s). YUV frames have no pixel format and
// compress to their layout's subsampling: both are kYuvInput there.
constexpr int kYuvInput = -1;
struct Options {
    int pixel_format;
    int quality;
    int subsampling;
    bool fast_dct;
    bool progressive;
    bool data_uri;
};

Options yuv_options(int quality, bool fast_dct, bool progressive, bool data_uri) {
    return {kYuvInput, quality, kYuvInput, fast_dct, progressive, data_uri};
}

void check_options(const Options& options) {
    if (options.quality < 1 || options.quality > 100)
        throw py::value_error("quality must be in 1..100, got " + std::to_string(options.quality));
    if (options.pixel_format != kYuvInput && !jpeg::valid_subsampling(options.subsampling))
        throw py::value_error("subsampling: unsupported TurboJPEG subsampling " + std::to_string(options.subsampling));
}

std::string_view prefix_of(const Options& options) {
    return options.data_uri ? image::kJpegDataUriPrefix : std::string_view();
}

// Runs `check`, with "frames[i]: " in front of its message for batches.
template <class Check>
auto naming_frame(std::optional<std::size_t> index, Check&& check) {
    try {
        return check();
    } catch (const py::value_error& e) {
        if (!index) throw;
        throw py::value_error("frames[" + std::to_string(*index) + "]: " + e.what());
    } catch (const py::type_error& e) {
        if (!index) throw;
        throw py::type_error("frames[" + std::to_string(*index) + "]: " + e.what());
    }
}

jpeg::CompressParams compress_params(const Options& options) {
    jpeg::CompressParams params;
    params.subsampling = options.subsampling;
    params.quality = options.quality;
    params.fast_dct = options.fast_dct;
    params.progressive = options.progressive;
    return params;
}

// Frames' buffers, pinned (in `views`) for as long as the requests over them run.
struct PinnedFrames {
    std::vector<std::unique_ptr<BufferView>> views;
    std::vector<jpeg::FrameRequest> requests;
};

// Pins frame `i` of `frames` (a pixel frame, or a frame64._yuv.YuvFrame
// tuple when options say YUV) and adds its request. Every buffer is taken
// before any work starts, so a bad frame anywhere raises before anything runs.
void pin_frame(PinnedFrames& pinned, py::handle frame, const Options& options, int strip_rows,
               std::optional<std::size_t> index) {
    if (options.pixel_format == kYuvInput) {
        YuvFrameViews yuv;
        naming_frame(index, [&] {
            take_yuv_frame(yuv, frame);
            return 0;
        });
        for (auto& view : yuv.views)
            if (view) pinned.views.push_back(std::move(view));
        pinned.requests.push_back(jpeg::yuv_request(yuv.source, compress_params(options), strip_rows));
        return;
    }
    pinned.views.push_back(std::make_unique<BufferView>(frame, PyBUF_RECORDS_RO));
    const BufferView& view = *pinned.views.back();
    jpeg::FrameRequest request;
    request.pixels = view.bytes();
    request.params = compress_params(options);
    const jpeg::CompressParams shape = naming_frame(index, [&] { return jpeg_frame_params(view, options.pixel_format); });
    request.params.width = shape.width;
    request.params.height = shape.height;
    request.params.pitch = shape.pitch;
    request.params.pixel_format = shape.pixel_format;
    request.strip_mcu_rows = strip_rows;
    pinned.requests.push_back(request);
}

// A str with a copy of already-encoded ASCII text. GIL held.
py::str str_from_text(const char* text, std::size_t size) {
    py::str result = new_ascii_str(size);
    std::memcpy(ascii_chars(result), text, size);
    return result;
}

using EncodeGuard = JobGuard<jpeg::CompressJob>;

// Starts `job` on the pool, guarded.
EncodeGuard start_job(parallel::ThreadPool& pool, const std::shared_ptr<jpeg::CompressJob>& job) {
    return EncodeGuard(pool, job, jpeg::start(pool, job));
}

// Raises the first failed frame's error, naming its index in a batch.
void raise_frame_error(const std::string& error, std::optional<std::size_t> index) {
    throw jpeg::JpegError(index ? "frames[" + std::to_string(*index) + "]: " + error : error);
}

class BatchEncoder {
public:
    explicit BatchEncoder(int threads) : threads_(threads) {
        if (threads < 1) throw py::value_error("threads must be >= 1, got " + std::to_string(threads));
        // The calling thread always works too, so threads - 1 workers make
        // `threads` busy threads.
        pool_ = std::make_shared<parallel::ThreadPool>(static_cast<std::size_t>(threads - 1));
    }

    int threads() const noexcept { return threads_; }

    py::list encode_batch(const py::sequence& images, const Options& options, const py::sequence& strip_rows) {
        check_options(options);
        const std::size_t count = py::len(images);
        if (py::len(strip_rows) != count)
            throw py::value_error("strip_rows: needs one entry per frame (" + std::to_string(count) + "), got " +
                                  std::to_string(py::len(strip_rows)));
        std::vector<py::object> frames;
        std::vector<int> rows;
        frames.reserve(count);
        rows.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
            frames.push_back(images[i]);
            rows.push_back(py::cast<int>(strip_rows[i]));
        }
        std::vector<py::str> results = encode_frames(frames, options, rows, true);
        py::list out(count);
        for (std::size_t i = 0; i < count; ++i) PyList_SET_ITEM(out.ptr(), i, results[i].release().ptr());
        return out;
    }

    py::str encode(py::handle image, const Options& options, int strip_rows) {
        check_options(options);
        std::vector<py::object> frames{py::reinterpret_borrow<py::object>(image)};
        return encode_frames(frames, options, {strip_rows}, false)[0];
    }

    std::shared_ptr<parallel::ThreadPool> pool() const { return pool_; }

private:
    std::vector<py::str> encode_frames(const std::vector<py::object>& frames, const Options& options,
                                       const std::vector<int>& strip_rows, bool batch) {
        const std::size_t count = frames.size();
        PinnedFrames pinned;  // destroyed after the guards below: the buffers outlive the work
        pinned.requests.reserve(count);
        for (std::size_t i = 0; i < count; ++i)
            pin_frame(pinned, frames[i], options, strip_rows[i],
                      batch ? std::optional<std::size_t>(i) : std::nullopt);
        std::vector<jpeg::FrameRequest>& requests = pinned.requests;
        const std::string_view prefix = prefix_of(options);
        std::vector<py::str> results;
        results.reserve(count);
        if (!batch) {
            // One frame (in strips): compress on the pool, then base64 once
            // into the str (base64_str releases the GIL for that).
            auto job = std::make_shared<jpeg::CompressJob>(std::move(requests));  // may raise ValueError
            {
                EncodeGuard guard = start_job(*pool_, job);
                // The pixels are pinned by `views` and the tasks touch no
                // Python object, so the pool runs without the GIL.
                py::gil_scoped_release release;
                pool_->wait(guard.group());
                guard.group().rethrow_if_failed();
            }
            const jpeg::FrameOutput& output = job->output(0);
            if (!output.error.empty()) raise_frame_error(output.error, std::nullopt);
            results.push_back(base64_str(output.jpeg.data(), output.jpeg.size(), prefix));
            return results;
        }
        auto job = std::make_shared<jpeg::CompressJob>(std::move(requests), prefix);  // may raise ValueError
        EncodeGuard guard = start_job(*pool_, job);  // destroyed before `pinned`
        wait_responsive(*pool_, guard, [&] {
            // Turn the frames finished so far into strs, in order.
            while (results.size() < count && job->frame_done(results.size())) {
                const std::size_t i = results.size();
                jpeg::FrameOutput& output = job->output(i);
                if (!output.error.empty()) raise_frame_error(output.error, i);  // the guard cancels the rest
                results.push_back(str_from_text(output.text.get(), output.text_size));
                output.text.reset();
            }
        });
        return results;
    }

    int threads_;
    std::shared_ptr<parallel::ThreadPool> pool_;
};

// One frame compressing in the background (Encoder.imap). Holds the frame's
// buffer until the work is finished, whatever happens to the Python side.
class PendingFrame {
public:
    PendingFrame(const BatchEncoder& encoder, py::handle image, const Options& options, int strip_rows)
        : pool_(encoder.pool()), prefix_(prefix_of(options)) {
        check_options(options);
        pin_frame(pinned_, image, options, strip_rows, std::nullopt);
        job_ = std::make_shared<jpeg::CompressJob>(std::move(pinned_.requests), prefix_);
        // The buffers are pinned by pinned_ until the work has finished (the
        // guard waits, declared after pinned_), and the tasks never touch
        // Python objects.
        guard_.emplace(*pool_, job_, jpeg::start(*pool_, job_));
    }

    PendingFrame(const PendingFrame&) = delete;
    PendingFrame& operator=(const PendingFrame&) = delete;

    bool done() const noexcept { return guard_->group().finished(); }

    // Several Python threads may ask at once: one at a time makes the str
    // (result_ is written once), the others then return the same one. The
    // GIL alone does not serialise them on a free-threaded build.
    py::str result() {
        const std::unique_lock<std::mutex> lock = lock_releasing_gil(result_mutex_);
        if (result_) return *result_;
        if (!done()) {
            py::gil_scoped_release release;  // only waits for (and helps with) GIL-free tasks
            pool_->wait(guard_->group());
        }
        guard_->group().rethrow_if_failed();
        const jpeg::FrameOutput& output = job_->output(0);
        if (!output.error.empty()) raise_frame_error(output.error, std::nullopt);
        result_ = str_from_text(output.text.get(), output.text_size);
        return *result_;
    }

private:
    std::shared_ptr<parallel::ThreadPool> pool_;
    std::string_view prefix_;
    PinnedFrames pinned_;
    std::shared_ptr<jpeg::CompressJob> job_;
    std::optional<EncodeGuard> guard_;
    std::mutex result_mutex_;  // guards result_
    std::optional<py::str> result_;
};

}  // namespace

void bind_encoder(py::module_& m) {
    py::class_<BatchEncoder> encoder(m, "BatchEncoder",
                                     "A pool of `threads` threads (the calling thread included) that JPEG-compresses "
                                     "frames (pixels or YUV planes), or strips of frames, with the GIL released.");
    encoder.def(py::init<int>(), py::arg("threads"))
        .def_property_readonly("threads", &BatchEncoder::threads)
        .def(
            "encode_batch",
            [](BatchEncoder& self, const py::sequence& images, int pixel_format, int quality, int subsampling,
               bool fast_dct, bool progressive, bool data_uri, const py::sequence& strip_rows) {
                return self.encode_batch(images, {pixel_format, quality, subsampling, fast_dct, progressive, data_uri},
                                         strip_rows);
            },
            py::arg("images"), py::arg("pixel_format"), py::arg("quality"), py::arg("subsampling"),
            py::arg("fast_dct"), py::arg("progressive"), py::arg("data_uri"), py::arg("strip_rows"),
            "encode_jpeg of every frame (each split in strips of strip_rows[i] MCU rows), in order.")
        .def(
            "encode",
            [](BatchEncoder& self, py::handle image, int pixel_format, int quality, int subsampling, bool fast_dct,
               bool progressive, bool data_uri, int strip_rows) {
                return self.encode(image, {pixel_format, quality, subsampling, fast_dct, progressive, data_uri},
                                   strip_rows);
            },
            py::arg("image"), py::arg("pixel_format"), py::arg("quality"), py::arg("subsampling"),
            py::arg("fast_dct"), py::arg("progressive"), py::arg("data_uri"), py::arg("strip_rows"),
            "encode_jpeg of one frame compressed in strips of strip_rows MCU rows on the pool and stitched "
            "with restart markers (0: in one piece).")
        .def(
            "submit",
            [](const BatchEncoder& self, py::handle image, int pixel_format, int quality, int subsampling,
               bool fast_dct, bool progressive, bool data_uri, int strip_rows) {
                return std::make_unique<PendingFrame>(
                    self, image, Options{pixel_format, quality, subsampling, fast_dct, progressive, data_uri},
                    strip_rows);
            },
            py::arg("image"), py::arg("pixel_format"), py::arg("quality"), py::arg("subsampling"),
            py::arg("fast_dct"), py::arg("progressive"), py::arg("data_uri"), py::arg("strip_rows"),
            "Start encoding one frame on the pool's workers; .result() returns what encode() would.");
    // YUV frames: frame64._yuv.YuvFrame tuples (planes, layout, width,
    // height, yuv_range, yuv_matrix); each compresses to its layout's subsampling.
    encoder
        .def(
            "encode_yuv_batch",
            [](BatchEncoder& self, const py::sequence& frames, int quality, bool fast_dct, bool progressive,
               bool data_uri, const py::sequence& strip_rows) {
                return self.encode_batch(frames, yuv_options(quality, fast_dct, progressive, data_uri), strip_rows);
            },
            py::arg("frames"), py::arg("quality"), py::arg("fast_dct"), py::arg("progressive"), py::arg("data_uri"),
            py::arg("strip_rows"), "encode_yuv of every YuvFrame (each split in strips of strip_rows[i] MCU rows), in order.")
        .def(
            "encode_yuv",
            [](BatchEncoder& self, py::handle frame, int quality, bool fast_dct, bool progressive, bool data_uri,
               int strip_rows) {
                return self.encode(frame, yuv_options(quality, fast_dct, progressive, data_uri), strip_rows);
            },
            py::arg("frame"), py::arg("quality"), py::arg("fast_dct"), py::arg("progressive"), py::arg("data_uri"),
            py::arg("strip_rows"),
            "encode_yuv of one YuvFrame compressed in strips of strip_rows MCU rows on the pool and stitched "
            "with restart markers (0: in one piece).")
        .def(
            "submit_yuv",
            [](const BatchEncoder& self, py::handle frame, int quality, bool fast_dct, bool progressive, bool data_uri,
               int strip_rows) {
                return std::make_unique<PendingFrame>(self, frame,
                                                      yuv_options(quality, fast_dct, progressive, data_uri), strip_rows);
            },
            py::arg("frame"), py::arg("quality"), py::arg("fast_dct"), py::arg("progressive"), py::arg("data_uri"),
            py::arg("strip_rows"), "Start encoding one YuvFrame on the pool's workers; .result() as encode_yuv().");
    py::class_<PendingFrame>(m, "PendingFrame", "A frame being encoded by BatchEncoder.submit.")
        .def("done", &PendingFrame::done)
        .def("result", &PendingFrame::result, "The base64 str (waits for the work; raises its error).");
}

}  // namespace frame64::bindings
