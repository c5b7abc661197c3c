#include <time.h>

#include "internal.h"

void dsvk_list_init(dsvk_link *head)
{
    head->prev = head->next = head;
}

void dsvk_list_add(dsvk_link *head, dsvk_link *node)
{
    node->next = head->next;
    node->prev = head;
    head->next->prev = node;
    head->next = node;
}

void dsvk_list_remove(dsvk_link *node)
{
    node->prev->next = node->next;
    node->next->prev = node->prev;
    node->prev = node->next = node;
}

uint64_t dsvk_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
