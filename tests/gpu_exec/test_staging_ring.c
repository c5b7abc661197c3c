/*
 * Pure logic of the GPU executor: the staging ring's allocator (order, wrap-around,
 * out-of-order frees, FIFO growth, a random model check), the memory-type choice for each
 * placement on NVIDIA-, AMD- and lavapipe-shaped memory properties, and the texel-block table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gpu/executor_format.h"
#include "gpu/staging_ring.h"
#include "gpu/staging_ring_memory.h"

static void ring_allocates_in_order_and_wraps(void **state)
{
    (void)state;
    dsvk_ring r;
    assert_true(dsvk_ring_init(&r, 1024, 64));
    dsvk_ring_alloc a, b, c, d;
    assert_true(dsvk_ring_try_alloc(&r, 300, &a)); /* 320 with alignment */
    assert_true(dsvk_ring_try_alloc(&r, 300, &b));
    assert_true(dsvk_ring_try_alloc(&r, 300, &c));
    assert_int_equal(a.offset, 0);
    assert_int_equal(b.offset, 320);
    assert_int_equal(c.offset, 640);
    assert_false(dsvk_ring_try_alloc(&r, 100, &d)); /* 64 left at the end, nothing at the start */
    assert_true(dsvk_ring_try_alloc(&r, 64, &d));   /* exactly the tail end */
    assert_int_equal(d.offset, 960);
    assert_int_equal(dsvk_ring_used(&r), 1024);
    assert_false(dsvk_ring_fits(&r, 1));

    /* Out of order: b freed first does not move the tail; a then frees both. */
    assert_false(dsvk_ring_free(&r, b.id));
    assert_false(dsvk_ring_fits(&r, 64));
    assert_true(dsvk_ring_free(&r, a.id));
    assert_int_equal(dsvk_ring_used(&r), 1024 - 640);
    /* Wraps to 0: the allocation takes the free front. */
    dsvk_ring_alloc e;
    assert_true(dsvk_ring_try_alloc(&r, 600, &e));
    assert_int_equal(e.offset, 0);
    assert_int_equal(r.wraps, 0); /* head was at the end exactly: no bytes skipped */
    assert_false(dsvk_ring_fits(&r, 64));
    assert_true(dsvk_ring_free(&r, c.id));
    assert_true(dsvk_ring_free(&r, d.id));
    assert_true(dsvk_ring_free(&r, e.id));
    assert_true(dsvk_ring_empty(&r));
    assert_int_equal(dsvk_ring_used(&r), 0);

    /* An empty ring takes its whole size wherever its head is. */
    dsvk_ring_alloc f1, f2;
    assert_true(dsvk_ring_try_alloc(&r, 100, &f1));
    assert_true(dsvk_ring_free(&r, f1.id));
    assert_true(dsvk_ring_try_alloc(&r, 1024, &f2));
    assert_int_equal(f2.offset, 0);
    assert_true(dsvk_ring_free(&r, f2.id));
    assert_false(dsvk_ring_try_alloc(&r, 1025, &f2));
    assert_false(dsvk_ring_try_alloc(&r, 0, &f2));
    assert_false(dsvk_ring_free(&r, 12345)); /* unknown id */
    dsvk_ring_destroy(&r);
}

static void ring_skips_the_end_when_a_range_does_not_fit(void **state)
{
    (void)state;
    dsvk_ring r;
    assert_true(dsvk_ring_init(&r, 1000 * 8, 8));
    dsvk_ring_alloc a, b, c;
    assert_true(dsvk_ring_try_alloc(&r, 6000, &a));
    assert_true(dsvk_ring_free(&r, a.id)); /* empty, head at 6000 */
    assert_true(dsvk_ring_try_alloc(&r, 1000, &b));
    assert_int_equal(b.offset, 6000);
    assert_true(dsvk_ring_try_alloc(&r, 3000, &c)); /* 1000 left at the end: wraps */
    assert_int_equal(c.offset, 0);
    assert_int_equal(r.wraps, 1);
    assert_int_equal(dsvk_ring_used(&r), 1000 + 1000 + 3000);
    assert_true(dsvk_ring_free(&r, b.id));
    assert_int_equal(dsvk_ring_used(&r), 4000); /* the skipped end stays c's until c goes */
    assert_true(dsvk_ring_free(&r, c.id));
    dsvk_ring_destroy(&r);
}

