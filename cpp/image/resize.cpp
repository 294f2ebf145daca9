// The area filter's weight tables, the kernel choice and the row driver
// (the definition is in resize.hpp). Compiled without -m flags.
#include "image/resize.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
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

namespace {

KernelChoice<ResizeKernel>& choice() {
    static KernelChoice<ResizeKernel> instance("resize", {"avx2", "scalar"});
    return instance;
}

struct Scratch {
    std::vector<std::int16_t> intermediate;  // one vertical-pass row, zero-padded
    std::vector<const std::uint8_t*> rows;
};

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

// Output rows [begin, end) of one resize: each row's vertical taps read only
// its own source rows, so any split into bands gives the same pixels.
// Rows with a zero weight at either end of an output's taps (the even
// padding, or a sliver of coverage that rounds to 0) are skipped: they add 0.
void resize_rows(const ResizeSource& source, const AxisTaps& columns, const AxisTaps& rows,
                 const ResizeKernel& kernel, int begin, int end, std::uint8_t* out, std::size_t out_pitch) {
    const int channels = source.channels;
    const std::size_t length = static_cast<std::size_t>(source.width) * channels;
    Scratch& scratch = thread_scratch();
    // Past the row: zeros for the padded taps and the kernels' 8-sample loads.
    const std::size_t padded = length + static_cast<std::size_t>(columns.taps + 8) * channels + 16;
    if (scratch.intermediate.size() < padded) scratch.intermediate.resize(padded);
    std::fill(scratch.intermediate.begin() + static_cast<std::ptrdiff_t>(length), scratch.intermediate.end(), 0);
    scratch.rows.resize(static_cast<std::size_t>(rows.taps));
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
        resize_rows(source, columns, rows, kernel, 0, height, out, out_pitch);
        return;
    }
    // Band b: output rows [b * height / bands, (b + 1) * height / bands).
    auto band = [&](std::size_t b) {
        const auto begin = static_cast<int>(static_cast<std::int64_t>(b) * height / bands);
        const auto end = static_cast<int>(static_cast<std::int64_t>(b + 1) * height / bands);
        resize_rows(source, columns, rows, kernel, begin, end, out, out_pitch);
    };
    // The calling thread works too: bands - 1 workers, for this resize only.
    parallel::ThreadPool pool(static_cast<std::size_t>(bands - 1));
    auto group = std::make_shared<parallel::TaskGroup>(static_cast<std::size_t>(bands), band);
    pool.submit(group);
    pool.wait(*group);
    group->rethrow_if_failed();
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

const std::uint8_t* resize_to_thread_buffer(const ResizeSource& source, int width, int height, int threads) {
    thread_local std::vector<std::uint8_t> buffer;
    const std::size_t pitch = static_cast<std::size_t>(width) * source.channels;
    if (buffer.size() < pitch * height) buffer.resize(pitch * height);
    area_resize(source, width, height, buffer.data(), pitch, threads);
    return buffer.data();
}

}  // namespace frame64::image
