#include "jpeg/parallel_encoder.hpp"

#include "base64/base64.hpp"

#include <algorithm>
#include <exception>
#include <new>
#include <stdexcept>
#include <utility>

namespace frame64::jpeg {
namespace {

std::string describe(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::bad_alloc&) {
        return "out of memory";
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown error";
    }
}

// Rows [first, first + params.height) of the request's frame (a strip, or
// the whole frame from row 0) on `compressor`.
Bytes compress_rows(JpegCompressor& compressor, const FrameRequest& request, const CompressParams& params,
                    int first) {
    if (request.yuv) return compress_yuv(compressor, yuv_rows(*request.yuv, first, params.height), params);
    return compressor.compress(request.pixels + static_cast<std::size_t>(first) * static_cast<std::size_t>(params.pitch),
                               params);
}

}  // namespace

FrameRequest yuv_request(const YuvSource& source, const CompressParams& params, int strip_mcu_rows) noexcept {
    FrameRequest request;
    request.params = params;
    request.params.width = source.width;
    request.params.height = source.height;
    request.params.subsampling = yuv_subsampling(source.layout);
    request.strip_mcu_rows = strip_mcu_rows;
    request.yuv = source;
    return request;
}

CompressJob::CompressJob(std::vector<FrameRequest> frames, std::optional<std::string_view> base64_prefix)
    : frames_(new Frame[frames.size()]), frame_count_(frames.size()) {
    if (base64_prefix) base64_prefix_.emplace(*base64_prefix);
    for (std::size_t i = 0; i < frames.size(); ++i) {
        Frame& frame = frames_[i];
        frame.request = frames[i];
        try {
            frame.plan = plan_strips(frame.request.params, frame.request.strip_mcu_rows);
        } catch (const std::invalid_argument& e) {
            if (frames.size() == 1) throw;
            throw std::invalid_argument("frame " + std::to_string(i) + ": " + e.what());
        }
        frame.strips.resize(static_cast<std::size_t>(frame.plan.strips));
        frame.strip_errors.resize(static_cast<std::size_t>(frame.plan.strips));
        frame.remaining.store(frame.plan.strips, std::memory_order_relaxed);
        for (int k = 0; k < frame.plan.strips; ++k)
            tasks_.push_back({static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(k)});
    }
}

void CompressJob::run_task(std::size_t task) noexcept {
    const Task& t = tasks_[task];
    Frame& frame = frames_[t.frame];
    try {
        if (cancelled_.load(std::memory_order_relaxed)) throw std::runtime_error("cancelled");
        JpegCompressor& compressor = thread_compressor();
        // An outsized buffer goes once the strip or frame is copied out of it.
        ReleaseOutsizedBufferOnExit release_outsized(compressor);
        const CompressParams params = strip_params(frame.request.params, frame.plan, static_cast<int>(t.strip));
        const Bytes bytes =
            compress_rows(compressor, frame.request, params, static_cast<int>(t.strip) * frame.plan.strip_height);
        if (frame.plan.strips == 1) {
            emit(frame, bytes.data, bytes.size);  // straight from this thread's buffer
        } else {
            frame.strips[t.strip].assign(bytes.data, bytes.data + bytes.size);
        }
    } catch (...) {
        frame.strip_errors[t.strip] = describe(std::current_exception());
    }
    // The last strip's thread sees every other strip's writes (acq_rel);
    // frame_done() readers see the output (release on `done`).
    if (frame.remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        finish_frame(frame);
        frame.done.store(true, std::memory_order_release);
    }
}

void CompressJob::emit(Frame& frame, const std::uint8_t* jpeg, std::size_t size) {
    FrameOutput& out = frame.output;
    if (!base64_prefix_) {
        out.jpeg.assign(jpeg, jpeg + size);
        return;
    }
    const std::string& prefix = *base64_prefix_;
    out.text_size = prefix.size() + base64::encoded_length(size);
    out.text.reset(new char[out.text_size]);  // not zeroed: every byte is written next
    std::copy(prefix.begin(), prefix.end(), out.text.get());
    base64::encode(jpeg, size, out.text.get() + prefix.size());
}

void CompressJob::finish_frame(Frame& frame) noexcept {
    FrameOutput& out = frame.output;
    if (frame.plan.strips == 1) {  // emitted by run_task already
        out.error = frame.strip_errors[0];
        return;
    }
    for (const std::string& error : frame.strip_errors) {
        if (!error.empty()) {
            out.error = error;
            frame.strips.clear();
            return;
        }
    }
    try {
        std::vector<std::uint8_t> stitched;
        if (stitch_strips(frame.strips, frame.request.params.height, frame.plan.restart_interval, stitched)) {
            frame.strips.clear();
            if (base64_prefix_) {
                emit(frame, stitched.data(), stitched.size());
            } else {
                out.jpeg = std::move(stitched);
            }
        } else {
            // Not stitchable (see stitch_strips: not expected from
            // JpegCompressor): compress the frame in one piece.
            frame.strips.clear();
            JpegCompressor& compressor = thread_compressor();
            ReleaseOutsizedBufferOnExit release_outsized(compressor);
            const Bytes bytes = compress_rows(compressor, frame.request, frame.request.params, 0);
            emit(frame, bytes.data, bytes.size);
        }
    } catch (...) {
        out.error = describe(std::current_exception());
    }
    frame.strips.clear();
    frame.strips.shrink_to_fit();
}

std::shared_ptr<parallel::TaskGroup> start(parallel::ThreadPool& pool, const std::shared_ptr<CompressJob>& job) {
    auto group = std::make_shared<parallel::TaskGroup>(job->task_count(),
                                                       [job](std::size_t task) { job->run_task(task); });
    pool.submit(group);
    return group;
}

}  // namespace frame64::jpeg
