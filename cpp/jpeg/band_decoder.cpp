#include "jpeg/band_decoder.hpp"

#include <turbojpeg.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "image/exif.hpp"
#include "parallel/thread_pool.hpp"

namespace frame64::jpeg {
namespace {

constexpr std::uint8_t kMarker = 0xFF;
constexpr std::uint8_t kSOI = 0xD8, kEOI = 0xD9, kSOS = 0xDA, kDQT = 0xDB, kDRI = 0xDD, kCOM = 0xFE;
constexpr std::uint8_t kRST0 = 0xD0, kRST7 = 0xD7, kAPP0 = 0xE0, kAPP15 = 0xEF;
constexpr std::uint8_t kSOF0 = 0xC0, kSOF1 = 0xC1, kDHT = 0xC4, kDAC = 0xCC;
// Memory over this size is given back after the frame (as jpeg_decoder.cpp does).
constexpr std::size_t kKeepScratchBytes = std::size_t{64} << 20;

std::size_t read_u16(const std::uint8_t* p) noexcept { return std::size_t{p[0]} << 8 | p[1]; }

// Where a qualifying JPEG's parts are.
struct Layout {
    std::size_t header_end = 0;  // first byte of the entropy-coded data (after SOS)
    std::size_t sof_height = 0;  // offset of SOF's 16-bit number of lines (B.2.2)
    int mcu_height = 0;          // pixel rows per MCU row
    int mcu_rows = 0;
    int rows_per_interval = 0;   // MCU rows per restart interval
    int intervals = 0;
    // Restart interval j's entropy-coded bytes: [begin[j], end[j]).
    std::vector<std::size_t> begin, end;
};

// The marker segments up to SOS (B.1.1.4: marker, then a 16-bit length that
// counts itself). Anything unusual (fill bytes, a DNL, a second frame, an
// unknown marker) disqualifies: the one-thread path handles it.
bool parse_header(const std::uint8_t* jpeg, std::size_t size, const JpegHeader& header, Layout& layout) {
    if (size < 4 || jpeg[0] != kMarker || jpeg[1] != kSOI) return false;
    std::size_t at = 2;
    bool have_sof = false;
    int components = 0, h_max = 1, v_max = 1;
    std::size_t restart = 0;
    for (;;) {
        if (at + 4 > size || jpeg[at] != kMarker) return false;
        const std::uint8_t marker = jpeg[at + 1];
        const std::size_t length = read_u16(jpeg + at + 2);
        if (length < 2 || at + 2 + length > size) return false;
        const std::uint8_t* body = jpeg + at + 4;
        const std::size_t body_size = length - 2;
        if (marker == kSOF0 || marker == kSOF1) {
            // Baseline or extended sequential Huffman, 8-bit (B.2.2).
            if (have_sof || body_size < 6 || body[0] != 8) return false;
            if (static_cast<int>(read_u16(body + 1)) != header.height ||
                static_cast<int>(read_u16(body + 3)) != header.width)
                return false;
            components = body[5];
            if ((components != 1 && components != 3) || body_size != 6 + 3 * static_cast<std::size_t>(components))
                return false;
            for (int c = 0; c < components; ++c) {
                const int h = body[6 + 3 * c + 1] >> 4, v = body[6 + 3 * c + 1] & 15;
                if (h < 1 || h > 4 || v < 1 || v > 4) return false;
                if (components == 1 && (h != 1 || v != 1)) return false;
                h_max = std::max(h_max, h);
                v_max = std::max(v_max, v);
            }
            layout.sof_height = at + 5;
            have_sof = true;
        } else if (marker == kDRI) {
            if (body_size != 2) return false;
            restart = read_u16(body);
        } else if (marker == kSOS) {
            // One scan of every component (interleaved when there are three).
            if (!have_sof || body_size < 1 || body[0] != components) return false;
            layout.header_end = at + 2 + length;
            break;
        } else if (!(marker == kDHT || marker == kDQT || marker == kDAC || marker == kCOM ||
                     (marker >= kAPP0 && marker <= kAPP15))) {
            return false;
        }
        at += 2 + length;
    }
    // MCU geometry (A.2): an interleaved MCU is h_max x v_max blocks; a
    // single-component scan's MCU is one block.
    const int mcu_width = 8 * h_max;
    layout.mcu_height = 8 * v_max;
    const std::size_t mcus_per_row = (static_cast<std::size_t>(header.width) + mcu_width - 1) / mcu_width;
    layout.mcu_rows = (header.height + layout.mcu_height - 1) / layout.mcu_height;
    if (restart == 0 || restart % mcus_per_row != 0) return false;
    layout.rows_per_interval = static_cast<int>(restart / mcus_per_row);
    layout.intervals = (layout.mcu_rows + layout.rows_per_interval - 1) / layout.rows_per_interval;
    return layout.intervals >= 2;
}

// Splits the entropy-coded data at its RST markers (B.1.1.5; F.1.2.3), which
// must run RST0..RST7 in turn, one between every two intervals, with EOI
// right after the last one.
bool split_intervals(const std::uint8_t* jpeg, std::size_t size, Layout& layout) {
    const auto intervals = static_cast<std::size_t>(layout.intervals);
    layout.begin.assign(1, layout.header_end);
    layout.end.clear();
    layout.begin.reserve(intervals);
    layout.end.reserve(intervals);
    std::size_t pos = layout.header_end;
    for (;;) {
        const void* hit = pos < size ? std::memchr(jpeg + pos, kMarker, size - pos) : nullptr;
        if (hit == nullptr) return false;  // truncated: no EOI
        const auto ff = static_cast<std::size_t>(static_cast<const std::uint8_t*>(hit) - jpeg);
        std::size_t next = ff + 1;
        while (next < size && jpeg[next] == kMarker) ++next;  // fill bytes before a marker
        if (next >= size) return false;
        const std::uint8_t marker = jpeg[next];
        pos = next + 1;
        if (marker == 0x00) continue;  // a stuffed 0xFF data byte
        if (marker >= kRST0 && marker <= kRST7) {
            if (marker != kRST0 + (layout.end.size() & 7) || layout.end.size() + 1 >= intervals) return false;
            layout.end.push_back(ff);
            layout.begin.push_back(pos);
            continue;
        }
        if (marker != kEOI) return false;  // another scan, tables, DNL...
        layout.end.push_back(ff);
        return layout.end.size() == intervals;
    }
}

// Intervals [first, last) as a JPEG of `height` lines, RSTs renumbered from 0.
void synthesize(const std::uint8_t* jpeg, const Layout& layout, std::size_t first, std::size_t last, int height,
                std::vector<std::uint8_t>& out) {
    std::size_t total = layout.header_end + 2;
    for (std::size_t j = first; j < last; ++j) total += layout.end[j] - layout.begin[j] + 2;
    out.clear();
    out.reserve(total);
    out.insert(out.end(), jpeg, jpeg + layout.header_end);
    out[layout.sof_height] = static_cast<std::uint8_t>(height >> 8);
    out[layout.sof_height + 1] = static_cast<std::uint8_t>(height & 0xFF);
    for (std::size_t j = first; j < last; ++j) {
        if (j > first) {
            out.push_back(kMarker);
            out.push_back(static_cast<std::uint8_t>(kRST0 + ((j - first - 1) & 7)));
        }
        out.insert(out.end(), jpeg + layout.begin[j], jpeg + layout.end[j]);
    }
    out.push_back(kMarker);
    out.push_back(kEOI);
}

void trim(std::vector<std::uint8_t>& memory) {
    if (memory.capacity() > kKeepScratchBytes) std::vector<std::uint8_t>().swap(memory);
}

// Band `band` of `bands`: decodes its intervals (and the next interval's
// first MCU row) and writes its rows to frame. False on any warning or error.
bool decode_band(const std::uint8_t* jpeg, const Layout& layout, const JpegHeader& header, int pixel_format,
                 std::size_t row_bytes, std::uint8_t* frame, int band, int bands) {
    const int intervals = layout.intervals;
    const int first = static_cast<int>(static_cast<long long>(band) * intervals / bands);
    const int last = static_cast<int>(static_cast<long long>(band + 1) * intervals / bands);
    const bool at_bottom = last == intervals;
    const int mcu_h = layout.mcu_height;
    const int start_row = first * layout.rows_per_interval * mcu_h;  // the synthetic image's row 0
    const int boundary = last * layout.rows_per_interval * mcu_h;    // the next band's first row
    // Rows that see the same samples as in the whole frame: all but the
    // synthetic image's first (above the top band) and last (above the bottom).
    const int synthetic_end = at_bottom ? header.height : std::min(boundary + mcu_h, header.height);
    const int keep_first = band == 0 ? 0 : start_row + 1;
    const int keep_end = at_bottom ? header.height : boundary + 1;
    thread_local std::vector<std::uint8_t> synthetic;
    thread_local std::vector<std::uint8_t> junk;
    synthesize(jpeg, layout, static_cast<std::size_t>(first), static_cast<std::size_t>(at_bottom ? last : last + 1),
               synthetic_end - start_row, synthetic);
    junk.resize(row_bytes);
    const bool ok = decompress_band(synthetic.data(), synthetic.size(), pixel_format, keep_first - start_row,
                                    keep_end - start_row, frame + static_cast<std::size_t>(keep_first) * row_bytes,
                                    row_bytes, junk.data());
    trim(synthetic);
    return ok;
}

// The bands of a qualifying frame (0 otherwise), with its layout.
int plan_bands(const std::uint8_t* jpeg, std::size_t size, const JpegHeader& header, int threads, Layout& layout) {
    if (!bands_supported() || threads < 2 || header.cmyk() || header.scale_eighths != kFullScale || header.width < 1 || header.height < 1)
        return 0;
    if (!parse_header(jpeg, size, header, layout) || !split_intervals(jpeg, size, layout)) return 0;
    return std::min(threads, layout.intervals);
}

}  // namespace

int band_count(const std::uint8_t* jpeg, std::size_t size, const JpegHeader& header, int threads) noexcept {
    try {
        Layout layout;
        return plan_bands(jpeg, size, header, threads, layout);
    } catch (...) {
        return 0;
    }
}

bool decompress_bands(const std::uint8_t* jpeg, std::size_t size, const JpegHeader& header, int pixel_format,
                      std::uint8_t* dst, int threads) noexcept {
    if (pixel_format < 0 || pixel_format >= TJ_NUMPF) return false;
    try {
        Layout layout;
        const int bands = plan_bands(jpeg, size, header, threads, layout);
        if (bands < 2) return false;
        const std::size_t row_bytes =
            static_cast<std::size_t>(header.width) * static_cast<std::size_t>(tjPixelSize[pixel_format]);
        // An EXIF orientation is applied afterwards, from the frame as stored.
        const bool orient = header.orientation != 1;
        thread_local std::vector<std::uint8_t> stored;
        if (orient) stored.resize(row_bytes * static_cast<std::size_t>(header.height));
        std::uint8_t* frame = orient ? stored.data() : dst;
        std::unique_ptr<char[]> ok(new char[static_cast<std::size_t>(bands)]());
        auto task = [&](std::size_t band) {
            try {
                ok[band] = decode_band(jpeg, layout, header, pixel_format, row_bytes, frame, static_cast<int>(band),
                                       bands);
            } catch (...) {
                ok[band] = 0;
            }
        };
        // The calling thread works too, with bands - 1 of the process's pool.
        parallel::run_on_shared_pool(static_cast<std::size_t>(bands), static_cast<std::size_t>(bands), task);
        const bool all_ok = std::all_of(ok.get(), ok.get() + bands, [](char good) { return good != 0; });
        if (all_ok && orient)
            image::apply_orientation(stored.data(), header.height, header.width, tjPixelSize[pixel_format],
                                     header.orientation, dst);
        trim(stored);
        return all_ok;
    } catch (...) {
        return false;
    }
}

}  // namespace frame64::jpeg
