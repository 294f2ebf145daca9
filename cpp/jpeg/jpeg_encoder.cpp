#include "jpeg/jpeg_encoder.hpp"

// jpeglib.h needs size_t and FILE declared first.
#include <cstddef>
#include <cstdio>
#include <jpeglib.h>
#if !defined(JCS_EXTENSIONS) || !defined(JCS_ALPHA_EXTENSIONS)
#error "frame64 needs libjpeg-turbo's jpeglib.h (JCS_EXT_* colour spaces), not another libjpeg"
#endif
#include <turbojpeg.h>  // TJPF_*, TJSAMP_*, TJFLAG_* and tjBufSize: constants and a pure function only

#include <algorithm>
#include <csetjmp>
#include <cstdlib>
#include <new>
#include <string>

#include "image/formats.hpp"

namespace frame64::jpeg {

int compress_flags(const CompressParams& params) noexcept {
    // TurboJPEG 2.x silently picks the fast DCT below quality 96 unless told
    // otherwise; 3.x defaults to the accurate one. Always say which. The 2.x
    // function API also ignores TJFLAG_FASTDCT at quality >= 96 (in 3.x too),
    // while 3.x's own API (TJPARAM_FASTDCT, used by PyTurboJPEG 2.x) honours
    // it there; so the fast DCT is only ever asked for below 96, and the
    // bytes depend neither on the library version nor on the API.
    const bool fast = params.fast_dct && params.quality < kAccurateDctQuality;
    int flags = fast ? TJFLAG_FASTDCT : TJFLAG_ACCURATEDCT;
    if (params.progressive) flags |= TJFLAG_PROGRESSIVE;
    return flags;
}

// image/formats.hpp keeps TurboJPEG's codes without including turbojpeg.h;
// they are checked against it here, where both are visible.
static_assert(image::kTjpfRgb == TJPF_RGB && image::kTjpfBgr == TJPF_BGR && image::kTjpfGray == TJPF_GRAY &&
                  image::kTjpfRgba == TJPF_RGBA && image::kTjpfBgra == TJPF_BGRA,
              "TJPF codes differ from turbojpeg.h");
// libjpeg-turbo 3.x adds TJSAMP_441 (6) after the six codes frame64 takes,
// so TJ_NUMSAMP is 6 in 2.x and 7 in 3.x.
static_assert(image::kTjsampGray == TJSAMP_GRAY && sizeof image::kSubsamplings / sizeof image::kSubsamplings[0] <=
                                                       static_cast<std::size_t>(TJ_NUMSAMP),
              "TJSAMP codes differ from turbojpeg.h");

int pixel_size(int pixel_format) noexcept { return image::pixel_channels(pixel_format); }

bool valid_subsampling(int subsampling) noexcept { return image::find_subsampling(subsampling) != nullptr; }

RawGeometry raw_geometry(int width, int height, int subsampling) noexcept {
    RawGeometry geometry{};
    const image::Subsampling* mcu = image::find_subsampling(subsampling);
    if (mcu == nullptr || subsampling == TJSAMP_GRAY || width < 1 || height < 1) return geometry;
    const auto up = [](std::size_t value, std::size_t step) { return (value + step - 1) / step; };
    const std::size_t w = static_cast<std::size_t>(width), h = static_cast<std::size_t>(height);
    const std::size_t mw = static_cast<std::size_t>(mcu->mcu_width), mh = static_cast<std::size_t>(mcu->mcu_height);
    // Luma's sampling factors are the MCU's size in blocks, chroma's 1
    // (run_libjpeg), so luma is ceil(width / 8) blocks wide and chroma
    // ceil(width / mcu_width).
    geometry.widths[0] = 8 * up(w, 8);
    geometry.widths[1] = geometry.widths[2] = 8 * up(w, mw);
    geometry.rows[0] = mh;
    geometry.rows[1] = geometry.rows[2] = 8;
    geometry.imcu_rows = up(h, mh);
    return geometry;
}

namespace {

// The libjpeg input colour space of a TJPF_* value: libjpeg-turbo's
// extended colour spaces read the pixels in place, in the order TurboJPEG
// maps them (alpha is read past, never coded).
J_COLOR_SPACE input_color_space(int pixel_format) noexcept {
    switch (pixel_format) {
        case TJPF_RGB: return JCS_EXT_RGB;
        case TJPF_BGR: return JCS_EXT_BGR;
        case TJPF_RGBA: return JCS_EXT_RGBA;
        case TJPF_BGRA: return JCS_EXT_BGRA;
        default: return JCS_GRAYSCALE;  // TJPF_GRAY: the only other format pixel_size() accepts
    }
}

// libjpeg's error manager, extended: error_exit formats libjpeg's message
// and longjmps back to run_libjpeg, which turns it into a JpegError. A C++
// exception must not unwind through libjpeg's C frames (built without
// -fexceptions), so the jump ends in C++ before anything is thrown.
struct ErrorManager {
    jpeg_error_mgr pub;  // first member: libjpeg sees only this part
    std::jmp_buf escape;
    char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void error_exit(j_common_ptr cinfo) {
    ErrorManager* error = reinterpret_cast<ErrorManager*>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, error->message);
    std::longjmp(error->escape, 1);
}

// Warnings and trace messages are dropped, as TurboJPEG drops them (it
// stops on a warning only with TJFLAG_STOPONWARNING, which frame64 never
// sets); libjpeg's default would print them on stderr.
void ignore_message(j_common_ptr, int) {}

// Rows handed to jpeg_write_scanlines per call: libjpeg buffers rows itself,
// so the count changes nothing in the output; a fixed array needs no
// allocation (and nothing to destroy if libjpeg longjmps out).
constexpr JDIMENSION kRowsPerCall = 64;

}  // namespace

struct JpegCompressor::Codec {
    jpeg_compress_struct cinfo;
    ErrorManager error;
    // libjpeg-turbo < 3.1 keeps the optimized Huffman tables of a
    // progressive image in the struct (jpeg_set_defaults installs the
    // standard tables only where none exist), so a later baseline JPEG from
    // the same struct differs from a fresh one's, which is what tjCompress2
    // through PyTurboJPEG (a fresh handle per call) writes. Such a struct is
    // replaced before the next baseline compression.
    bool wrote_progressive = false;

