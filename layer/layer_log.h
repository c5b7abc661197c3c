/*
 * The layer's logging: one line per message on stderr, "dsvk layer: <level>: …", filtered by
 * DSVK_LOG (error|warn|info|debug|trace, default warn) like the core's. The layer does not
 * use the core's logger because it must work, and say why, when the core cannot be loaded.
 */
#ifndef DSVK_LAYER_LOG_H
#define DSVK_LAYER_LOG_H

enum { LAYER_LOG_ERROR, LAYER_LOG_WARN, LAYER_LOG_INFO, LAYER_LOG_DEBUG };

void dsvk_layer_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define LAYER_ERR(...) dsvk_layer_log(LAYER_LOG_ERROR, __VA_ARGS__)
#define LAYER_WARN(...) dsvk_layer_log(LAYER_LOG_WARN, __VA_ARGS__)
#define LAYER_INFO(...) dsvk_layer_log(LAYER_LOG_INFO, __VA_ARGS__)
#define LAYER_DEBUG(...) dsvk_layer_log(LAYER_LOG_DEBUG, __VA_ARGS__)

#endif
