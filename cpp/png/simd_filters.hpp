// The five PNG filters (spec 9.2) and their cost (spec 12.8) written once
// over a small set of vector operations; avx2.cpp and avx512vbmi.cpp
// instantiate them with their own `Ops` (vector type V, mask type M). In an
// anonymous namespace for the reason given in kernel_common.hpp.
//
// Encoding reads only raw bytes (left = cur[i - bpp], up = prev[i], upper
// left = prev[i - bpp]), so every byte is independent and whole vectors go at
// once. Paeth stays in unsigned bytes: pa = |up - ul| and pb = |left - ul|
// are absolute differences, and pc = |(up - ul) + (left - ul)| is pa + pb
// when both differences have the same sign and |pa - pb| otherwise; the
// saturating add cannot change a comparison with pa or pb, both <= 255.
#pragma once

#include "png/kernel_common.hpp"

namespace frame64::png {
namespace {

template <class Ops>
struct FilterSimd {
    using V = typename Ops::V;
    using M = typename Ops::M;

    static V absdiff(V x, V y) { return Ops::bit_or(Ops::subs(x, y), Ops::subs(y, x)); }

    static V paeth(V left, V up, V upper_left) {
        const V pa = absdiff(up, upper_left), pb = absdiff(left, upper_left);
        const M same_sign = Ops::same(Ops::le(upper_left, up), Ops::le(upper_left, left));
        const V pc = Ops::select(same_sign, Ops::adds(pa, pb), absdiff(pa, pb));
        const M use_left = Ops::both(Ops::le(pa, pb), Ops::le(pa, pc));
        return Ops::select(use_left, left, Ops::select(Ops::le(pb, pc), up, upper_left));
    }

    template <int kType>
    static V residual(V x, V left, V up, V upper_left) {
        if constexpr (kType == 0) return x;
        if constexpr (kType == 1) return Ops::sub(x, left);
        if constexpr (kType == 2) return Ops::sub(x, up);
        if constexpr (kType == 3) {
            // floor((left + up) / 2): the rounded-up average minus the lost low bit.
            return Ops::sub(x, Ops::sub(Ops::avg(left, up), Ops::bit_and(Ops::bit_xor(left, up), Ops::ones())));
        }
        if constexpr (kType == 4) return Ops::sub(x, paeth(left, up, upper_left));
    }

    static void costs(const std::uint8_t* cur, const std::uint8_t* prev, std::size_t n, int bpp,
                      std::uint64_t costs[5]) {
        for (int type = 0; type < 5; ++type) costs[type] = 0;
        const std::size_t first = std::min(n, static_cast<std::size_t>(bpp));
        filter_costs_from(cur, prev, 0, first, bpp, costs);  // the first pixel
        typename Ops::Acc acc[5] = {Ops::zero_acc(), Ops::zero_acc(), Ops::zero_acc(), Ops::zero_acc(), Ops::zero_acc()};
        std::size_t i = first;
        for (; i + Ops::kWidth <= n; i += Ops::kWidth) {
            const V x = Ops::load(cur + i), up = Ops::load(prev + i);
            const V left = Ops::load(cur + i - bpp), upper_left = Ops::load(prev + i - bpp);
            acc[0] = Ops::accumulate(acc[0], residual<0>(x, left, up, upper_left));
            acc[1] = Ops::accumulate(acc[1], residual<1>(x, left, up, upper_left));
            acc[2] = Ops::accumulate(acc[2], residual<2>(x, left, up, upper_left));
            acc[3] = Ops::accumulate(acc[3], residual<3>(x, left, up, upper_left));
            acc[4] = Ops::accumulate(acc[4], residual<4>(x, left, up, upper_left));
        }
        for (int type = 0; type < 5; ++type) costs[type] += Ops::total(acc[type]);
        filter_costs_from(cur, prev, i, n, bpp, costs);
    }

    template <int kType>
    static void row_typed(const std::uint8_t* cur, const std::uint8_t* prev, std::size_t n, int bpp, std::uint8_t* out) {
        const std::size_t first = std::min(n, static_cast<std::size_t>(bpp));
        filter_row_from(kType, cur, prev, 0, first, bpp, out);
        std::size_t i = first;
        for (; i + Ops::kWidth <= n; i += Ops::kWidth) {
            const V x = Ops::load(cur + i), up = Ops::load(prev + i);
            const V left = Ops::load(cur + i - bpp), upper_left = Ops::load(prev + i - bpp);
            Ops::store(out + i, residual<kType>(x, left, up, upper_left));
        }
        filter_row_from(kType, cur, prev, i, n, bpp, out);
    }

    static void row(int type, const std::uint8_t* cur, const std::uint8_t* prev, std::size_t n, int bpp,
                    std::uint8_t* out) {
        switch (type) {
            case 0: row_typed<0>(cur, prev, n, bpp, out); break;
            case 1: row_typed<1>(cur, prev, n, bpp, out); break;
            case 2: row_typed<2>(cur, prev, n, bpp, out); break;
            case 3: row_typed<3>(cur, prev, n, bpp, out); break;
            default: row_typed<4>(cur, prev, n, bpp, out); break;
        }
    }
};

}  // namespace
}  // namespace frame64::png