    Codec() {
        cinfo.err = jpeg_std_error(&error.pub);
        error.pub.error_exit = error_exit;
        error.pub.emit_message = ignore_message;
        error.message[0] = '\0';
        if (setjmp(error.escape) != 0) throw JpegError(std::string("jpeg_create_compress failed: ") + error.message);
        jpeg_create_compress(&cinfo);
        // jinit_memory_mgr reads JPEGMEM; a small value there would make
        // progressive compression fail ("Backing store not supported"). 0 is
        // libjpeg-turbo's own default: no limit.
        cinfo.mem->max_memory_to_use = 0;
    }
    ~Codec() { jpeg_destroy_compress(&cinfo); }
    Codec(const Codec&) = delete;
    Codec& operator=(const Codec&) = delete;
};

namespace {

// Hands libjpeg the raw planes, one iMCU row per jpeg_write_raw_data call,
// as tjCompressFromYUVPlanes does (it passes max_v_samp_factor * DCTSIZE
// rows of luma and the matching rows of chroma each time).
void write_raw_rows(jpeg_compress_struct& cinfo, RawRowSource& raw) {
    const JDIMENSION lines = static_cast<JDIMENSION>(cinfo.max_v_samp_factor * DCTSIZE);
    RawRowSource::Rows given;
    JSAMPROW rows[3][RawRowSource::kMaxRows];
    JSAMPARRAY planes[3] = {rows[0], rows[1], rows[2]};
    for (std::size_t index = 0; cinfo.next_scanline < cinfo.image_height; ++index) {
        raw.rows(index, given);
        for (int c = 0; c < 3; ++c) {
            const int count = cinfo.comp_info[c].v_samp_factor * DCTSIZE;
            for (int k = 0; k < count; ++k)  // libjpeg only reads input rows, despite JSAMPROW's type
                rows[c][k] = const_cast<JSAMPROW>(given[c][k]);
        }
        jpeg_write_raw_data(&cinfo, planes, lines);
    }
}

// Compresses one frame into *out (jpeg_mem_dest: libjpeg writes into the
// buffer and, should it ever fill up, continues in a larger one it
// mallocs), from interleaved pixels or, with `raw`, from sampled planes.
// Set up step for step as libjpeg-turbo's tjCompress2 and
// tjCompressFromYUVPlanes set up their jpeg_compress_struct (turbojpeg.c,
// setCompDefaults; the latter then sets raw_data_in), minus the getenv
// calls. The YUV function sets in_color_space from TJPF_RGB, which
// jpeg_set_defaults maps to the same YCbCr JPEG colour space as the
// JCS_YCbCr given here, and libjpeg never converts raw input.
// do_fancy_downsampling (libjpeg 7+ API) is neither in libjpeg-turbo's
// default jpeg 6b API nor used for raw input, which is never downsampled.
// Returns false after libjpeg's error_exit, its message in error.message.
// Only trivially destructible objects live in this frame, since error_exit
// longjmps into it (C++17 [csetjmp.syn]).
// With a gate, interleaved rows are read only once it released them.
bool run_libjpeg(jpeg_compress_struct& cinfo, ErrorManager& error, const std::uint8_t* pixels, RawRowSource* raw,
                 const CompressParams& params, const image::Subsampling& mcu, RowGate gate, unsigned char** out,
                 unsigned long* out_size) {
    if (setjmp(error.escape) != 0) {
        jpeg_abort_compress(&cinfo);  // back to the idle state; the struct stays usable
        return false;
    }
    const int flags = compress_flags(params);
    cinfo.image_width = static_cast<JDIMENSION>(params.width);
    cinfo.image_height = static_cast<JDIMENSION>(params.height);
    jpeg_mem_dest(&cinfo, out, out_size);
    cinfo.in_color_space = raw != nullptr ? JCS_YCbCr : input_color_space(params.pixel_format);
    cinfo.input_components = raw != nullptr ? 3 : pixel_size(params.pixel_format);
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, params.quality, TRUE);  // TRUE: 8-bit (baseline) quantization tables
    cinfo.dct_method = (flags & TJFLAG_FASTDCT) != 0 ? JDCT_IFAST : JDCT_ISLOW;
    jpeg_set_colorspace(&cinfo, params.subsampling == TJSAMP_GRAY ? JCS_GRAYSCALE : JCS_YCbCr);
    if ((flags & TJFLAG_PROGRESSIVE) != 0) jpeg_simple_progression(&cinfo);
    // Luma's sampling factors are the MCU's size in blocks (ITU T.81 A.2);
    // chroma is sampled once per MCU. A grayscale image has one component,
    // but comp_info always holds MAX_COMPONENTS entries.
    cinfo.comp_info[0].h_samp_factor = mcu.mcu_width / 8;
    cinfo.comp_info[0].v_samp_factor = mcu.mcu_height / 8;
    for (int c = 1; c < 3; ++c) {
        cinfo.comp_info[c].h_samp_factor = 1;
        cinfo.comp_info[c].v_samp_factor = 1;
    }
    cinfo.raw_data_in = raw != nullptr ? TRUE : FALSE;
    jpeg_start_compress(&cinfo, TRUE);
    if (raw != nullptr) {
        write_raw_rows(cinfo, *raw);
        jpeg_finish_compress(&cinfo);
        return true;
    }
    JSAMPROW rows[kRowsPerCall];
    while (cinfo.next_scanline < cinfo.image_height) {
        const JDIMENSION first = cinfo.next_scanline;
        const JDIMENSION count = std::min(kRowsPerCall, cinfo.image_height - first);
        if (gate.wait != nullptr) gate.wait(gate.context, static_cast<int>(first + count));
        for (JDIMENSION k = 0; k < count; ++k)  // libjpeg only reads input rows, despite JSAMPROW's type
            rows[k] = const_cast<JSAMPROW>(pixels + static_cast<std::size_t>(first + k) *
                                                        static_cast<std::size_t>(params.pitch));
        jpeg_write_scanlines(&cinfo, rows, count);
    }
    jpeg_finish_compress(&cinfo);
    return true;
}

}  // namespace

