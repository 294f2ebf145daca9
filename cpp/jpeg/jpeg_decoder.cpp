#include "jpeg/jpeg_decoder.hpp"

// clang-format off: jpeglib.h needs <cstdio> (FILE) before it.
#include <cstdio>
#include <jpeglib.h>
#include <jerror.h>
// clang-format on
#include <turbojpeg.h>

#include <algorithm>
#include <csetjmp>
#include <cstring>
#include <string>

#include "image/cmyk.hpp"
#include "image/exif.hpp"
#include "image/sniff.hpp"

namespace frame64::jpeg {

namespace {

using image::JpegDecodeError;

// libjpeg-turbo refuses progressive JPEGs of more than this many scans when
// asked to (TJFLAG_LIMITSCANS): a CPU-exhaustion attack on the format.
constexpr int kMaxScans = 500;
// Rows asked of jpeg_read_scanlines at a time (libjpeg returns at most
// rec_outbuf_height, 1 to 4, per call).
constexpr int kRowBatch = 16;
// Scratch memory over this size is given back after the image.
constexpr std::size_t kKeepScratchBytes = std::size_t{64} << 20;

// The same texts in the fallback (src/frame64/_fallback/decode.py).
std::string strict_message(const char* detail) {
    return std::string("JPEG data has a defect that libjpeg-turbo reports as a warning (strict=True rejects it): ") +
           detail;
}

std::string made_up_message(const char* detail) {
    return std::string("JPEG data is truncated or corrupt, so part of the frame would be made up: ") + detail +
           " (best_effort=True returns that frame anyway)";
}

enum class Failure { kNone, kFatal, kMadeUp, kStrict };

// libjpeg's error manager, extended. libjpeg calls error_exit for fatal
// errors and emit_message(-1) for each warning; both come here and end the
// decode with a longjmp to run()'s setjmp when the strictness says so. Only
// plain data lives here, and run()/decode_rows() hold no object with a
// destructor, so the longjmp skips no C++ cleanup.
struct ErrorManager {
    jpeg_error_mgr pub;  // first: libjpeg hands back a pointer to it
    std::jmp_buf jump;
    Strictness strictness;
    Failure failure;
    char message[JMSG_LENGTH_MAX];
};

ErrorManager& manager_of(j_common_ptr cinfo) { return *reinterpret_cast<ErrorManager*>(cinfo->err); }

[[noreturn]] void fail(j_common_ptr cinfo, Failure failure) {
    ErrorManager& manager = manager_of(cinfo);
    (*cinfo->err->format_message)(cinfo, manager.message);
    manager.failure = failure;
    std::longjmp(manager.jump, 1);
}

void on_error_exit(j_common_ptr cinfo) { fail(cinfo, Failure::kFatal); }

void on_emit_message(j_common_ptr cinfo, int msg_level) {
    if (msg_level >= 0) return;  // trace messages
    ErrorManager& manager = manager_of(cinfo);
    ++cinfo->err->num_warnings;
    if (manager.strictness == Strictness::kStrict) fail(cinfo, Failure::kStrict);
    // JWRN_EXTRANEOUS_DATA's parameters: the byte count, then the marker.
    if (manager.strictness == Strictness::kDefault &&
        !warning_is_benign(cinfo->err->msg_code, cinfo->err->msg_parm.i[1]))
        fail(cinfo, Failure::kMadeUp);
}

void on_output_message(j_common_ptr) {}  // a library never prints to stderr

// TurboJPEG's TJFLAG_LIMITSCANS, with its message (turbojpeg.c).
void on_progress(j_common_ptr cinfo) {
    auto* dinfo = reinterpret_cast<j_decompress_ptr>(cinfo);
    if (dinfo->input_scan_number > kMaxScans) {
        ErrorManager& manager = manager_of(cinfo);
        std::snprintf(manager.message, sizeof manager.message, "Progressive JPEG image has more than %d scans",
                      kMaxScans);
        manager.failure = Failure::kFatal;
        std::longjmp(manager.jump, 1);
    }
}

J_COLOR_SPACE libjpeg_colorspace(int pixel_format) {
    switch (pixel_format) {
        case TJPF_RGB: return JCS_EXT_RGB;
        case TJPF_BGR: return JCS_EXT_BGR;
        case TJPF_RGBA: return JCS_EXT_RGBA;
        case TJPF_BGRA: return JCS_EXT_BGRA;
        default: return JCS_GRAYSCALE;  // TJPF_GRAY; the binding admits only these five
    }
}

struct Session {
    jpeg_decompress_struct cinfo;
    ErrorManager error;
    jpeg_progress_mgr progress;
};

// What decode_rows writes where: `rows` receives height rows of row_bytes;
// a CMYK image goes through `cmyk_rows` (kRowBatch rows of width * 4).
struct Target {
    std::uint8_t* rows;
    std::size_t row_bytes;
    int channels;
    bool blue_first;
    std::uint8_t* cmyk_rows;
};

// The libjpeg calls of tjDecompress2, in its order. May longjmp out.
void decode_rows(Session& s, const std::uint8_t* jpeg, std::size_t size, int pixel_format, bool cmyk,
                 int scale_eighths, const Target& target) {
    j_decompress_ptr cinfo = &s.cinfo;
    jpeg_mem_src(cinfo, jpeg, static_cast<unsigned long>(size));
    jpeg_read_header(cinfo, TRUE);
    cinfo->out_color_space = cmyk ? JCS_CMYK : libjpeg_colorspace(pixel_format);
    // tjDecompress2 passes TurboJPEG's scaling factor reduced (1/2, not 4/8);
    // libjpeg picks the same scaled IDCT size either way.
    cinfo->scale_num = static_cast<unsigned int>(scale_eighths);
    cinfo->scale_denom = static_cast<unsigned int>(kFullScale);
    cinfo->dct_method = JDCT_ISLOW;     // TJFLAG_ACCURATEDCT, OpenCV's and libjpeg's default
    cinfo->do_fancy_upsampling = TRUE;  // no TJFLAG_FASTUPSAMPLE, as OpenCV
    jpeg_start_decompress(cinfo);
    const bool inverted = cinfo->saw_Adobe_marker != FALSE;  // Photoshop's inverted CMYK
    JSAMPROW rows[kRowBatch];
    while (cinfo->output_scanline < cinfo->output_height) {
        const JDIMENSION first = cinfo->output_scanline;
        const int batch = static_cast<int>(std::min<JDIMENSION>(kRowBatch, cinfo->output_height - first));
        for (int i = 0; i < batch; ++i)
            rows[i] = cmyk ? target.cmyk_rows + static_cast<std::size_t>(i) * cinfo->output_width * 4
                           : target.rows + (first + static_cast<std::size_t>(i)) * target.row_bytes;
        const JDIMENSION got = jpeg_read_scanlines(cinfo, rows, static_cast<JDIMENSION>(batch));
        if (cmyk) {
            for (JDIMENSION i = 0; i < got; ++i)
                image::cmyk_to(rows[i], cinfo->output_width, inverted, target.channels, target.blue_first,
                               target.rows + (first + static_cast<std::size_t>(i)) * target.row_bytes);
        }
    }
    jpeg_finish_decompress(cinfo);
}

// Runs the decode; false (with s.error filled in) when it failed.
bool run(Session& s, const std::uint8_t* jpeg, std::size_t size, int pixel_format, bool cmyk, int scale_eighths,
         const Target& target) {
    if (setjmp(s.error.jump) != 0) return false;
    // A fresh decompressor per image: no tables carried over from another one.
    jpeg_create_decompress(&s.cinfo);
    // jinit_memory_mgr reads JPEGMEM; a small value would make progressive
    // decoding fail ("Backing store not supported"), reported as corrupt data.
    // 0 is libjpeg-turbo's own default: no limit (as the encoder does).
    s.cinfo.mem->max_memory_to_use = 0;
    s.cinfo.progress = &s.progress;
    decode_rows(s, jpeg, size, pixel_format, cmyk, scale_eighths, target);
    return true;
}

}  // namespace

bool warning_is_benign(int msg_code, int marker) noexcept {
    switch (msg_code) {
        case JWRN_EXTRANEOUS_DATA:  // bytes before a marker, skipped; MJPEG webcams write them
            return marker < 0xD0 || marker > 0xD7;
        case JWRN_JFIF_MAJOR:       // an unknown JFIF version number in APP0
        case JWRN_ADOBE_XFORM:      // an unknown Adobe transform code; libjpeg assumes YCbCr / YCCK
            return true;
        default:
            return false;
    }
}

bool JpegHeader::cmyk() const noexcept { return colorspace == TJCS_CMYK || colorspace == TJCS_YCCK; }
namespace {
// jdiv_round_up(side * k, 8), as libjpeg-turbo sizes a scaled output.
int scaled_side(int side, int scale_eighths) noexcept {
    return static_cast<int>((static_cast<long long>(side) * scale_eighths + kFullScale - 1) / kFullScale);
}
}  // namespace

int JpegHeader::scaled_width() const noexcept { return scaled_side(width, scale_eighths); }
int JpegHeader::scaled_height() const noexcept { return scaled_side(height, scale_eighths); }
int JpegHeader::out_width() const noexcept {
    return image::swaps_sides(orientation) ? scaled_height() : scaled_width();
}
int JpegHeader::out_height() const noexcept {
    return image::swaps_sides(orientation) ? scaled_width() : scaled_height();
}

int equivalent_scale(int width, int height, int scale_eighths) noexcept {
    const int scaled_w = scaled_side(width, scale_eighths);
    const int scaled_h = scaled_side(height, scale_eighths);
    for (int k = kFullScale; k > scale_eighths; --k)
        if (scaled_side(width, k) == scaled_w && scaled_side(height, k) == scaled_h) return k;
    return scale_eighths;
}

int scale_for_max_side(int width, int height, int max_side) noexcept {
    if (max_side <= 0) return kFullScale;
    const int longer = std::max(width, height);
    for (int k = 1; k < kFullScale; ++k)
        if (scaled_side(longer, k) >= max_side) return k;
    return kFullScale;
}

int decompress_flags(bool strict) noexcept {
    // TJFLAG_ACCURATEDCT: the islow IDCT, as OpenCV and libjpeg default to.
    // No TJFLAG_FASTUPSAMPLE: smooth upsampling, as OpenCV does.
    // TJFLAG_LIMITSCANS: refuse progressive JPEGs with over 500 scans.
    int flags = TJFLAG_ACCURATEDCT | TJFLAG_LIMITSCANS;
    if (strict) flags |= TJFLAG_STOPONWARNING;
    return flags;
}

TurboDecompressor::TurboDecompressor() { reset(); }

void TurboDecompressor::reset() {
    if (handle_ != nullptr) tjDestroy(handle_);
    handle_ = tjInitDecompress();
    if (handle_ == nullptr)
        throw JpegDecodeError(std::string("tjInitDecompress failed: ") + tjGetErrorStr2(nullptr));
}

TurboDecompressor::~TurboDecompressor() {
    if (handle_ != nullptr) tjDestroy(handle_);
}

JpegHeader TurboDecompressor::read_header(const std::uint8_t* jpeg, std::size_t size, bool strict, bool exif) {
    // libjpeg keeps the tables of the previous image in the handle (for
    // abbreviated datastreams); a fresh handle per image (about 1 us) makes
    // every header read independent. Found by tests/hardening/test_regressions.py.
    if (used_) reset();
    used_ = true;
    JpegHeader header;
    int subsampling = -1;
    // TurboJPEG returns -1 for warnings too; tjGetErrorCode then says
    // TJERR_WARNING, but also when a fatal error followed a warning, so the
    // dimensions decide: they are written only once the frame header is read.
    const int status = tjDecompressHeader3(handle_, jpeg, static_cast<unsigned long>(size), &header.width,
                                           &header.height, &subsampling, &header.colorspace);
    const bool has_size = header.width > 0 && header.height > 0;
    if (status != 0) {
        const std::string detail = tjGetErrorStr2(handle_);
        const bool fatal = tjGetErrorCode(handle_) == TJERR_FATAL;
        reset();
        if (fatal || !has_size) throw JpegDecodeError("corrupt JPEG header: " + detail);
        if (strict) throw JpegDecodeError(strict_message(detail.c_str()));
    } else if (!has_size) {
        throw JpegDecodeError("JPEG data holds no image: it is truncated or holds only tables");
    }
    if (exif) header.orientation = image::jpeg_exif_orientation(jpeg, size);
    return header;
}

void decompress(const std::uint8_t* jpeg, std::size_t size, const JpegHeader& header, int pixel_format,
                std::uint8_t* dst, Strictness strictness, std::vector<std::uint8_t>& scratch) {
    const int channels = tjPixelSize[pixel_format];
    const int width = header.scaled_width();
    const int height = header.scaled_height();
    const std::size_t row_bytes = static_cast<std::size_t>(width) * static_cast<std::size_t>(channels);
    const bool cmyk = header.cmyk();
    const bool orient = header.orientation != 1;
    // Scratch: the frame as stored (when it must then be turned), then the CMYK rows.
    const std::size_t frame_bytes = orient ? row_bytes * static_cast<std::size_t>(height) : 0;
    const std::size_t cmyk_bytes = cmyk ? static_cast<std::size_t>(width) * 4 * kRowBatch : 0;
    scratch.resize(frame_bytes + cmyk_bytes);
    const Target target{orient ? scratch.data() : dst, row_bytes, channels,
                        pixel_format == TJPF_BGR || pixel_format == TJPF_BGRA, scratch.data() + frame_bytes};

    Session s;
    std::memset(&s.cinfo, 0, sizeof s.cinfo);  // jpeg_destroy_decompress is safe on it even if creation fails
    s.cinfo.err = jpeg_std_error(&s.error.pub);
    s.error.pub.error_exit = on_error_exit;
    s.error.pub.emit_message = on_emit_message;
    s.error.pub.output_message = on_output_message;
    s.error.strictness = strictness;
    s.error.failure = Failure::kNone;
    s.error.message[0] = '\0';
    s.progress.progress_monitor = on_progress;
    const bool ok = run(s, jpeg, size, pixel_format, cmyk, header.scale_eighths, target);
    jpeg_destroy_decompress(&s.cinfo);
    if (!ok) {
        if (scratch.capacity() > kKeepScratchBytes) std::vector<std::uint8_t>().swap(scratch);
        switch (s.error.failure) {
            case Failure::kStrict: throw JpegDecodeError(strict_message(s.error.message));
            case Failure::kMadeUp: throw JpegDecodeError(made_up_message(s.error.message));
            case Failure::kFatal:
            case Failure::kNone:
            default: throw JpegDecodeError(std::string("corrupt JPEG data: ") + s.error.message);
        }
    }
    if (orient) image::apply_orientation(scratch.data(), height, width, channels, header.orientation, dst);
    if (scratch.capacity() > kKeepScratchBytes) std::vector<std::uint8_t>().swap(scratch);
}

TurboDecompressor& thread_decompressor() {
    thread_local TurboDecompressor decompressor;
    return decompressor;
}

std::vector<std::uint8_t>& thread_decode_scratch() {
    thread_local std::vector<std::uint8_t> scratch;
    return scratch;
}

}  // namespace frame64::jpeg
