#include "jpeg/jpeg_decoder.hpp"

// clang-format off: jpeglib.h needs <cstdio> (FILE) before it.
#include <cstdio>
#include <jpeglib.h>
#include <jerror.h>
#if __has_include(<jpegint.h>)
#include <jpegint.h>  // jpeg_marker_reader's state (see decompress_band)
#define FRAME64_HAVE_JPEGINT 1
#endif
// clang-format on
#include <turbojpeg.h>

#include <algorithm>
#include <csetjmp>
#include <cstring>
#include <iterator>
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

// libjpeg's text for the message in cinfo->err, worded as libjpeg-turbo 2.x
// words it. 3.0 reworded three (for its lossless mode); frame64's messages
// do not depend on the libjpeg-turbo it is built with (Debian 12's 2.1.5, or
// the wheel's 3.1.2), and the fallback maps the same three back
// (frame64/_formats.py LIBJPEG_REWORDED).
void format_message(j_common_ptr cinfo, char* out) {
    const jpeg_error_mgr& err = *cinfo->err;
    const int* p = err.msg_parm.i;
    switch (err.msg_code) {
        case JERR_BAD_PROGRESSION:
            std::snprintf(out, JMSG_LENGTH_MAX, "Invalid progressive parameters Ss=%d Se=%d Ah=%d Al=%d", p[0], p[1],
                          p[2], p[3]);
            return;
        case JERR_BAD_DCT_COEF: std::snprintf(out, JMSG_LENGTH_MAX, "DCT coefficient out of range"); return;
        case JERR_NO_BACKING_STORE: std::snprintf(out, JMSG_LENGTH_MAX, "Backing store not supported"); return;
        default: (*err.format_message)(cinfo, out);
    }
}

// libjpeg-turbo 3.0 added lossless (SOF3, SOF11) and 12-bit lossy JPEG to
// the library 2.x refuses them from; where 3.x reads on, these hooks stop
// as 2.x does, so that both decode the same and say the same (jdmarker.c's
// read_markers and get_sof, jdinput.c's initial_setup, 2.1.5 beside 3.1.2):
// - 2.x stops at a SOF3/SOF11 marker with JERR_SOF_UNSUPPORTED. 3.x parses
//   it: the first message it then emits (the JTRC_SOF trace, or "premature
//   end" while reading the segment) or JERR_SOF_DUPLICATE (a second SOF)
//   arrives with the marker still in unread_marker;
// - 2.x refuses data precision 12 at the first SOS, after the size checks:
//   3.x's last message before that point is the JTRC_SOS_PARAMS trace;
// - 3.x checks for a second SOF before reading the segment, 2.x reads its
//   first 8 bytes first, through the memory source's fake EOI (a "premature
//   end" warning per 2 bytes) when fewer are left (kDuplicateSofEofWarnings).
#if defined(LIBJPEG_TURBO_VERSION_NUMBER) && LIBJPEG_TURBO_VERSION_NUMBER >= 3000000
constexpr bool kLibjpeg3 = true;
#else
constexpr bool kLibjpeg3 = false;
#endif
constexpr int kInHeaderState = 201;  // jpegint.h's DSTATE_INHEADER: inside jpeg_read_header
constexpr int kSofFieldBytes = 8;    // length, precision, height, width, component count

bool lossless_sof(int marker) noexcept { return marker == 0xC3 || marker == 0xCB; }

// True when the message in cinfo->err is where 2.x stops: it is then
// rewritten into 2.x's error.
bool stops_in_libjpeg2(j_common_ptr cinfo) noexcept {
    if (!kLibjpeg3 || cinfo->is_decompressor == FALSE) return false;
    auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
    jpeg_error_mgr& err = *cinfo->err;
    const int code = err.msg_code;
    if (lossless_sof(d->unread_marker) && (code == JTRC_SOF || code == JWRN_JPEG_EOF || code == JERR_SOF_DUPLICATE)) {
        err.msg_code = JERR_SOF_UNSUPPORTED;
        err.msg_parm.i[0] = d->unread_marker;
        return true;
    }
    if (code == JTRC_SOS_PARAMS && d->global_state == kInHeaderState && d->data_precision == 12 &&
        d->image_height <= JPEG_MAX_DIMENSION && d->image_width <= JPEG_MAX_DIMENSION) {
        err.msg_code = JERR_BAD_PRECISION;
        err.msg_parm.i[0] = d->data_precision;
        return true;
    }
    return false;
}

