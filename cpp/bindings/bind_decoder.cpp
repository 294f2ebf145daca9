// Bindings for the thread-pooled decoder: _core.BatchDecoder (decodes many
// base64 frames at once on a pool of threads, the GIL released) and
// _core.PendingDecode (one frame decoding in the background, for
// Decoder.imap).
//
// Each frame is one task that runs every step of frame64.decode
// (decode_steps.hpp) on a pool thread: base64 into that thread's scratch,
// header, size checks, pixels into memory of frame64's own (pixel_memory.hpp;
// or into the caller's N x H x W x C `out`). Only the inputs' buffers are taken, and the
// finished frames wrapped as numpy arrays, with the GIL.
#include <pybind11/numpy.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bindings/arrays.hpp"
#include "bindings/decode_steps.hpp"
#include "bindings/pixel_memory.hpp"
#include "bindings/pool_jobs.hpp"
#include "parallel/thread_pool.hpp"

namespace frame64::bindings {
namespace {

struct DecodeOptions {
    int pixel_format = 0;
    int channels = 0;
    std::uint64_t max_pixels = 0;
    jpeg::Strictness strictness = jpeg::Strictness::kDefault;
    bool orientation = true;
    Scaling scaling;
    bool huge_pages = true;  // numpy's setting when the call began (pixel_memory.hpp)
};

DecodeOptions checked_options(int pixel_format, std::uint64_t max_pixels, int strictness, bool orientation,
                              int scale_eighths, int max_side) {
    DecodeOptions options;
    options.channels = checked_channels(pixel_format);
    options.pixel_format = pixel_format;
    options.max_pixels = max_pixels;
    options.strictness = checked_strictness(strictness);
    options.orientation = orientation;
    options.scaling = checked_scaling(scale_eighths, max_side);
    options.huge_pages = numpy_advises_huge_pages();
    return options;
}

std::string shape_text(int height, int width, int channels) {
    std::string text = "(" + std::to_string(height) + ", " + std::to_string(width);
    if (channels != 1) text += ", " + std::to_string(channels);
    return text + ")";
}

// The same error, its message starting with "items[i]: ".
[[noreturn]] void rethrow_for_item(std::size_t index) {
    const std::string prefix = "items[" + std::to_string(index) + "]: ";
    try {
        throw;
    } catch (const image::JpegDecodeError& e) {
        throw image::JpegDecodeError(prefix + e.what());
    } catch (const image::PngDecodeError& e) {
        throw image::PngDecodeError(prefix + e.what());
    } catch (const image::DecodeError& e) {
        throw image::DecodeError(prefix + e.what());
    } catch (const py::value_error& e) {
        throw py::value_error(prefix + e.what());
    }
}

// A batch of frames to decode: the inputs (pinned by the caller), where each
// frame goes, and what the tasks made. A batch runs in two phases: read (the
// base64 into the frame's own bytes, the header, the size checks), then,
// once the caller has allocated every frame's memory with the GIL
// (allocate_destination), pixels.
// Allocating between the phases keeps the allocator's system calls off the
// worker threads, which otherwise take turns on the process's memory map;
// the first-touch page faults then happen in parallel. A single frame
// (`single`, for imap) runs both steps in one task into task-allocated memory.
class DecodeJob {
public:
    // `out`: frames of out_height x out_width x channels packed one after
    // another, or null for each frame's own memory (allocate_destination or,
    // single, the task's). `name_items`: errors start with "items[i]: ".
    DecodeJob(std::vector<const TextInput*> texts, std::vector<std::size_t> starts, const DecodeOptions& options,
              std::uint8_t* out, int out_height, int out_width, bool name_items, bool single)
        : texts_(std::move(texts)),
          starts_(std::move(starts)),
          options_(options),
          out_(out),
          out_height_(out_height),
          out_width_(out_width),
          name_items_(name_items),
          single_(single),
          frames_(texts_.size()) {}

    std::size_t size() const noexcept { return texts_.size(); }
    void cancel() noexcept { cancelled_.store(true, std::memory_order_relaxed); }

    // The read phase of frame i (both phases when single). GIL-free: touches
    // only pinned buffers and C++ memory; an error is kept, never thrown.
    void read(std::size_t i) {
        if (cancelled_.load(std::memory_order_relaxed)) return;
        guarded(i, [&] {
            read_one(i);
            if (single_) {
                Frame& frame = frames_[i];
                // Not zero-filled: the decoder writes every byte. Small pages are
                // populated here, on the worker; huge ones fault in as it writes.
                frame.owned = allocate_pixels(frame.bytes, options_.huge_pages, true);
                frame.dst = frame.owned.get();
                decode_pixels_of(i);
            }
        });
    }

