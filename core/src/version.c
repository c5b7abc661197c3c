#include <dsvk/api.h>

const char *dsvk_version(void)
{
    return DSVK_VERSION_STRING;
}