// How many "premature end" warnings 2.x emits before JERR_SOF_DUPLICATE
// where 3.x emits none (0 on 2.x, and for any other error).
int duplicate_sof_eof_warnings(j_common_ptr cinfo) noexcept {
    if (!kLibjpeg3 || cinfo->is_decompressor == FALSE || cinfo->err->msg_code != JERR_SOF_DUPLICATE) return 0;
    auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
    const std::size_t left = d->src != nullptr ? d->src->bytes_in_buffer : kSofFieldBytes;
    if (left >= kSofFieldBytes) return 0;
    return static_cast<int>((kSofFieldBytes - left + 1) / 2);  // the fake EOI gives 2 bytes per refill
}

// Sends 2.x's extra warnings through `warn` (which may longjmp), then puts
// the error back in cinfo->err.
template <typename Warn>
void emit_libjpeg2_warnings(j_common_ptr cinfo, Warn warn) {
    const int warnings = duplicate_sof_eof_warnings(cinfo);
    if (warnings == 0) return;
    jpeg_error_mgr& err = *cinfo->err;
    const int code = err.msg_code;
    for (int i = 0; i < warnings; ++i) {
        err.msg_code = JWRN_JPEG_EOF;
        warn(cinfo);
    }
    err.msg_code = code;
}

[[noreturn]] void fail(j_common_ptr cinfo, Failure failure) {
    ErrorManager& manager = manager_of(cinfo);
    format_message(cinfo, manager.message);
    manager.failure = failure;
    std::longjmp(manager.jump, 1);
}

void on_warning(j_common_ptr cinfo);

void on_error_exit(j_common_ptr cinfo) {
    stops_in_libjpeg2(cinfo);
    emit_libjpeg2_warnings(cinfo, on_warning);
    fail(cinfo, Failure::kFatal);
}

void on_emit_message(j_common_ptr cinfo, int msg_level) {
    if (stops_in_libjpeg2(cinfo)) fail(cinfo, Failure::kFatal);
    if (msg_level >= 0) return;  // trace messages
    on_warning(cinfo);
}