    // The pixel phase of frame i, into its destination. GIL-free.
    void decode(std::size_t i) {
        if (cancelled_.load(std::memory_order_relaxed) || !frames_[i].ready) return;
        guarded(i, [&] { decode_pixels_of(i); });
    }

    // The error of the lowest-index failed frame, if any. GIL held.
    void rethrow_if_failed() const {
        for (const Frame& frame : frames_)
            if (frame.error) std::rethrow_exception(frame.error);
    }

    // A frame as a numpy array owning its memory (no copy): the task's own
    // (single) or what allocate_destination made. GIL held.
    py::array take_array(std::size_t i) {
        Frame& frame = frames_[i];
        return pixels_array(std::move(frame.owned), frame.header.height, frame.header.width, options_.channels);
    }

    // With the GIL, between the phases: frame i's own memory, if its read succeeded.
    void allocate_destination(std::size_t i) {
        Frame& frame = frames_[i];
        if (!frame.ready) return;
        // The workers fault its pages in: the system call here, the first touches in parallel.
        frame.owned = allocate_pixels(frame.bytes, options_.huge_pages, false);
        frame.dst = frame.owned.get();
    }

private:
    struct Frame {
        std::vector<std::uint8_t> image;  // the decoded base64: the JPEG or PNG file
        std::size_t image_size = 0;
        ImageHeader header;
        std::size_t bytes = 0;
        bool ready = false;  // the read phase succeeded
        std::uint8_t* dst = nullptr;
        PixelMemory owned;  // the frame's own memory (no `out`), until take_array
        std::exception_ptr error;
    };

    template <class Step>
    void guarded(std::size_t i, Step step) noexcept {
        try {
            try {
                step();
            } catch (...) {
                if (name_items_) rethrow_for_item(i);
                throw;
            }
        } catch (...) {
            frames_[i].error = std::current_exception();
            frames_[i].ready = false;
            std::vector<std::uint8_t>().swap(frames_[i].image);
        }
    }

    void read_one(std::size_t i) {
        Frame& frame = frames_[i];
        const TextInput& text = *texts_[i];
        const std::size_t start = starts_[i];
        if (start > text.size()) throw py::value_error("start is past the end of data");
        frame.image.resize(base64::decoded_capacity(text.size() - start));
        frame.image_size = decode_payload(text, start, frame.image.data());
        frame.header =
            read_image_header(frame.image.data(), frame.image_size, options_.strictness, options_.orientation,
                              options_.scaling);
        const int channels = options_.channels;
        check_pixel_limit(frame.header, channels, options_.max_pixels);
        frame.bytes = static_cast<std::size_t>(frame.header.width) * static_cast<std::size_t>(frame.header.height) *
                      static_cast<std::size_t>(channels);
        if (out_ != nullptr) {
            if (frame.header.width != out_width_ || frame.header.height != out_height_)
                throw py::value_error("out holds frames of shape " + shape_text(out_height_, out_width_, channels) +
                                      "; this image needs " +
                                      shape_text(frame.header.height, frame.header.width, channels));
            frame.dst = out_ + frame.bytes * i;
        }
        frame.ready = true;
    }

    void decode_pixels_of(std::size_t i) {
        Frame& frame = frames_[i];
        decode_into(frame.image.data(), frame.image_size, frame.header, options_.pixel_format, options_.channels,
                    frame.dst, options_.strictness);
        std::vector<std::uint8_t>().swap(frame.image);
    }

