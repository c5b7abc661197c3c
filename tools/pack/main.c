/* dsvk-pack: command line, help, dispatch to the subcommands. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dsvk/api.h>
#include <dsvk/gdeflate.h>

#include "pack.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: dsvk-pack compress [-l LEVEL] [-t THREADS] [--verify] IN OUT\n"
            "       dsvk-pack decompress [-t THREADS] IN OUT\n"
            "       dsvk-pack info IN\n"
            "       dsvk-pack --help | --version\n"
            "\n"
            "GDeflate tile streams, the compression format of DirectStorage 1.1+ (dsvk %s).\n"
            "\n"
            "  compress     compress IN (1 byte .. 65535 x 64 KiB) into the stream OUT\n"
            "  decompress   decode the stream IN into OUT\n"
            "  info         list IN's tiles: sizes, ratio, stored/fixed/dynamic blocks\n"
            "\n"
            "options:\n"
            "  -l, --level LEVEL      1..12 (default 9); DirectStorage's presets are\n"
            "                         1 (fastest), 9 (default), 12 (best ratio)\n"
            "  -t, --threads THREADS  worker threads (default 0: one per CPU)\n"
            "      --verify           decode the new stream and compare it with IN\n"
            "  -h, --help             this text\n"
            "\n"
            "A progress line appears on stderr for inputs over 64 MiB when stderr is a\n"
            "terminal. Output files are replaced; a failed run leaves none behind.\n"
            "\n"
            "exit status:\n"
            "  0  success\n"
            "  1  a file could not be read or written\n"
            "  2  bad command line\n"
            "  3  IN is not a valid GDeflate stream (the message names the tile)\n"
            "  4  IN cannot be compressed (empty, or larger than 65535 tiles of 64 KiB)\n"
            "  5  --verify found that the stream does not decode to IN\n"
            "  6  out of memory\n",
            dsvk_version());
}

static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "dsvk-pack: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see dsvk-pack --help)\n");
    return PACK_E_USAGE;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *v)
{
    char *end;
    if (!*s || *s == '-')
        return false;
    *v = strtoul(s, &end, 10);
    return !*end && *v <= max;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr), PACK_E_USAGE;
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help"))
        return usage(stdout), PACK_OK;
    if (!strcmp(cmd, "--version")) {
        printf("dsvk-pack %s\n", dsvk_version());
        return PACK_OK;
    }
    int (*run)(const pack_options *);
    unsigned files;
    if (!strcmp(cmd, "compress"))
        run = pack_compress, files = 2;
    else if (!strcmp(cmd, "decompress"))
        run = pack_decompress, files = 2;
    else if (!strcmp(cmd, "info"))
        run = pack_info, files = 1;
    else
        return bad_usage("unknown command '%s'", cmd);

    pack_options o = {.level = DSVK_GDEFLATE_LEVEL_DEFAULT, .threads = 0};
    static const struct option longs[] = {{"level", required_argument, NULL, 'l'},
                                          {"threads", required_argument, NULL, 't'},
                                          {"verify", no_argument, NULL, 'v'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    bool level_set = false;
    optind = 2;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, "+l:t:h", longs, NULL)) != -1;) {
        unsigned long v;
        switch (c) {
        case 'l':
            if (!parse_uint(optarg, 12, &v) || v < 1)
                return bad_usage("level must be 1..12, not '%s'", optarg);
            o.level = (int)v;
            level_set = true;
            break;
        case 't':
            if (!parse_uint(optarg, 1024, &v))
                return bad_usage("threads must be 0..1024, not '%s'", optarg);
            o.threads = (uint32_t)v;
            break;
        case 'v': o.verify = true; break;
        case 'h': return usage(stdout), PACK_OK;
        default: return bad_usage("unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if ((level_set || o.verify) && run != pack_compress)
        return bad_usage("%s takes no --level or --verify", cmd);
    if (o.threads && run == pack_info)
        return bad_usage("%s takes no --threads", cmd);
    if ((unsigned)(argc - optind) != files)
        return bad_usage(files == 2 ? "%s needs IN and OUT" : "%s needs IN", cmd);
    o.in = argv[optind];
    o.out = files == 2 ? argv[optind + 1] : NULL;
    return run(&o);
}
