// The area (box-average) downscale filter, defined exactly in fixed point so
// that every kernel (and the numpy fallback, frame64/_fallback/resize.py)
// gives the same pixels. The definition, per axis n -> m source to output
// samples (m <= n):
//
//   Output sample x covers the source interval [x*n/m, (x+1)*n/m). Measured
//   in units of 1/m source pixel, source pixel i spans [i*m, (i+1)*m) and
//   output x spans [x*n, (x+1)*n): every overlap is an integer.
//   Cumulative weight at position t inside output x (Q14, rounded):
//       Q(t) = floor(((t - x*n) * 2^14 + floor(n/2)) / n)
//   Weight of source i in output x:
//       W(x, i) = Q(min((i+1)*m, (x+1)*n)) - Q(max(i*m, x*n))
//   so the weights of one output sum to exactly 2^14 (cumulative rounding).
//
//   Vertical pass (rows, weights Wy), kept in Q7 as int16:
//       U[y][j] = (sum_r Wy(y, r) * src[r][j] + 2^6) >> 7
//   Horizontal pass (columns, weights Wx, per channel c):
//       dst[y][x][c] = (sum_i Wx(x, i) * U[y][i*C + c] + 2^20) >> 21
//
// Error: with cumulative rounding each axis is off the exact area average by
// at most (taps - 1) * 0.5 * 255 / 2^14 levels (summation by parts), plus
// 0.5/128 for the Q7 intermediate; below 0.5 in total, hence within one level
// of any correctly rounded area filter (OpenCV's INTER_AREA), while an axis
// reduces by at most 30x. An axis that keeps its size is copied (W = 2^14).
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <cstdint>
#include <string>
#include <vector>

#include "parallel/thread_pool.hpp"

namespace frame64::image {

inline constexpr int kWeightBits = 14;       // Q14 weights
inline constexpr int kIntermediateBits = 7;  // Q7 vertical-pass output

// The taps of one axis: for output k, source samples start[k] ..
// start[k] + taps - 1 with weights weights[k * taps + t] (zero-padded; taps
// is even so the kernels can take them in pairs).
struct AxisTaps {
    int source = 0;
    int output = 0;
    int taps = 0;
    std::vector<std::int32_t> start;
    std::vector<std::int16_t> weights;
    // The same weights laid out for one kernel's horizontal pass, filled by
    // its `prepare` once per resize (empty for kernels without one).
    std::vector<std::int32_t> lanes;
};

AxisTaps area_taps(int source, int output);

// The two row passes every kernel provides (resize_scalar.cpp, resize_avx2.cpp).
struct ResizeKernel {
    const char* name;
    std::uint32_t required_features;  // base64::Feature bits
    // U[j] = (sum_k weights[k] * rows[k][j] + 64) >> 7, j < length; count rows.
    void (*vertical)(const std::uint8_t* const* rows, const std::int16_t* weights, int count, std::size_t length,
                     std::int16_t* out);
    // dst[x*C + c] for x < axis.output from U (zero-padded past the row).
    void (*horizontal)(const std::int16_t* row, const AxisTaps& axis, int channels, std::uint8_t* out);
    // Fills axis.lanes for `horizontal` before the rows run; may be null.
    void (*prepare)(AxisTaps& axis, int channels);
};

extern const ResizeKernel kScalarResizeKernel;
// The scalar passes over part of a row ([begin, length) samples, [begin,
// axis.output) pixels): the SIMD kernels finish their tails with these.
void vertical_scalar(const std::uint8_t* const* rows, const std::int16_t* weights, int count, std::size_t begin,
                     std::size_t length, std::int16_t* out);
void horizontal_scalar(const std::int16_t* row, const AxisTaps& axis, int channels, int begin, std::uint8_t* out);
const std::vector<const ResizeKernel*>& compiled_resize_kernels() noexcept;
bool resize_kernel_supported(const ResizeKernel& kernel) noexcept;
const ResizeKernel& active_resize_kernel() noexcept;
// "" on success, else the reason (unknown name, not compiled, not supported).
std::string set_active_resize_kernel(const std::string& name);
// The compiled kernels' names, best first (only those this CPU runs when supported_only).
std::vector<std::string> resize_kernel_names(bool supported_only);

struct ResizeSource {
    const std::uint8_t* pixels = nullptr;
    std::size_t pitch = 0;  // bytes between rows
    int width = 0;
    int height = 0;
    int channels = 0;
};

// Area-resizes `source` to width x height (each <= the source's) into `out`
// (pitch out_pitch). Uses per-thread scratch buffers; thread-safe. With
// threads > 1 the output rows, in chunks of ResizeStream::kChunkRows, are
// shared by resize_bands() threads (the calling one included, the others
// started for this call): every output row is computed alike, so the pixels
// do not depend on the count.
void area_resize(const ResizeSource& source, int width, int height, std::uint8_t* out, std::size_t out_pitch,
                 int threads = 1);

// One thread per this many source bytes at most: below it a thread's start
// costs about what it saves.
inline constexpr std::size_t kMinBandSourceBytes = std::size_t{1} << 20;
// The threads area_resize uses: min(threads, height, source bytes / kMinBandSourceBytes), at least 1.
int resize_bands(const ResizeSource& source, int height, int threads);

struct ResizeScratch;

// An area resize that a consumer reads in row order while it runs: output
// rows are resized in chunks of kChunkRows, claimed in order by threads - 1
// workers (of the process's pool, parallel::shared_pool) and by the consumer
// itself whenever it waits for rows that are not done, so it never idles
// while a chunk is unclaimed and finishes alone if no worker runs. The pixels are
// area_resize's. The destructor waits for the workers.
class ResizeStream {
public:
    static constexpr int kChunkRows = 16;