/* A model check: random sizes, random free order, against a byte map of owners. */
static void ring_random_model(void **state)
{
    (void)state;
    enum { SIZE = 4096, ALIGN = 16, LIVE = 300 };
    dsvk_ring r;
    assert_true(dsvk_ring_init(&r, SIZE, ALIGN));
    int owner[SIZE];
    for (int i = 0; i < SIZE; i++)
        owner[i] = -1;
    dsvk_ring_alloc live[LIVE];
    int n = 0, serial = 0;
    uint64_t s = 12345;
    for (int step = 0; step < 200000; step++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        if (n < LIVE && (s % 3 || n == 0)) {
            uint64_t size = 1 + (s >> 8) % ((s >> 40) % 4 ? 40 : 700); /* mostly small */
            dsvk_ring_alloc a;
            if (!dsvk_ring_try_alloc(&r, size, &a))
                continue;
            assert_true(a.offset % ALIGN == 0);
            assert_true(a.offset + size <= SIZE);
            for (uint64_t i = 0; i < size; i++) {
                if (owner[a.offset + i] != -1)
                    fail_msg("step %d: byte %llu handed out twice", step,
                             (unsigned long long)(a.offset + i));
                owner[a.offset + i] = serial;
            }
            serial++;
            live[n++] = a;
        } else if (n) {
            int k = (int)((s >> 16) % (uint64_t)n);
            for (uint64_t i = 0; i < live[k].size; i++)
                owner[live[k].offset + i] = -1;
            dsvk_ring_free(&r, live[k].id);
            live[k] = live[--n];
        }
    }
    while (n)
        dsvk_ring_free(&r, live[--n].id);
    assert_true(dsvk_ring_empty(&r));
    assert_true(r.cap > 64); /* the record FIFO grew past its first 64 */
    dsvk_ring_destroy(&r);
}

static VkPhysicalDeviceMemoryProperties props(uint32_t n, const VkMemoryPropertyFlags *flags,
                                              const uint32_t *heap, uint32_t heaps,
                                              const VkDeviceSize *heap_size)
{
    VkPhysicalDeviceMemoryProperties p = {.memoryTypeCount = n, .memoryHeapCount = heaps};
    for (uint32_t i = 0; i < n; i++)
        p.memoryTypes[i] = (VkMemoryType){flags[i], heap[i]};
    for (uint32_t i = 0; i < heaps; i++)
        p.memoryHeaps[i] = (VkMemoryHeap){heap_size[i], 0};
    return p;
}

enum {
    DL = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT,
    HV = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT,
    HC = VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
    CA = VK_MEMORY_PROPERTY_HOST_CACHED_BIT,
};

