/* Symbol visibility and version of the dsvk core API. */
#ifndef DSVK_API_H
#define DSVK_API_H

#if defined(DSVK_BUILDING_CORE)
#define DSVK_API __attribute__((visibility("default")))
#else
#define DSVK_API
#endif

#define DSVK_VERSION_MAJOR 0
#define DSVK_VERSION_MINOR 1
#define DSVK_VERSION_PATCH 0
#define DSVK_VERSION_STRING "0.1.0"

#ifdef __cplusplus
extern "C" {
#endif

/* The version string of the loaded library; compare with DSVK_VERSION_STRING. */
DSVK_API const char *dsvk_version(void);

#ifdef __cplusplus
}
#endif

#endif