    // Throws (bad_alloc, std::system_error) only here, before any row is made.
    ResizeStream(const ResizeSource& source, int width, int height, std::uint8_t* out, std::size_t out_pitch,
                 int threads);
    ~ResizeStream();
    ResizeStream(const ResizeStream&) = delete;
    ResizeStream& operator=(const ResizeStream&) = delete;

    // Returns once output rows [0, end) are in `out`; one consumer thread only.
    void wait_rows(int end) noexcept;
    // wait_rows for a C-style hook (jpeg::RowGate): `stream` is a ResizeStream*.
    static void wait_rows_callback(void* stream, int end) noexcept;

private:
    bool claim_and_run(ResizeScratch& scratch) noexcept;  // false when no chunk was left

    const ResizeSource source_;
    const ResizeKernel& kernel_;
    AxisTaps columns_;
    const AxisTaps rows_;
    std::uint8_t* const out_;
    const std::size_t out_pitch_;
    const int height_;
    const int chunks_;
    std::unique_ptr<std::atomic<bool>[]> done_;
    std::atomic<int> next_{0};
    int ready_ = 0;  // chunks [0, ready_) seen done by the consumer
    ResizeScratch* consumer_scratch_ = nullptr;
    std::shared_ptr<parallel::ThreadPool> pool_;  // the process's (parallel::shared_pool)
    std::shared_ptr<parallel::TaskGroup> group_;
};

// The encoders' target size: (0, 0) means the source's own size. Returns true
// when it differs (a resize is needed); throws std::invalid_argument naming
// `size` unless 1 <= width <= source_width and 1 <= height <= source_height.
bool resize_target(int source_width, int source_height, int& width, int& height);

// Area-resizes `source` into the calling thread's buffer (kept and grown,
// never shrunk; valid until this thread resizes again), packed rows.
const std::uint8_t* resize_to_thread_buffer(const ResizeSource& source, int width, int height, int threads = 1);
// That buffer itself, at least `bytes` long (for a ResizeStream's output).
std::uint8_t* thread_resize_buffer(std::size_t bytes);

}  // namespace frame64::image
