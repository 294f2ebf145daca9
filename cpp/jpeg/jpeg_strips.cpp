#include "jpeg/jpeg_strips.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "image/formats.hpp"

namespace frame64::jpeg {
namespace {

constexpr std::uint8_t kMarker = 0xFF;
constexpr std::uint8_t kSOI = 0xD8, kEOI = 0xD9, kSOS = 0xDA, kDRI = 0xDD, kRST0 = 0xD0;
constexpr std::uint8_t kSOF0 = 0xC0, kSOF1 = 0xC1;  // baseline / extended sequential, Huffman (B.1.1.3)

// Where the parts of a single-scan JPEG are, found by walking its marker
// segments (ITU T.81 B.1.1.4: marker, 16-bit length that counts itself).
struct Layout {
    std::size_t sof_height = 0;  // offset of SOF's 16-bit Y (number of lines)
    std::size_t sos = 0;         // offset of the SOS marker
    std::size_t scan = 0;        // first byte of entropy-coded data
    std::size_t scan_end = 0;    // offset of the final EOI
};

std::uint16_t read_u16(const std::uint8_t* p) noexcept { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }

bool parse_layout(const std::vector<std::uint8_t>& jpeg, Layout& layout) {
    const std::size_t size = jpeg.size();
    if (size < 4 || jpeg[0] != kMarker || jpeg[1] != kSOI || jpeg[size - 2] != kMarker || jpeg[size - 1] != kEOI)
        return false;
    bool have_sof = false;
    std::size_t at = 2;
    while (at + 4 <= size) {
        if (jpeg[at] != kMarker) return false;
        const std::uint8_t marker = jpeg[at + 1];
        const std::size_t length = read_u16(&jpeg[at + 2]);
        if (length < 2 || at + 2 + length > size) return false;
        if (marker == kDRI) return false;  // already restart-coded
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
            // A start of frame: only sequential Huffman frames can be stitched.
            if ((marker != kSOF0 && marker != kSOF1) || have_sof || length < 8) return false;
            layout.sof_height = at + 5;  // after marker, length, sample precision
            have_sof = true;
        }
        if (marker == kSOS) {
            if (!have_sof) return false;
            layout.sos = at;
            layout.scan = at + 2 + length;
            layout.scan_end = size - 2;
            return layout.scan <= layout.scan_end;
        }
        at += 2 + length;
    }
    return false;
}

void put_u16(std::vector<std::uint8_t>& out, unsigned value) {
    out.push_back(static_cast<std::uint8_t>(value >> 8));
    out.push_back(static_cast<std::uint8_t>(value & 0xFF));
}

}  // namespace

int mcu_width(int subsampling) noexcept {
    const image::Subsampling* found = image::find_subsampling(subsampling);
    return found != nullptr ? found->mcu_width : 8;
}

int mcu_height(int subsampling) noexcept {
    const image::Subsampling* found = image::find_subsampling(subsampling);
    return found != nullptr ? found->mcu_height : 8;
}

StripPlan plan_strips(const CompressParams& params, int strip_mcu_rows) {
    StripPlan plan;
    plan.strip_height = params.height;
    const int unit = mcu_height(params.subsampling);
    const long mcu_rows = (static_cast<long>(params.height) + unit - 1) / unit;
    if (strip_mcu_rows <= 0 || strip_mcu_rows >= mcu_rows || params.progressive) return plan;
    const long mcus_per_row = (static_cast<long>(params.width) + mcu_width(params.subsampling) - 1) /
                              mcu_width(params.subsampling);
    const long interval = mcus_per_row * strip_mcu_rows;
    if (interval > 65535)
        throw std::invalid_argument("strip_rows: " + std::to_string(strip_mcu_rows) + " MCU rows of " +
                                    std::to_string(mcus_per_row) + " MCUs exceed the 65535-MCU restart interval");
    plan.strips = static_cast<int>((mcu_rows + strip_mcu_rows - 1) / strip_mcu_rows);
    plan.strip_height = strip_mcu_rows * unit;
    plan.restart_interval = static_cast<unsigned>(interval);
    return plan;
}

CompressParams strip_params(const CompressParams& params, const StripPlan& plan, int index) noexcept {
    CompressParams strip = params;
    strip.height = std::min(plan.strip_height, params.height - index * plan.strip_height);
    return strip;
}

bool stitch_strips(const std::vector<std::vector<std::uint8_t>>& strips, int height, unsigned restart_interval,
                   std::vector<std::uint8_t>& out) {
    if (strips.empty() || restart_interval == 0 || restart_interval > 65535 || height < 1 || height > 65535)
        return false;
    std::vector<Layout> layouts(strips.size());
    std::size_t total = 6 + 2;  // DRI segment, EOI
    for (std::size_t k = 0; k < strips.size(); ++k) {
        if (!parse_layout(strips[k], layouts[k])) return false;
        const Layout& first = layouts[0];
        const Layout& here = layouts[k];
        // Identical headers (hence identical quantization and Huffman
        // tables) apart from the number of lines.
        if (here.scan != first.scan || here.sof_height != first.sof_height) return false;
        const std::uint8_t* a = strips[0].data();
        const std::uint8_t* b = strips[k].data();
        if (std::memcmp(a, b, first.sof_height) != 0 ||
            std::memcmp(a + first.sof_height + 2, b + first.sof_height + 2, first.scan - first.sof_height - 2) != 0)
            return false;
        total += (k == 0 ? here.scan : 2) + (here.scan_end - here.scan);
    }
    out.clear();
    out.reserve(total);
    const std::vector<std::uint8_t>& head = strips[0];
    const Layout& first = layouts[0];
    out.insert(out.end(), head.begin(), head.begin() + static_cast<std::ptrdiff_t>(first.sos));
    out[first.sof_height] = static_cast<std::uint8_t>(height >> 8);
    out[first.sof_height + 1] = static_cast<std::uint8_t>(height & 0xFF);
    // libjpeg writes DRI right before SOS (after the Huffman tables); so do we.
    out.push_back(kMarker);
    out.push_back(kDRI);
    put_u16(out, 4);
    put_u16(out, restart_interval);
    for (std::size_t k = 0; k < strips.size(); ++k) {
        const std::vector<std::uint8_t>& strip = strips[k];
        const Layout& layout = layouts[k];
        if (k == 0) {
            out.insert(out.end(), strip.begin() + static_cast<std::ptrdiff_t>(first.sos),
                       strip.begin() + static_cast<std::ptrdiff_t>(layout.scan_end));
        } else {
            out.push_back(kMarker);
            out.push_back(static_cast<std::uint8_t>(kRST0 + ((k - 1) & 7)));
            out.insert(out.end(), strip.begin() + static_cast<std::ptrdiff_t>(layout.scan),
                       strip.begin() + static_cast<std::ptrdiff_t>(layout.scan_end));
        }
    }
    out.push_back(kMarker);
    out.push_back(kEOI);
    return true;
}

}  // namespace frame64::jpeg