void on_warning(j_common_ptr cinfo) {
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
// A band (decompress_band) keeps only rows [keep_first, keep_end): `rows` is
// row keep_first, the others go to `junk` (one row), and the decode stops
// after keep_end.
struct Target {
    std::uint8_t* rows;
    std::size_t row_bytes;
    int channels;
    bool blue_first;
    std::uint8_t* cmyk_rows;
    JDIMENSION keep_first = 0;
    JDIMENSION keep_end = ~JDIMENSION{0};
    std::uint8_t* junk = nullptr;

    std::uint8_t* row(JDIMENSION y) const noexcept {
        if (y < keep_first || y >= keep_end) return junk;
        return rows + static_cast<std::size_t>(y - keep_first) * row_bytes;
    }
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
    // A band that ends above the bottom stops there: what follows (and the
    // end-of-image checks) belongs to other bands.
    const bool whole = target.keep_end >= cinfo->output_height;
    while (cinfo->output_scanline < cinfo->output_height) {
        const JDIMENSION first = cinfo->output_scanline;
        if (!whole && first >= target.keep_end) return;
        const int batch = static_cast<int>(std::min<JDIMENSION>(kRowBatch, cinfo->output_height - first));
        for (int i = 0; i < batch; ++i)
            rows[i] = cmyk ? target.cmyk_rows + static_cast<std::size_t>(i) * cinfo->output_width * 4
                           : target.row(first + static_cast<JDIMENSION>(i));
        const JDIMENSION got = jpeg_read_scanlines(cinfo, rows, static_cast<JDIMENSION>(batch));
        if (cmyk) {
            for (JDIMENSION i = 0; i < got; ++i)
                image::cmyk_to(rows[i], cinfo->output_width, inverted, target.channels, target.blue_first,
                               target.row(first + i));
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

void init_session(Session& s, Strictness strictness) noexcept {
    std::memset(&s.cinfo, 0, sizeof s.cinfo);  // jpeg_destroy_decompress is safe on it even if creation fails
    s.cinfo.err = jpeg_std_error(&s.error.pub);
    s.error.pub.error_exit = on_error_exit;
    s.error.pub.emit_message = on_emit_message;
    s.error.pub.output_message = on_output_message;
    s.error.strictness = strictness;
    s.error.failure = Failure::kNone;
    s.error.message[0] = '\0';
    s.progress.progress_monitor = on_progress;
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

namespace {

// The header read of TurboJPEG 2.x's tjDecompressHeader3 (libjpeg-turbo
// 2.1.5, Debian 12's, which the fallback's PyTurboJPEG calls), done with
// libjpeg's API so that it does not change with the libjpeg-turbo frame64 is
// built with: 3.x's tjDecompressHeader3 is a wrapper that reports any frame
// whose subsampling it cannot name (a tables-only or truncated stream
// included) as "Could not determine subsampling level", over libjpeg's own
// message. What 2.x does, and so this: the first warning's text is kept, a
// fatal error's text replaces it; a tables-only stream (or one cut off
// before its frame header) is no error and has no size; then the frame must
// have a subsampling level, a colour space and a size TurboJPEG knows.
struct HeaderRead {
    int status = 0;        // 0, or -1 (a warning, a fatal error, or a refused frame)
    bool warned = false;   // TurboJPEG's TJERR_WARNING rather than TJERR_FATAL
    char message[JMSG_LENGTH_MAX] = {};
};

struct HeaderErrors {
    jpeg_error_mgr pub;  // first: libjpeg hands back a pointer to it
    std::jmp_buf jump;
    HeaderRead* read;
};

HeaderErrors& header_errors(j_common_ptr cinfo) { return *reinterpret_cast<HeaderErrors*>(cinfo->err); }

void on_header_warning(j_common_ptr cinfo);

void on_header_error_exit(j_common_ptr cinfo) {
    stops_in_libjpeg2(cinfo);
    emit_libjpeg2_warnings(cinfo, on_header_warning);
    HeaderErrors& errors = header_errors(cinfo);
    format_message(cinfo, errors.read->message);
    std::longjmp(errors.jump, 1);
}

void on_header_message(j_common_ptr cinfo, int msg_level) {
    if (stops_in_libjpeg2(cinfo)) on_header_error_exit(cinfo);
    if (msg_level >= 0) return;  // trace messages
    on_header_warning(cinfo);
}

void on_header_warning(j_common_ptr cinfo) {
    HeaderErrors& errors = header_errors(cinfo);
    if (cinfo->err->num_warnings == 0) format_message(cinfo, errors.read->message);  // the first one's text
    ++cinfo->err->num_warnings;
    errors.read->warned = true;
}

// TurboJPEG 2.x's subsampling levels (TJSAMP_444, 422, 420, GRAY, 440, 411):
// the luma sampling factors and the components each is for.
struct Level {
    int h, v, components;
};
constexpr Level kLevels[] = {{1, 1, 3}, {2, 1, 3}, {2, 2, 3}, {1, 1, 1}, {1, 2, 3}, {4, 1, 3}};
constexpr int kLevel422 = 1;
constexpr int kLevel440 = 4;
constexpr int kMaxBlocksInMcu = 10;  // libjpeg's D_MAX_BLOCKS_IN_MCU

// Whether TurboJPEG 2.x can name the frame's subsampling level (its
// getSubsamp): the components' sampling factors are one of its levels (the
// K of CMYK/YCCK sampled as luma), including 4:2:2 and 4:4:0 written with
// 2x2 luma, and 4:4:4 written with equal factors larger than 1.
bool known_subsampling(const jpeg_decompress_struct& d) noexcept {
    const int n = d.num_components;
    if (n == 1 && d.jpeg_color_space == JCS_GRAYSCALE) return true;
    const bool four = d.jpeg_color_space == JCS_YCCK || d.jpeg_color_space == JCS_CMYK;
    const jpeg_component_info* c = d.comp_info;
    auto others_are = [&](int h, int v, int k_h, int k_v) {
        for (int k = 1; k < n; ++k) {
            const bool luma_like = four && k == 3;
            if (c[k].h_samp_factor != (luma_like ? k_h : h) || c[k].v_samp_factor != (luma_like ? k_v : v))
                return false;
        }
        return true;
    };
    for (int i = 0; i < static_cast<int>(std::size(kLevels)); ++i) {
        const Level& level = kLevels[i];
        if (n != level.components && !(four && level.components == 3 && n == 4)) continue;
        if (c[0].h_samp_factor == level.h && c[0].v_samp_factor == level.v &&
            others_are(1, 1, level.h, level.v))
            return true;
        if (c[0].h_samp_factor == 2 && c[0].v_samp_factor == 2 && (i == kLevel422 || i == kLevel440) &&
            others_are(level.v, level.h, 2, 2))
            return true;
        if (i == 0 && n > 1 && c[0].h_samp_factor * c[0].v_samp_factor <= kMaxBlocksInMcu / level.components &&
            others_are(c[0].h_samp_factor, c[0].v_samp_factor, c[0].h_samp_factor, c[0].v_samp_factor))
            return true;
    }
    return false;
}

int turbo_colorspace(J_COLOR_SPACE space) noexcept {
    switch (space) {
        case JCS_GRAYSCALE: return TJCS_GRAY;
        case JCS_RGB: return TJCS_RGB;
        case JCS_YCbCr: return TJCS_YCbCr;
        case JCS_CMYK: return TJCS_CMYK;
        case JCS_YCCK: return TJCS_YCCK;
        default: return -1;
    }
}

// Reads the header into `header` (which stays 0 x 0 unless a frame header
// is read). May longjmp to errors.jump; holds no object with a destructor.
void read_header_rows(jpeg_decompress_struct& d, const std::uint8_t* jpeg, std::size_t size, JpegHeader& header,
                      HeaderRead& read) {
    jpeg_mem_src(&d, jpeg, static_cast<unsigned long>(size));
    if (jpeg_read_header(&d, FALSE) == JPEG_HEADER_TABLES_ONLY) return;
    header.width = static_cast<int>(d.image_width);
    header.height = static_cast<int>(d.image_height);
    header.colorspace = turbo_colorspace(d.jpeg_color_space);
    const bool subsampling = known_subsampling(d);
    jpeg_abort_decompress(&d);
    const char* refused = !subsampling ? "tjDecompressHeader3(): Could not determine subsampling type for JPEG image"
                          : header.colorspace < 0 ? "tjDecompressHeader3(): Could not determine colorspace of JPEG image"
                          : header.width < 1 || header.height < 1 ? "tjDecompressHeader3(): Invalid data returned in header"
                                                                  : nullptr;
    if (refused != nullptr) {
        std::snprintf(read.message, sizeof read.message, "%s", refused);
        read.status = -1;
    } else if (read.warned) {
        read.status = -1;
    }
}

// The whole 2.x header read, in a fresh decompressor (no tables carried
// over from another image).
HeaderRead read_header_like_turbojpeg(const std::uint8_t* jpeg, std::size_t size, JpegHeader& header) {
    HeaderRead read;
    jpeg_decompress_struct d;
    std::memset(&d, 0, sizeof d);  // jpeg_destroy_decompress is safe on it even if creation fails
    HeaderErrors errors;
    d.err = jpeg_std_error(&errors.pub);
    errors.pub.error_exit = on_header_error_exit;
    errors.pub.emit_message = on_header_message;
    errors.pub.output_message = on_output_message;
    errors.read = &read;
    if (setjmp(errors.jump) != 0) {
        read.status = -1;
    } else {
        jpeg_create_decompress(&d);
        d.mem->max_memory_to_use = 0;  // as run(): JPEGMEM in the environment changes nothing
        read_header_rows(d, jpeg, size, header, read);
    }
    jpeg_destroy_decompress(&d);
    return read;
}

}  // namespace

JpegHeader read_header(const std::uint8_t* jpeg, std::size_t size, bool strict, bool exif) {
    JpegHeader header;
    const HeaderRead read = read_header_like_turbojpeg(jpeg, size, header);
    // The dimensions decide, as with TurboJPEG's status -1 (a fatal error
    // after a warning is reported as a warning): they are set only once the
    // frame header is read.
    const bool has_size = header.width > 0 && header.height > 0;
    if (read.status != 0) {
        if (!read.warned || !has_size) throw JpegDecodeError(std::string("corrupt JPEG header: ") + read.message);
        if (strict) throw JpegDecodeError(strict_message(read.message));
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
    init_session(s, strictness);
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

bool decompress_band(const std::uint8_t* jpeg, std::size_t size, int pixel_format, int keep_first, int keep_end,
                     std::uint8_t* dst, std::size_t row_bytes, std::uint8_t* junk) noexcept {
    Target target{dst, row_bytes, tjPixelSize[pixel_format], pixel_format == TJPF_BGR || pixel_format == TJPF_BGRA,
                  nullptr};
    target.keep_first = static_cast<JDIMENSION>(keep_first);
    target.keep_end = static_cast<JDIMENSION>(keep_end);
    target.junk = junk;
    Session s;
    init_session(s, Strictness::kStrict);  // any warning fails the band
    bool ok = run(s, jpeg, size, pixel_format, false, kFullScale, target);
    // Bytes skipped before an RST marker that the entropy decoder had already
    // read ahead to are counted (marker->discarded_bytes) but reported only at
    // the next marker libjpeg looks for, which may lie in the next band: a
    // band that ends with such a count pending fails, as the whole frame
    // would warn. Without jpegint.h that cannot be told, so no band succeeds.
#ifdef FRAME64_HAVE_JPEGINT
    ok = ok && s.cinfo.marker != nullptr && s.cinfo.marker->discarded_bytes == 0;
#else
    ok = false;
#endif
    jpeg_destroy_decompress(&s.cinfo);
    return ok;
}

bool bands_supported() noexcept {
#ifdef FRAME64_HAVE_JPEGINT
    return true;
#else
    return false;
#endif
}

std::vector<std::uint8_t>& thread_decode_scratch() {
    thread_local std::vector<std::uint8_t> scratch;
    return scratch;
}

}  // namespace frame64::jpeg