JpegCompressor::JpegCompressor() : codec_(std::make_unique<Codec>()) {}

JpegCompressor::~JpegCompressor() { std::free(buffer_); }

void JpegCompressor::reset_codec() {
    codec_.reset();  // first: at most one struct's memory at a time
    codec_ = std::make_unique<Codec>();
}

Bytes JpegCompressor::compress(const std::uint8_t* pixels, const CompressParams& params, RowGate gate) {
    return run(pixels, nullptr, params, gate);
}

Bytes JpegCompressor::compress_raw(RawRowSource& rows, const CompressParams& params) {
    return run(nullptr, &rows, params, {});
}

Bytes JpegCompressor::run(const std::uint8_t* pixels, RawRowSource* raw, const CompressParams& params, RowGate gate) {
    // The worst case of TurboJPEG (which sizes its own buffers the same way),
    // so libjpeg never needs to grow the buffer.
    const image::Subsampling* mcu = image::find_subsampling(params.subsampling);
    const unsigned long needed = tjBufSize(params.width, params.height, params.subsampling);
    const bool input_ok = raw != nullptr ? params.subsampling != TJSAMP_GRAY : pixel_size(params.pixel_format) != 0;
    if (mcu == nullptr || !input_ok || needed == static_cast<unsigned long>(-1))
        throw JpegError("JPEG compression failed: invalid pixel format, subsampling or size");
    // TurboJPEG's tjAlloc (hence the fallback) stops at 2 GiB, and
    // jpeg_mem_dest counts in unsigned long (32 bits on Windows).
    if (needed > 0x7FFFFFFFul) throw JpegError("image too large: its worst-case JPEG size exceeds 2 GiB");
    if (needed > capacity_) {
        std::free(buffer_);  // first: never the old and the new buffer at once
        buffer_ = nullptr;
        capacity_ = 0;
        buffer_ = static_cast<unsigned char*>(std::malloc(needed));
        if (buffer_ == nullptr) throw std::bad_alloc();
        capacity_ = needed;
    }
    if (codec_ == nullptr || (codec_->wrote_progressive && !params.progressive)) reset_codec();
    codec_->wrote_progressive = codec_->wrote_progressive || params.progressive;

    unsigned char* out = buffer_;
    unsigned long size = static_cast<unsigned long>(capacity_);
    if (!run_libjpeg(codec_->cinfo, codec_->error, pixels, raw, params, *mcu, gate, &out, &size))
        throw JpegError(std::string("JPEG compression failed: ") + codec_->error.message);
    if (out != buffer_) {  // libjpeg outgrew the buffer and moved to one it malloc'd: keep that one
        std::free(buffer_);
        buffer_ = out;
        capacity_ = size;  // at least this much
    }
    return {buffer_, static_cast<std::size_t>(size)};
}

void JpegCompressor::release_outsized_buffer() noexcept {
    if (capacity_ > kKeepBufferBytes) {
        std::free(buffer_);
        buffer_ = nullptr;
        capacity_ = 0;
    }
}

JpegCompressor& thread_compressor() {
    thread_local JpegCompressor compressor;
    return compressor;
}

}  // namespace frame64::jpeg
