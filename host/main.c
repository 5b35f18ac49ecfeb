/*
 * main.c — the inkpipe command line: dispatches to host/cmd_<name>.c.
 */
#include <stdio.h>
#include <string.h>

#include "host/cli.h"
#include "host/commands.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
} command;

static const command commands[] = {
    {"convert", ink_cmd_convert,
     "convert IN -o OUT.bmp [--size WxH] [--fit contain|cover] [--upscale]\n"
     "          [--dither atkinson|floyd-steinberg|ordered|threshold] [--bits 1|2]\n"
     "          [--dot-gain N | --linear | --encoded] [--contrast N] [--brightness N]\n"
     "          [--gamma G] [--levels BLACK:WHITE] [--auto-levels] [--codec system|arena] [-v]\n"
     "      One JPEG or PNG to a 1-bit BMP that fits the box (default 480x800, the X4's\n"
     "      portrait screen; widths up to 800). contain (default) keeps the whole image and\n"
     "      never enlarges it unless --upscale; cover fills the box, cropping the centre.\n"
     "      --dither: floyd-steinberg (fs, the default: truest tones), atkinson (crisper,\n"
     "      but it loses the lightest and darkest grays), ordered (bayer: an 8x8 Bayer\n"
     "      pattern, fast, no worms), threshold (no dither).\n"
     "      --bits 2: four grays (black, 85, 170, white) for the X4's gray refresh, as a\n"
     "      4-bit BMP with a four-entry palette.\n"
     "      --dot-gain N: dither for a screen whose ink spreads (Yule-Nielsen n; 1 = ideal,\n"
     "      e-paper about 2 = the default); --linear = --dot-gain 1 (dither in linear light);\n"
     "      --encoded dithers the sRGB gray values as they are (inkpipe 0.1).\n"
     "      Tone, applied to the scaled image; none of them clips (0 and 255 stay put):\n"
     "      --contrast N and --brightness N (-100..100, 0 = unchanged) are S- and arc-shaped\n"
     "      curves; --gamma G (0.5..4, >1 lightens midtones); --levels B:W stretches B..W\n"
     "      to black..white; --auto-levels picks B:W from a quick first decode so that at\n"
     "      most 0.1% of the pixels clip at each end (reads the image twice).\n"
     "      Bilevel images (1-bit PNGs, two-colour palettes) skip tone and dot gain: at their\n"
     "      own size they come out unchanged."},
    {"decode", ink_cmd_decode,
     "decode IN -o OUT.pgm [--scale 1|2|4|8] [--codec system|arena]\n"
     "      A decoder's 8-bit gray output, before scaling and dithering, as a binary PGM."},
    {"arena", ink_cmd_arena, "arena\n      The 80 KB arena's regions and status report."},
    {"layout", ink_cmd_layout,
     "layout [--width N] [--indent N] [--metric mono|FILE] [--hyphenate LANG.dic] [--justify]\n"
     "          [--greedy] [--hyphen-penalty N] [--consecutive-penalty N] [--quiet]\n"
     "          [--save-trie FILE] [TEXT]\n"
     "      Breaks UTF-8 paragraphs (blank-line separated; TEXT or standard input) into lines\n"
     "      of minimum raggedness, hyphenating inside the optimum; prints them and the cost.\n"
     "      docs/TEXT.md describes the cost, the metric file and the compiled trie."},
    {"thumb", ink_cmd_thumb,
     "thumb BOOK.epub|IMAGE --cache DIR [--dither M] [--codec C] [--max-entries N]\n"
     "          [--max-bytes N]\n"
     "      Makes or reuses the book's 120x180 cover thumbnail in DIR/thumbs/ and prints hit or\n"
     "      miss and the time. (EPUB covers arrive with the EPUB work; pass the image for now.)\n"
     "  inkpipe thumb --show FILE.thb -o OUT.bmp\n"
     "      A cached thumbnail as a 1-bit BMP."},
    {"epub", ink_cmd_epub,
     "epub BOOK.epub -o DIR [--jobs N] [--codec system|arena] [--cover-fit cover|contain]\n"
     "          [--report FILE] [convert's options]\n"
     "      Every JPEG and PNG of a book to a 1-bit BMP in DIR, named from its manifest\n"
     "      path (images/fig1.jpg -> DIR/images/fig1.bmp), and the cover as DIR/cover.bmp\n"
     "      filling the 480x800 screen. GIF, WebP and SVG are listed as skipped. Writes a\n"
     "      JSON Lines report (default DIR/report.jsonl) and a summary line; --jobs N\n"
     "      workers (default: one per core), each with its own arena. --codec arena takes\n"
     "      the board's path: deflated entries are inflated in the arena to a temporary\n"
     "      file, stored ones decoded in place. --cache DIR also makes the book's 120x180\n"
     "      cover thumbnail there (as inkpipe thumb does); --sheet writes DIR/sheet.html,\n"
     "      each source image beside its output, to judge the result at a glance."},
};

static void print_help(FILE *out)
{
    fprintf(out, "inkpipe %s - images and text for a 1-bit e-paper reader (Xteink X4)\n\n"
                 "usage: inkpipe COMMAND [ARGS]\n\n",
            INK_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  inkpipe %s\n\n", commands[i].usage);
    fprintf(out,
            "Codecs: system = Debian's libjpeg-turbo and libpng (default); arena = inkpipe's\n"
            "own in-arena decoders, the ones the board runs.\n"
            "Exit codes: 0 success, 1 bad or unsupported input, 2 usage error. A failed\n"
            "conversion never leaves a file under the output name.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return INK_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        print_help(stdout);
        return INK_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("inkpipe %s\n", INK_VERSION);
        return INK_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            if (argc >= 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
                printf("usage: inkpipe %s\n", commands[i].usage);
                return INK_EXIT_OK;
            }
            return commands[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "inkpipe: unknown command '%s' (see 'inkpipe --help')\n", argv[1]);
    return INK_EXIT_USAGE;
}
