#include "jpeg/parallel_encoder.hpp"

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

}  // namespace

CompressJob::CompressJob(std::vector<FrameRequest> frames)
    : frames_(new Frame[frames.size()]), frame_count_(frames.size()) {
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
        const CompressParams params = strip_params(frame.request.params, frame.plan, static_cast<int>(t.strip));
        const std::uint8_t* pixels =
            strip_pixels(frame.request.pixels, frame.request.params, frame.plan, static_cast<int>(t.strip));
        const Bytes bytes = thread_compressor().compress(pixels, params);
        frame.strips[t.strip].assign(bytes.data, bytes.data + bytes.size);
    } catch (...) {
        frame.strip_errors[t.strip] = describe(std::current_exception());
    }
    // The last strip's thread sees every other strip's writes (acq_rel).
    if (frame.remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) finish_frame(frame);
}

void CompressJob::finish_frame(Frame& frame) noexcept {
    FrameOutput& out = frame.output;
    for (const std::string& error : frame.strip_errors) {
        if (!error.empty()) {
            out.error = error;
            frame.strips.clear();
            return;
        }
    }
    try {
        if (frame.plan.strips == 1) {
            out.jpeg = std::move(frame.strips[0]);
        } else if (!stitch_strips(frame.strips, frame.request.params.height, frame.plan.restart_interval, out.jpeg)) {
            // Not stitchable (libjpeg-turbo configured otherwise through its
            // environment variables): compress the frame in one piece.
            const Bytes bytes = thread_compressor().compress(frame.request.pixels, frame.request.params);
            out.jpeg.assign(bytes.data, bytes.data + bytes.size);
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
