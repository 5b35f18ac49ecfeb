/*
 * jpeg_testing.h — helpers for the in-arena JPEG decoder's tests: an independent reference
 * (libjpeg-turbo, JDCT_ISLOW, DCT scaling, gray from gray.h's formulas for RGB/CMYK output),
 * a run of ink_decoder_arena_jpeg into a heap image, and fixture generation with the Debian
 * tools (cjpeg, jpegtran, ImageMagick) and libjpeg's compressor.
 */
#ifndef INK_TESTS_JPEG_TESTING_H
#define INK_TESTS_JPEG_TESTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena/arena.h"
#include "arena/error.h"

typedef struct jt_image {
    uint32_t width, height;
    uint8_t *gray; /* malloc'ed, width * height */
} jt_image;

/* libjpeg-turbo's decode at 1/2^scale_log2: JCS_GRAYSCALE for gray/YCbCr, JCS_RGB / JCS_CMYK
 * converted with ink_gray_from_rgb / ink_gray_from_adobe_cmyk. False (and `why` filled) when
 * libjpeg refuses the data. */
bool jt_reference_decode(const uint8_t *data, size_t nbytes, unsigned scale_log2, jt_image *out,
                         char *why, size_t why_nbytes);
/* The same with libjpeg's block smoothing of partial progressive files (do_block_smoothing, on by
 * default: jt_reference_decode) on or off. */
bool jt_reference_decode_smoothing(const uint8_t *data, size_t nbytes, unsigned scale_log2,
                                   bool smoothing, jt_image *out, char *why, size_t why_nbytes);

/* Runs ink_decoder_arena_jpeg over `data` at `scale_log2` in `arena` (initialised by the
 * caller). The image is filled when the decode succeeds. */
ink_error jt_arena_decode(const uint8_t *data, size_t nbytes, unsigned scale_log2,
                          ink_arena *arena, jt_image *out, ink_error_info *info);

void jt_image_free(jt_image *image);

/* Largest absolute difference and PSNR in dB (99 when identical) of two same-size images. */
int jt_max_abs_diff(const jt_image *a, const jt_image *b);
double jt_psnr(const jt_image *a, const jt_image *b);

/* Reads a whole file into malloc'ed memory. */
uint8_t *jt_read_file(const char *path, size_t *nbytes);
bool jt_write_file(const char *path, const uint8_t *data, size_t nbytes);

/* A fresh temporary folder (mkdtemp under TMPDIR or /tmp); jt_remove_tree deletes it. */
bool jt_make_temp_dir(char *path, size_t path_nbytes);
void jt_remove_tree(const char *path);

/* Writes a deterministic photo-like RGB test picture (gradients, edges, texture, noise) as a
 * binary PPM. */
bool jt_write_test_ppm(const char *path, uint32_t width, uint32_t height, uint32_t seed);

/* Takes every entry of the shared corpus's EPUBs that starts like a JPEG, whatever its name,
 * into `dir` as "orig_NNNN_<base name>" (python's zipfile); with `progressive_copies`, also
 * "prog_NNNN_<base name>", the same image re-encoded progressive by jpegtran (lossless). */
bool jt_extract_corpus_jpegs(const char *shared_dir, const char *dir, bool progressive_copies);

/* Runs a shell command; true when it exits 0. */
bool jt_run(const char *command);

/* Runs a command that writes a fixture to `path` (its stderr dropped) and takes the file: its
 * bytes (malloc'ed, the file removed), or NULL when the command fails or wrote nothing. */
uint8_t *jt_make_fixture(const char *command, const char *path, size_t *nbytes);

/* Compresses the test picture with libjpeg directly, for what the tools cannot make:
 * colour space JCS_YCbCr/JCS_RGB/JCS_CMYK/JCS_YCCK/JCS_GRAYSCALE (as J_COLOR_SPACE values),
 * sampling factors of component 0 (the others 1x1, or as given), restart interval in MCUs. */
typedef struct jt_compress_options {
    int colour_space;   /* J_COLOR_SPACE */
    int h[4], v[4];     /* sampling factors per component (0 = 1) */
    int quality;
    int restart_mcus;
    bool arithmetic;
    bool progressive;
} jt_compress_options;
uint8_t *jt_compress(uint32_t width, uint32_t height, uint32_t seed,
                     const jt_compress_options *options, size_t *nbytes);

/* A JPEG's frame header, parsed by walking marker segments, independently of the decoder. */
typedef struct jt_sof_info {
    int marker; /* 0xC0.., 0 if none */
    uint32_t width, height;
    unsigned hmax, vmax, ncomponents;
} jt_sof_info;
jt_sof_info jt_find_sof(const uint8_t *data, size_t nbytes);

#endif
