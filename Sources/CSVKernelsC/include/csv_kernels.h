// Byte-class bitmasks of a 64-byte block for the CSV structural indexer.
//
// Header-only: static inline functions over SSE2 intrinsics (baseline x86-64),
// inlined into CSVCore/Kernels by the compiler. No library, no state. A portable
// scalar version is used elsewhere. Swift's standard library has no movemask,
// which is why this exists (see shared/SWIFT_NOTES.md: 6.5 GB/s vs 4.9 for the
// pure-Swift multiply-pack).
#ifndef TRADESCAN_CSV_KERNELS_H
#define TRADESCAN_CSV_KERNELS_H

#include <stdint.h>
#include <stddef.h>

#if defined(__SSE2__)
#include <emmintrin.h>

/// Sets bit i of *quote, *delim, *newline when p[i] equals the quote, the
/// delimiter or '\n', for i in 0..<64. p must have 64 readable bytes.
static inline void tradescan_masks64(const uint8_t *p, uint8_t quote, uint8_t delim,
                                     uint64_t *quotes, uint64_t *delims, uint64_t *newlines) {
    const __m128i vq = _mm_set1_epi8((char)quote);
    const __m128i vd = _mm_set1_epi8((char)delim);
    const __m128i vn = _mm_set1_epi8('\n');
    const __m128i x0 = _mm_loadu_si128((const __m128i *)(p + 0));
    const __m128i x1 = _mm_loadu_si128((const __m128i *)(p + 16));
    const __m128i x2 = _mm_loadu_si128((const __m128i *)(p + 32));
    const __m128i x3 = _mm_loadu_si128((const __m128i *)(p + 48));
#define TRADESCAN_MASK(v) \
    ((uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x0, v)) | \
     ((uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x1, v)) << 16) | \
     ((uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x2, v)) << 32) | \
     ((uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x3, v)) << 48))
    *quotes = TRADESCAN_MASK(vq);
    *delims = TRADESCAN_MASK(vd);
    *newlines = TRADESCAN_MASK(vn);
#undef TRADESCAN_MASK
}
#define TRADESCAN_HAVE_SIMD_MASKS 1
#else
static inline void tradescan_masks64(const uint8_t *p, uint8_t quote, uint8_t delim,
                                     uint64_t *quotes, uint64_t *delims, uint64_t *newlines) {
    uint64_t q = 0, d = 0, n = 0;
    for (int i = 0; i < 64; i++) {
        q |= (uint64_t)(p[i] == quote) << i;
        d |= (uint64_t)(p[i] == delim) << i;
        n |= (uint64_t)(p[i] == '\n') << i;
    }
    *quotes = q; *delims = d; *newlines = n;
}
#define TRADESCAN_HAVE_SIMD_MASKS 0
#endif

/// Number of '\n' and quote bytes in [p, p + count): for chunk planning.
static inline void tradescan_count_quotes_newlines(const uint8_t *p, size_t count, uint8_t quote,
                                                   uint64_t *quotes, uint64_t *newlines) {
    uint64_t q = 0, n = 0;
    size_t i = 0;
#if defined(__SSE2__)
    // Byte lanes count matches (a match is -1, so subtracting adds one) for up to
    // 255 blocks of 16 bytes, then _mm_sad_epu8 sums the lanes: no movemask and
    // popcount per block.
    const __m128i vq = _mm_set1_epi8((char)quote);
    const __m128i vn = _mm_set1_epi8('\n');
    const __m128i zero = _mm_setzero_si128();
    while (i + 16 <= count) {
        __m128i aq = zero, an = zero;
        size_t blocks = (count - i) / 16;
        if (blocks > 255) blocks = 255;
        for (size_t b = 0; b < blocks; b++, i += 16) {
            const __m128i x = _mm_loadu_si128((const __m128i *)(p + i));
            aq = _mm_sub_epi8(aq, _mm_cmpeq_epi8(x, vq));
            an = _mm_sub_epi8(an, _mm_cmpeq_epi8(x, vn));
        }
        const __m128i sq = _mm_sad_epu8(aq, zero), sn = _mm_sad_epu8(an, zero);
        q += (uint64_t)_mm_cvtsi128_si64(sq) + (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(sq, sq));
        n += (uint64_t)_mm_cvtsi128_si64(sn) + (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(sn, sn));
    }
#endif
    for (; i < count; i++) { q += p[i] == quote; n += p[i] == '\n'; }
    *quotes = q; *newlines = n;
}

#endif
