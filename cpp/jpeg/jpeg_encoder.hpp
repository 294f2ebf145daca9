// JPEG compression through libjpeg's own API (jpeglib.h), set up exactly as
// libjpeg-turbo's tjCompress2 sets it up, so that the bytes equal
// TurboJPEG's (PyTurboJPEG's, the fallback's) for every option set -- but
// without TurboJPEG's environment variables: tjCompress2 reads TJ_OPTIMIZE,
// TJ_ARITHMETIC, TJ_RESTART and TJ_PROGRESSIVE on every call, and libjpeg's
// memory manager reads JPEGMEM, so a variable left in a user's shell would
// change (or fail) every JPEG frame64 writes. Nothing here reads the
// environment, and nothing here changes it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>

namespace frame64::jpeg {

// Raised for a failure inside libjpeg (message from its format_message).
class JpegError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

// From this quality up, libjpeg-turbo 2.x always uses the accurate DCT, so
// frame64 does the same on every version (fast_dct has no effect there).
inline constexpr int kAccurateDctQuality = 96;

struct CompressParams {
    int width = 0;
    int height = 0;
    int pitch = 0;         // bytes from one row to the next (>= width * channels)
    int pixel_format = 0;  // TJPF_*
    int subsampling = 0;   // TJSAMP_*
    int quality = 90;      // 1..100
    bool fast_dct = false;
    bool progressive = false;
};

// The exact TurboJPEG flags for these options, minus buffer-management flags.
// The fallback computes the same value in Python (frame64/_fallback/jpeg.py);
// JpegCompressor applies the same rule to libjpeg (fast DCT only below 96).
int compress_flags(const CompressParams& params) noexcept;

// Bytes per pixel of a TJPF_* value, or 0 for one frame64 does not accept.
int pixel_size(int pixel_format) noexcept;
bool valid_subsampling(int subsampling) noexcept;

// Called before libjpeg reads input rows [0, end): returns once they are
// there (a producer still writing the frame, e.g. image::ResizeStream).
// Must not throw: it runs inside libjpeg's frame.
struct RowGate {
    void (*wait)(void* context, int end) noexcept = nullptr;
    void* context = nullptr;
};

struct Bytes {
    const std::uint8_t* data;
    std::size_t size;
};

// What libjpeg's raw-data API (jpeg_write_raw_data) reads of already-sampled
// YCbCr planes: each call takes one iMCU row, 8 * v rows of each component
// whose vertical sampling factor is v (ITU T.81 A.2), and each row holds the
// component's width in whole 8x8 blocks (T.81 A.1.1:
// ceil(width * h / (8 * h_max)) blocks), so planes are padded out to blocks.
struct RawGeometry {
    std::size_t widths[3];     // samples per row libjpeg reads, per component
    std::size_t rows[3];       // rows per iMCU row, per component (mcu_height for luma, 8 for chroma)
    std::size_t imcu_rows;     // calls: ceil(height / mcu_height)
};
// For a YCbCr subsampling (not gray); all zero for one frame64 does not know.
RawGeometry raw_geometry(int width, int height, int subsampling) noexcept;

// Supplies the planes of a raw-data compression one iMCU row at a time
// (JpegCompressor::compress_raw). rows() fills out[c][k] for each component
// c and k < RawGeometry::rows[c] with rows of RawGeometry::widths[c]
// samples; the pointers stay valid until the next call. It runs inside
// libjpeg's error scope, so it must not throw (nor allocate: allocate
// before compressing).
class RawRowSource {
public:
    static constexpr int kMaxRows = 16;  // 8 * the largest vertical sampling factor frame64 uses
    using Rows = const std::uint8_t* [3][kMaxRows];
    virtual void rows(std::size_t imcu_row, Rows& out) noexcept = 0;

protected:
    ~RawRowSource() = default;
};

// One libjpeg compressor and its output buffer. Not thread-safe: use one per
// thread (thread_compressor()). The buffer is sized for the worst case of
// the frame (tjBufSize) and kept for the next frame, so steady-state
// compression allocates nothing; a buffer above kKeepBufferBytes is released
// by release_outsized_buffer(), which callers run once they have copied the
// result out.
class JpegCompressor {
public:
    // Same threshold as the decoder's per-thread scratch buffer
    // (bindings/bind_decode.cpp): worst-case buffers up to 64 MiB (a 4:2:0
    // frame of about 22 MP, a 4:4:4 one of about 11 MP) stay for the next
    // frame; larger ones are freed after their frame.
    static constexpr std::size_t kKeepBufferBytes = std::size_t{64} << 20;

    JpegCompressor();
    ~JpegCompressor();
    JpegCompressor(const JpegCompressor&) = delete;
    JpegCompressor& operator=(const JpegCompressor&) = delete;

    // Compresses pixels; the result stays valid until the next call to
    // compress() or release_outsized_buffer() on this compressor.
    // With a gate, rows are read only once it released them (same bytes).
    Bytes compress(const std::uint8_t* pixels, const CompressParams& params, RowGate gate = {});

    // The same from already-sampled YCbCr planes (libjpeg's raw-data API, as
    // libjpeg-turbo's tjCompressFromYUVPlanes drives it): params.subsampling
    // is the planes' (420, 422 or 444), params.pitch and pixel_format are
    // unused. Same bytes as tjCompressFromYUVPlanes given the planes that
    // `rows` hands over, with no TJ_* variable read.
    Bytes compress_raw(RawRowSource& rows, const CompressParams& params);

    // Frees the output buffer when it is larger than kKeepBufferBytes.
    void release_outsized_buffer() noexcept;

    // Bytes held by the output buffer (for the tests' capacity probe).
    std::size_t buffer_capacity() const noexcept { return capacity_; }

private:
    struct Codec;  // jpeg_compress_struct and its error manager (jpeglib.h stays out of this header)
    void reset_codec();
    Bytes run(const std::uint8_t* pixels, RawRowSource* raw, const CompressParams& params, RowGate gate);  // one of the two

    std::unique_ptr<Codec> codec_;
    unsigned char* buffer_ = nullptr;  // malloc'd: jpeg_mem_dest may hand back a buffer it malloc'd
    std::size_t capacity_ = 0;
};

// The calling thread's compressor, created on first use.
JpegCompressor& thread_compressor();

// Runs compressor.release_outsized_buffer() at scope exit: declare it
// before the compressed bytes are copied out.
class ReleaseOutsizedBufferOnExit {
public:
    explicit ReleaseOutsizedBufferOnExit(JpegCompressor& compressor) noexcept : compressor_(compressor) {}
    ~ReleaseOutsizedBufferOnExit() { compressor_.release_outsized_buffer(); }
    ReleaseOutsizedBufferOnExit(const ReleaseOutsizedBufferOnExit&) = delete;
    ReleaseOutsizedBufferOnExit& operator=(const ReleaseOutsizedBufferOnExit&) = delete;

private:
    JpegCompressor& compressor_;
};

}  // namespace frame64::jpeg
