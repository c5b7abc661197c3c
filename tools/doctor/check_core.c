/* The core library: which libdsvk this program runs with, and whether DSVK_* parse. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <dsvk/dsvk.h>

#include "doctor.h"

static char library_path[DOCTOR_PATH_MAX];
static const char *library_version;
static bool env_ok;

void check_core(doctor *d)
{
    library_version = dsvk_version();
    Dl_info info;
    if (dladdr((void *)dsvk_version, &info) && info.dli_fname)
        snprintf(library_path, sizeof(library_path), "%s", info.dli_fname);

    if (strcmp(library_version, DSVK_VERSION_STRING) != 0)
        doctor_add(d, "core", LEVEL_FAIL, false,
                   "Reinstall dsvk (scripts/install.sh) so its programs and library match.",
                   "libdsvk %s (%s) is not the version dsvk-doctor was built with (%s): an old "
                   "library is found first",
                   library_version, library_path, DSVK_VERSION_STRING);
    else
        doctor_add(d, "core", LEVEL_OK, false, NULL, "libdsvk %s (%s)", library_version,
                   library_path);

    dsvk_config cfg;
    dsvk_config_init(&cfg);
    env_ok = dsvk_config_load_env(&cfg) == DSVK_OK;
    if (!env_ok)
        doctor_add(d, "core", LEVEL_FAIL, false,
                   "Fix or unset the variable named in the message above (values: see "
                   "dsvk-doctor --help or the README's Configuration table).",
                   "a DSVK_* environment variable has a value dsvk does not know");
}

void json_core(json_writer *w, const doctor *d)
{
    (void)d;
    jw_object_begin(w, "core");
    jw_string(w, "version", library_version);
    jw_string(w, "expected_version", DSVK_VERSION_STRING);
    jw_string(w, "library", library_path[0] ? library_path : NULL);
    jw_bool(w, "environment_ok", env_ok);
    jw_object_end(w);
}
