// Compression of many frames (pixels or YUV planes), or of one frame in
// strips, on a ThreadPool.
//
// A CompressJob turns every frame into one task per strip (a frame that is
// not split is one task), so frames and strips of frames of any sizes share
// the pool's threads. The thread that finishes a frame's last strip stitches
// the frame (jpeg_strips.hpp). Each thread compresses with its own
// thread_compressor(); results are copied out of it at once, since the
// thread's buffer is reused by its next task.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jpeg/jpeg_encoder.hpp"
#include "jpeg/jpeg_strips.hpp"
#include "jpeg/yuv_encoder.hpp"
#include "parallel/thread_pool.hpp"

namespace frame64::jpeg {

struct FrameRequest {
    const std::uint8_t* pixels = nullptr;  // must stay valid until the job finished
    CompressParams params;
    int strip_mcu_rows = 0;  // see plan_strips; 0 = one piece
    // Set for YUV input: its planes (valid until the job finished) instead
    // of `pixels`; params.width/height/subsampling must be the planes'
    // (yuv_request() fills them in).
    std::optional<YuvSource> yuv;
};

// The request for YUV planes: params' quality and flags, the planes' size and subsampling.
FrameRequest yuv_request(const YuvSource& source, const CompressParams& params, int strip_mcu_rows) noexcept;

struct FrameOutput {
    std::vector<std::uint8_t> jpeg;    // unless the job writes base64 text
    std::unique_ptr<char[]> text;      // prefix + base64(jpeg), when it does
    std::size_t text_size = 0;
    std::string error;                 // empty on success
};

class CompressJob {
public:
    // Plans every frame; throws std::invalid_argument (message prefixed with
    // "frame <i>: " when there are several frames) for an impossible plan.
    // With base64_prefix set, each frame's output is text (the prefix, then
    // the JPEG in base64), written by the thread that finishes the frame.
    explicit CompressJob(std::vector<FrameRequest> frames,
                         std::optional<std::string_view> base64_prefix = std::nullopt);

    // Frames not started yet are skipped (their error says so).
    void cancel() noexcept { cancelled_.store(true, std::memory_order_relaxed); }
    // True once frame `i` has its output (acquire: the output is visible).
    bool frame_done(std::size_t frame) const noexcept {
        return frames_[frame].done.load(std::memory_order_acquire);
    }

    std::size_t task_count() const noexcept { return tasks_.size(); }
    std::size_t frame_count() const noexcept { return frame_count_; }
    // Runs one strip; never throws (a failure is recorded in the frame's error).
    void run_task(std::size_t task) noexcept;
    FrameOutput& output(std::size_t frame) noexcept { return frames_[frame].output; }

private:
    struct Frame {
        FrameRequest request;
        StripPlan plan;
        std::vector<std::vector<std::uint8_t>> strips;
        std::vector<std::string> strip_errors;
        std::atomic<int> remaining{0};  // strips still to compress
        std::atomic<bool> done{false};   // output complete
        FrameOutput output;
    };
    struct Task {
        std::uint32_t frame;
        std::uint32_t strip;
    };
    void finish_frame(Frame& frame) noexcept;
    void emit(Frame& frame, const std::uint8_t* jpeg, std::size_t size);

    std::optional<std::string> base64_prefix_;
    std::atomic<bool> cancelled_{false};
    std::unique_ptr<Frame[]> frames_;  // Frame holds an atomic: not movable, so no vector
    std::size_t frame_count_ = 0;
    std::vector<Task> tasks_;
};

// Starts `job` on `pool` and returns its task group; pool.wait(group) later.
// The job (hence its pixels) must outlive the group's execution: the group
// holds a reference to it.
std::shared_ptr<parallel::TaskGroup> start(parallel::ThreadPool& pool, const std::shared_ptr<CompressJob>& job);

}  // namespace frame64::jpeg