static void memory_types_per_placement(void **state)
{
    (void)state;
    const VkDeviceSize MB = 1u << 20;
    /* NVIDIA with resizable BAR: DL | DL (BAR window on heap 2) | HV HC | HV HC CA. */
    VkMemoryPropertyFlags nv[] = {DL, DL | HV | HC, HV | HC, HV | HC | CA};
    uint32_t nv_heap[] = {0, 2, 1, 1};
    VkDeviceSize nv_sizes[] = {80000 * MB, 64000 * MB, 80000 * MB};
    VkPhysicalDeviceMemoryProperties p = props(4, nv, nv_heap, 3, nv_sizes);
    assert_int_equal(dsvk_ring_memory_pick_type(&p, 0xF, DSVK_RING_MEMORY_HOST, 32 * MB), 2);
    assert_int_equal(dsvk_ring_memory_pick_type(&p, 0xF, DSVK_RING_MEMORY_REBAR, 32 * MB), 1);
    assert_int_equal(dsvk_ring_memory_pick_type(&p, 0xF, DSVK_RING_MEMORY_DEVICE, 32 * MB), 0);
    assert_int_equal(dsvk_ring_memory_pick_type(&p, 0x8, DSVK_RING_MEMORY_HOST, 32 * MB), 3);
    /* Without resizable BAR the window is 256 MiB: too small for 4 x 128 MiB. */
    nv_sizes[2] = 256 * MB;
    p = props(4, nv, nv_heap, 3, nv_sizes);
    assert_int_equal(dsvk_ring_memory_pick_type(&p, 0xF, DSVK_RING_MEMORY_REBAR, 32 * MB), 1);
    assert_int_equal(dsvk_ring_memory_pick_type(&p, 0xF, DSVK_RING_MEMORY_REBAR, 128 * MB), -1);

    /* AMD (RADV-like): DL | HV HC | DL HV HC | HV HC CA, non-coherent host type first. */
    VkMemoryPropertyFlags amd[] = {DL, HV | CA, HV | HC, DL | HV | HC, HV | HC | CA};
    uint32_t amd_heap[] = {0, 1, 1, 2, 1};
    VkDeviceSize amd_sizes[] = {16000 * MB, 32000 * MB, 16000 * MB};
    p = props(5, amd, amd_heap, 3, amd_sizes);
    assert_int_equal(dsvk_ring_memory_pick_type(&p, 0x1F, DSVK_RING_MEMORY_HOST, 32 * MB), 2);
    assert_int_equal(dsvk_ring_memory_pick_type(&p, 0x02, DSVK_RING_MEMORY_HOST, 32 * MB), 1);
    assert_int_equal(dsvk_ring_memory_pick_type(&p, 0x1F, DSVK_RING_MEMORY_REBAR, 32 * MB), 3);

    /* lavapipe: one type that is everything. */
    VkMemoryPropertyFlags lvp[] = {DL | HV | HC | CA};
    uint32_t lvp_heap[] = {0};
    VkDeviceSize lvp_sizes[] = {2048 * MB};
    p = props(1, lvp, lvp_heap, 1, lvp_sizes);
    assert_int_equal(dsvk_ring_memory_pick_type(&p, 1, DSVK_RING_MEMORY_HOST, 32 * MB), 0);
    assert_int_equal(dsvk_ring_memory_pick_type(&p, 1, DSVK_RING_MEMORY_REBAR, 32 * MB), 0);
    assert_int_equal(dsvk_ring_memory_pick_type(&p, 1, DSVK_RING_MEMORY_DEVICE, 32 * MB), 0);

    dsvk_staging_placement pl;
    assert_true(dsvk_staging_placement_parse("rebar", &pl));
    assert_int_equal(pl, DSVK_STAGING_REBAR);
    assert_true(dsvk_staging_placement_parse("host", &pl));
    assert_int_equal(pl, DSVK_STAGING_HOST);
    assert_false(dsvk_staging_placement_parse("vram", &pl));
}

static void texel_blocks(void **state)
{
    (void)state;
    dsvk_texel_block b;
    assert_true(dsvk_texel_block_of(VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_ASPECT_COLOR_BIT, &b));
    assert_int_equal(b.bytes, 4);
    assert_int_equal(b.width, 1);
    assert_true(dsvk_texel_block_of(VK_FORMAT_BC1_RGBA_UNORM_BLOCK, VK_IMAGE_ASPECT_COLOR_BIT, &b));
    assert_int_equal(b.bytes, 8);
    assert_int_equal(b.width, 4);
    assert_int_equal(b.height, 4);
    assert_true(dsvk_texel_block_of(VK_FORMAT_BC7_SRGB_BLOCK, VK_IMAGE_ASPECT_COLOR_BIT, &b));
    assert_int_equal(b.bytes, 16);
    assert_true(dsvk_texel_block_of(VK_FORMAT_D32_SFLOAT_S8_UINT, VK_IMAGE_ASPECT_STENCIL_BIT, &b));
    assert_int_equal(b.bytes, 1);
    assert_true(dsvk_texel_block_of(VK_FORMAT_D24_UNORM_S8_UINT, VK_IMAGE_ASPECT_DEPTH_BIT, &b));
    assert_int_equal(b.bytes, 4);
    assert_false(dsvk_texel_block_of(VK_FORMAT_D16_UNORM, VK_IMAGE_ASPECT_STENCIL_BIT, &b));
    assert_false(dsvk_texel_block_of(VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_ASPECT_DEPTH_BIT, &b));
    assert_false(dsvk_texel_block_of(VK_FORMAT_R32G32B32_SFLOAT, VK_IMAGE_ASPECT_COLOR_BIT, &b));
    assert_int_equal(dsvk_format_aspects(VK_FORMAT_D24_UNORM_S8_UINT),
                     VK_IMAGE_ASPECT_DEPTH_BIT | VK_IMAGE_ASPECT_STENCIL_BIT);
    assert_int_equal(dsvk_format_aspects(VK_FORMAT_BC3_UNORM_BLOCK), VK_IMAGE_ASPECT_COLOR_BIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ring_allocates_in_order_and_wraps),
        cmocka_unit_test(ring_skips_the_end_when_a_range_does_not_fit),
        cmocka_unit_test(ring_random_model),
        cmocka_unit_test(memory_types_per_placement),
        cmocka_unit_test(texel_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
