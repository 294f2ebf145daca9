// The area filter's weight tables, the kernel choice and the row driver
// (the definition is in resize.hpp). Compiled without -m flags.
#include "image/resize.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <thread>
#include <stdexcept>
#include <string>

#include "base64/base64.hpp"  // detected_features(): one cpuid + xgetbv probe for the whole library
#include "image/kernel_choice.hpp"
#include "parallel/thread_pool.hpp"

namespace frame64::image {

#if defined(FRAME64_RESIZE_KERNEL_AVX2)
extern const ResizeKernel kAvx2ResizeKernel;
#endif

AxisTaps area_taps(int source, int output) {
    if (source < 1 || output < 1 || output > source) throw std::invalid_argument("area_taps: needs 1 <= output <= source");
    const std::int64_t n = source, m = output;
    AxisTaps axis;
    axis.source = source;
    axis.output = output;
    int taps = 0;
    for (std::int64_t x = 0; x < m; ++x) {
        const std::int64_t first = (x * n) / m, last = ((x + 1) * n - 1) / m;
        taps = std::max(taps, static_cast<int>(last - first + 1));
    }
    taps += taps & 1;  // even: the SIMD kernels take taps in pairs
    axis.taps = taps;
    axis.start.resize(static_cast<std::size_t>(m));
    axis.weights.assign(static_cast<std::size_t>(m) * taps, 0);
    for (std::int64_t x = 0; x < m; ++x) {
        const std::int64_t lo = x * n, hi = (x + 1) * n, first = lo / m;
        // Q(t): the Q14 cumulative weight at position t of this output (see resize.hpp).
        auto cumulative = [&](std::int64_t t) { return ((t - lo) * (std::int64_t{1} << kWeightBits) + n / 2) / n; };
        axis.start[x] = static_cast<std::int32_t>(first);
        for (std::int64_t i = first; i * m < hi; ++i) {
            const std::int64_t w = cumulative(std::min((i + 1) * m, hi)) - cumulative(std::max(i * m, lo));
            axis.weights[x * taps + (i - first)] = static_cast<std::int16_t>(w);
        }
    }
    return axis;
}

struct ResizeScratch {
    std::vector<std::int16_t> intermediate;  // one vertical-pass row, zero-padded
    std::vector<const std::uint8_t*> rows;
};

namespace {

KernelChoice<ResizeKernel>& choice() {
    static KernelChoice<ResizeKernel> instance("resize", {"avx2", "scalar"});
    return instance;
}

using Scratch = ResizeScratch;

Scratch& thread_scratch() {
    thread_local Scratch scratch;
    return scratch;
}

}  // namespace

const std::vector<const ResizeKernel*>& compiled_resize_kernels() noexcept {
    static const std::vector<const ResizeKernel*> kernels = {
#if defined(FRAME64_RESIZE_KERNEL_AVX2)
        &kAvx2ResizeKernel,
#endif
        &kScalarResizeKernel,
    };
    return kernels;
}

bool resize_kernel_supported(const ResizeKernel& kernel) noexcept {
    return KernelChoice<ResizeKernel>::supported(kernel, base64::detected_features());
}

const ResizeKernel& active_resize_kernel() noexcept {
    return choice().active(compiled_resize_kernels(), base64::detected_features());
}

std::string set_active_resize_kernel(const std::string& name) {
    return choice().set(name, compiled_resize_kernels(), base64::detected_features());
}

std::vector<std::string> resize_kernel_names(bool supported_only) {
    return KernelChoice<ResizeKernel>::names(compiled_resize_kernels(), base64::detected_features(), supported_only);
}

namespace {

// Sizes and zero-pads the calling thread's scratch for one resize (may throw
// bad_alloc; resize_rows then allocates nothing).
Scratch& prepared_scratch(const ResizeSource& source, const AxisTaps& columns, const AxisTaps& rows) {
    const std::size_t length = static_cast<std::size_t>(source.width) * source.channels;
    Scratch& scratch = thread_scratch();
    // Past the row: zeros for the padded taps and the kernels' 8-sample loads.
    const std::size_t padded = length + static_cast<std::size_t>(columns.taps + 8) * source.channels + 16;
    if (scratch.intermediate.size() < padded) scratch.intermediate.resize(padded);
    std::fill(scratch.intermediate.begin() + static_cast<std::ptrdiff_t>(length), scratch.intermediate.end(), 0);
    if (scratch.rows.size() < static_cast<std::size_t>(rows.taps)) scratch.rows.resize(static_cast<std::size_t>(rows.taps));
    return scratch;
}

// Output rows [begin, end) of one resize: each row's vertical taps read only
// its own source rows, so any split into bands gives the same pixels.
// Rows with a zero weight at either end of an output's taps (the even
// padding, or a sliver of coverage that rounds to 0) are skipped: they add 0.
void resize_rows(const ResizeSource& source, const AxisTaps& columns, const AxisTaps& rows,
                 const ResizeKernel& kernel, Scratch& scratch, int begin, int end, std::uint8_t* out,
                 std::size_t out_pitch) noexcept {
    const int channels = source.channels;
    const std::size_t length = static_cast<std::size_t>(source.width) * channels;
    for (int y = begin; y < end; ++y) {
        const std::int16_t* weights = &rows.weights[static_cast<std::size_t>(y) * rows.taps];
        int first = rows.start[y];
        int count = std::min(rows.taps, source.height - first);
        while (count > 1 && weights[count - 1] == 0) --count;
        while (count > 1 && weights[0] == 0) {
            ++weights;
            ++first;
            --count;
        }
        for (int k = 0; k < count; ++k) scratch.rows[k] = source.pixels + static_cast<std::size_t>(first + k) * source.pitch;
        kernel.vertical(scratch.rows.data(), weights, count, length, scratch.intermediate.data());
        kernel.horizontal(scratch.intermediate.data(), columns, channels, out + static_cast<std::size_t>(y) * out_pitch);
    }
}

}  // namespace

int resize_bands(const ResizeSource& source, int height, int threads) {
    const std::size_t source_bytes = static_cast<std::size_t>(source.width) * source.channels * source.height;
    const std::size_t by_work = std::max<std::size_t>(1, source_bytes / kMinBandSourceBytes);
    return static_cast<int>(std::min<std::size_t>({static_cast<std::size_t>(std::max(threads, 1)),
                                                   static_cast<std::size_t>(height), by_work}));
}

void area_resize(const ResizeSource& source, int width, int height, std::uint8_t* out, std::size_t out_pitch,
                 int threads) {
    const ResizeKernel& kernel = active_resize_kernel();
    AxisTaps columns = area_taps(source.width, width);
    if (kernel.prepare != nullptr) kernel.prepare(columns, source.channels);
    const AxisTaps rows = area_taps(source.height, height);
    const int bands = resize_bands(source, height, threads);
    if (bands <= 1) {
        resize_rows(source, columns, rows, kernel, prepared_scratch(source, columns, rows), 0, height, out, out_pitch);
        return;
    }
    // Tasks of kChunkRows output rows, claimed in order by the `bands`
    // threads: a thread the machine does not schedule for a while delays
    // one chunk, not a whole band.
    constexpr int kChunkRows = ResizeStream::kChunkRows;
    const int chunks = (height + kChunkRows - 1) / kChunkRows;
    auto chunk = [&](std::size_t c) {
        const int begin = static_cast<int>(c) * kChunkRows;
        resize_rows(source, columns, rows, kernel, prepared_scratch(source, columns, rows), begin,
                    std::min(height, begin + kChunkRows), out, out_pitch);
    };
    // The calling thread works too, with bands - 1 of the process's pool.
    parallel::run_on_shared_pool(static_cast<std::size_t>(chunks), static_cast<std::size_t>(bands), chunk);
}

ResizeStream::ResizeStream(const ResizeSource& source, int width, int height, std::uint8_t* out,
                           std::size_t out_pitch, int threads)
    : source_(source),
      kernel_(active_resize_kernel()),
      columns_(area_taps(source.width, width)),
      rows_(area_taps(source.height, height)),
      out_(out),
      out_pitch_(out_pitch),
      height_(height),
      chunks_((height + kChunkRows - 1) / kChunkRows),
      done_(new std::atomic<bool>[static_cast<std::size_t>(chunks_)]) {
    if (kernel_.prepare != nullptr) kernel_.prepare(columns_, source.channels);
    for (int c = 0; c < chunks_; ++c) done_[c].store(false, std::memory_order_relaxed);
    consumer_scratch_ = &prepared_scratch(source_, columns_, rows_);
    const int workers = std::max(0, std::min(resize_bands(source, height, threads), chunks_) - 1);
    if (workers == 0) return;  // wait_rows does every chunk
    pool_ = parallel::shared_pool(static_cast<std::size_t>(workers));
    group_ = std::make_shared<parallel::TaskGroup>(static_cast<std::size_t>(workers), [this](std::size_t) {
        Scratch* scratch = nullptr;
        try {
            scratch = &prepared_scratch(source_, columns_, rows_);
        } catch (...) {
            return;  // no scratch, no chunk claimed: the consumer does them
        }
        while (claim_and_run(*scratch)) {
        }
    });
    pool_->submit(group_);
}

ResizeStream::~ResizeStream() {
    if (pool_ != nullptr) pool_->wait(*group_);  // the workers write into out_ until then
}

bool ResizeStream::claim_and_run(Scratch& scratch) noexcept {
    const int chunk = next_.fetch_add(1, std::memory_order_relaxed);
    if (chunk >= chunks_) return false;
    const int begin = chunk * kChunkRows;
    resize_rows(source_, columns_, rows_, kernel_, scratch, begin, std::min(height_, begin + kChunkRows), out_,
                out_pitch_);
    done_[chunk].store(true, std::memory_order_release);
    return true;
}

void ResizeStream::wait_rows(int end) noexcept {
    const int needed = std::min(chunks_, (end + kChunkRows - 1) / kChunkRows);
    while (ready_ < needed) {
        if (done_[ready_].load(std::memory_order_acquire)) {
            ++ready_;
        } else if (!claim_and_run(*consumer_scratch_)) {
            std::this_thread::yield();  // a worker is on it
        }
    }
}

void ResizeStream::wait_rows_callback(void* stream, int end) noexcept {
    static_cast<ResizeStream*>(stream)->wait_rows(end);
}

bool resize_target(int source_width, int source_height, int& width, int& height) {
    if (width == 0 && height == 0) {
        width = source_width;
        height = source_height;
    }
    if (width < 1 || height < 1 || width > source_width || height > source_height)
        throw std::invalid_argument("size: the area filter only downscales; " + std::to_string(width) + "x" +
                                    std::to_string(height) + " is not within the image's " +
                                    std::to_string(source_width) + "x" + std::to_string(source_height));
    return width != source_width || height != source_height;
}

std::uint8_t* thread_resize_buffer(std::size_t bytes) {
    thread_local std::vector<std::uint8_t> buffer;
    if (buffer.size() < bytes) buffer.resize(bytes);
    return buffer.data();
}

const std::uint8_t* resize_to_thread_buffer(const ResizeSource& source, int width, int height, int threads) {
    const std::size_t pitch = static_cast<std::size_t>(width) * source.channels;
    std::uint8_t* buffer = thread_resize_buffer(pitch * height);
    area_resize(source, width, height, buffer, pitch, threads);
    return buffer;
}

}  // namespace frame64::image