    const std::vector<const TextInput*> texts_;
    const std::vector<std::size_t> starts_;
    const DecodeOptions options_;
    std::uint8_t* const out_;
    const int out_height_;
    const int out_width_;
    const bool name_items_;
    const bool single_;
    std::vector<Frame> frames_;
    std::atomic<bool> cancelled_{false};
};

using DecodeGuard = JobGuard<DecodeJob>;
enum class Phase { kRead, kDecode };

// Starts one phase of `job` on the pool, guarded.
std::shared_ptr<parallel::TaskGroup> start_phase(parallel::ThreadPool& pool, const std::shared_ptr<DecodeJob>& job,
                                                 Phase phase) {
    DecodeJob* raw = job.get();
    auto group = phase == Phase::kRead
                     ? std::make_shared<parallel::TaskGroup>(job->size(), [raw](std::size_t i) { raw->read(i); })
                     : std::make_shared<parallel::TaskGroup>(job->size(), [raw](std::size_t i) { raw->decode(i); });
    pool.submit(group);
    return group;
}

// Runs one phase of `job` on the pool, the GIL released, responsive to Ctrl-C.
void run_phase(parallel::ThreadPool& pool, const std::shared_ptr<DecodeJob>& job, Phase phase) {
    DecodeGuard guard(pool, job, start_phase(pool, job, phase));
    wait_responsive(pool, guard, [] {});
}

// The buffers of the items, taken with the GIL; the str objects are kept
// alive by the caller's sequence (and by `items`).
struct Inputs {
    std::vector<py::object> items;
    std::vector<std::unique_ptr<TextInput>> texts;
    std::vector<std::size_t> starts;

    Inputs(const py::sequence& data, const py::sequence& start_list) {
        const std::size_t count = py::len(data);
        if (py::len(start_list) != count)
            throw py::value_error("starts: needs one entry per item (" + std::to_string(count) + "), got " +
                                  std::to_string(py::len(start_list)));
        items.reserve(count);
        texts.reserve(count);
        starts.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
            items.push_back(data[i]);
            try {
                texts.push_back(std::make_unique<TextInput>(items.back()));
            } catch (...) {
                rethrow_for_item(i);
            }
            starts.push_back(py::cast<std::size_t>(start_list[i]));
        }
    }

    std::vector<const TextInput*> pointers() const {
        std::vector<const TextInput*> result;
        result.reserve(texts.size());
        for (const auto& text : texts) result.push_back(text.get());
        return result;
    }
};

class BatchDecoder {
public:
    explicit BatchDecoder(int threads) : threads_(threads) {
        if (threads < 1) throw py::value_error("threads must be >= 1, got " + std::to_string(threads));
        // The calling thread always works too.
        pool_ = std::make_shared<parallel::ThreadPool>(static_cast<std::size_t>(threads - 1));
    }

    int threads() const noexcept { return threads_; }
    std::shared_ptr<parallel::ThreadPool> pool() const { return pool_; }

    // A list of new arrays, or `out` (N x H x W x C, checked by the caller)
    // filled in place; raises the error of the first failing item.
    py::object decode_batch(const py::sequence& data, const py::sequence& starts, const DecodeOptions& options,
                            py::handle out) {
        Inputs inputs(data, starts);
        const std::size_t count = inputs.items.size();
        std::optional<BufferView> out_view;
        std::uint8_t* out_pixels = nullptr;
        int out_height = 0;
        int out_width = 0;
        if (!out.is_none()) {
            const auto array = py::reinterpret_borrow<py::array>(out);
            if (array.ndim() < 3 || static_cast<std::size_t>(array.shape(0)) != count)
                throw py::value_error("out must have one frame per item");
            out_height = static_cast<int>(array.shape(1));
            out_width = static_cast<int>(array.shape(2));
            out_view.emplace(out, PyBUF_CONTIG);
            const std::size_t frame_bytes = static_cast<std::size_t>(out_height) * static_cast<std::size_t>(out_width) *
                                            static_cast<std::size_t>(options.channels);
            if (out_view->size() != frame_bytes * count)
                throw py::value_error("out must be a C-contiguous uint8 array of N x H x W x C");
            out_pixels = static_cast<std::uint8_t*>((*out_view)->buf);
        }
        auto job = std::make_shared<DecodeJob>(inputs.pointers(), inputs.starts, options, out_pixels, out_height,
                                               out_width, true, false);
        run_phase(*pool_, job, Phase::kRead);
        // Every frame's memory, allocated here with the GIL; the workers fill
        // it. A frame that failed to read gets none.
        if (out_pixels == nullptr)
            for (std::size_t i = 0; i < count; ++i) job->allocate_destination(i);
        run_phase(*pool_, job, Phase::kDecode);
        job->rethrow_if_failed();
        if (out_pixels != nullptr) return py::reinterpret_borrow<py::object>(out);
        py::list result(count);
        for (std::size_t i = 0; i < count; ++i) PyList_SET_ITEM(result.ptr(), i, job->take_array(i).release().ptr());
        return std::move(result);
    }

private:
    int threads_;
    std::shared_ptr<parallel::ThreadPool> pool_;
};

// One frame decoding on the pool's workers (Decoder.imap). Holds the input
// until the work has finished, whatever happens to the Python side.
class PendingDecode {
public:
    PendingDecode(const BatchDecoder& decoder, py::handle data, std::size_t start, const DecodeOptions& options)
        : pool_(decoder.pool()), item_(py::reinterpret_borrow<py::object>(data)) {
        text_ = std::make_unique<TextInput>(item_);
        job_ = std::make_shared<DecodeJob>(std::vector<const TextInput*>{text_.get()}, std::vector<std::size_t>{start},
                                           options, nullptr, 0, 0, false, true);
        guard_.emplace(*pool_, job_, start_phase(*pool_, job_, Phase::kRead));  // declared last: destroyed (waited for) first
    }
    PendingDecode(const PendingDecode&) = delete;
    PendingDecode& operator=(const PendingDecode&) = delete;

    bool done() const noexcept { return guard_->group().finished(); }

    // Several Python threads may ask at once: one at a time takes the array
    // (take_array hands the task's memory over once; a second take would wrap
    // a null pointer), the others then return the same array. The GIL alone
    // does not serialise them on a free-threaded build.
    py::object result() {
        const std::unique_lock<std::mutex> lock = lock_releasing_gil(result_mutex_);
        if (result_) return *result_;
        if (!done()) {
            py::gil_scoped_release release;  // only waits for (and helps with) GIL-free tasks
            pool_->wait(guard_->group());
        }
        guard_->group().rethrow_if_failed();
        job_->rethrow_if_failed();
        result_ = job_->take_array(0);
        return *result_;
    }

private:
    std::shared_ptr<parallel::ThreadPool> pool_;
    py::object item_;
    std::unique_ptr<TextInput> text_;
    std::shared_ptr<DecodeJob> job_;
    std::mutex result_mutex_;  // guards result_
    std::optional<py::object> result_;
    std::optional<DecodeGuard> guard_;
};

}  // namespace

void bind_decoder(py::module_& m) {
    py::class_<BatchDecoder>(m, "BatchDecoder",
                             "A pool of `threads` threads (the calling thread included) that decodes base64 "
                             "JPEG/PNG frames with the GIL released.")
        .def(py::init<int>(), py::arg("threads"))
        .def_property_readonly("threads", &BatchDecoder::threads)
        .def(
            "decode_batch",
            [](BatchDecoder& self, const py::sequence& data, const py::sequence& starts, int pixel_format,
               py::handle out, std::uint64_t max_pixels, int strictness, bool orientation, int scale_eighths,
               int max_side) {
                const DecodeOptions options =
                    checked_options(pixel_format, max_pixels, strictness, orientation, scale_eighths, max_side);
                check_out_type(out);
                return self.decode_batch(data, starts, options, out);
            },
            py::arg("data"), py::arg("starts"), py::arg("pixel_format"), py::arg("out"), py::arg("max_pixels"),
            py::arg("strictness"), py::arg("orientation"), py::arg("scale_eighths"), py::arg("max_side"),
            "decode_image of every item (its base64 from starts[i]), in parallel: a list of arrays, or out "
            "(N x H x W x C) filled; raises the first failing item's error, prefixed with items[i]:.")
        .def(
            "submit",
            [](const BatchDecoder& self, py::handle data, std::size_t start, int pixel_format,
               std::uint64_t max_pixels, int strictness, bool orientation, int scale_eighths, int max_side) {
                const DecodeOptions options =
                    checked_options(pixel_format, max_pixels, strictness, orientation, scale_eighths, max_side);
                return std::make_unique<PendingDecode>(self, data, start, options);
            },
            py::arg("data"), py::arg("start"), py::arg("pixel_format"), py::arg("max_pixels"), py::arg("strictness"),
            py::arg("orientation"), py::arg("scale_eighths"), py::arg("max_side"),
            "Start decoding one frame on the pool's workers; .result() returns what decode_image would.");
    py::class_<PendingDecode>(m, "PendingDecode", "A frame being decoded by BatchDecoder.submit.")
        .def("done", &PendingDecode::done)
        .def("result", &PendingDecode::result, "The array (waits for the work; raises its error).");
}

}  // namespace frame64::bindings
