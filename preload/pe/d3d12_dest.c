/*
 * GPU destinations: D3D12 resources in Vulkan terms, through vkd3d-proton.
 *
 * vkd3d-proton's ID3D12Device answers ID3D12DXVKInteropDevice1, which gives a resource's
 * VkBuffer + offset (placed resources share one VkBuffer: the offset matters) or VkImage +
 * VkFormat (GetVulkanResourceInfo1), and the VkImageLayout for a D3D12 state
 * (GetVulkanImageLayout; DirectStorage destinations are in the COMMON state). Layouts of the
 * data come from ID3D12Device::GetCopyableFootprints (and GetResourceTiling for tiles), so
 * they are exactly what the game computed its UncompressedSize from. winevulkan passes
 * VkBuffer/VkImage handles through unchanged, so the unix side uses them as they are.
 *
 * The device is identified by its physical device's deviceUUID, queried here through
 * winevulkan (vkGetPhysicalDeviceProperties2 with VkPhysicalDeviceIDProperties) on the
 * VkPhysicalDevice vkd3d-proton created, and matched by the core against the devices the
 * Vulkan layer captured. Without the interop interface (Wine's own vkd3d, or Windows) there
 * is no UUID, the core binds no device, and GPU destinations fail with
 * E_DSTORAGE_INVALID_DESTINATION_TYPE through the error record.
 *
 * Interface facts (IIDs, method order) from vkd3d-proton's include/vkd3d_device_vkd3d_ext.idl.
 */
#include <string.h>

#include <vulkan/vulkan_core.h>

#include "pe.h"

/* ID3D12DXVKInteropDevice1 {902d8115-59eb-4406-9518-fe00f991ee65}: IUnknown, then
 * ID3D12DXVKInteropDevice's ten methods, then ID3D12DXVKInteropDevice1's. */
static const IID IID_ID3D12DXVKInteropDevice1 = {
    0x902d8115, 0x59eb, 0x4406, {0x95, 0x18, 0xfe, 0x00, 0xf9, 0x91, 0xee, 0x65}};

typedef struct interop_device interop_device;
typedef struct interop_device_vtbl {
    HRESULT(STDMETHODCALLTYPE *QueryInterface)(interop_device *, REFIID, void **);
    ULONG(STDMETHODCALLTYPE *AddRef)(interop_device *);
    ULONG(STDMETHODCALLTYPE *Release)(interop_device *);
    HRESULT(STDMETHODCALLTYPE *GetDXGIAdapter)(interop_device *, REFIID, void **);
    HRESULT(STDMETHODCALLTYPE *GetInstanceExtensions)(interop_device *, UINT *, const char **);
    HRESULT(STDMETHODCALLTYPE *GetDeviceExtensions)(interop_device *, UINT *, const char **);
    HRESULT(STDMETHODCALLTYPE *GetDeviceFeatures)
    (interop_device *, const VkPhysicalDeviceFeatures2 **);
    HRESULT(STDMETHODCALLTYPE *GetVulkanHandles)
    (interop_device *, VkInstance *, VkPhysicalDevice *, VkDevice *);
    HRESULT(STDMETHODCALLTYPE *GetVulkanQueueInfo)
    (interop_device *, ID3D12CommandQueue *, VkQueue *, UINT32 *);
    void(STDMETHODCALLTYPE *GetVulkanImageLayout)(interop_device *, ID3D12Resource *,
                                                  D3D12_RESOURCE_STATES, VkImageLayout *);
    HRESULT(STDMETHODCALLTYPE *GetVulkanResourceInfo)
    (interop_device *, ID3D12Resource *, UINT64 *, UINT64 *);
    HRESULT(STDMETHODCALLTYPE *LockCommandQueue)(interop_device *, ID3D12CommandQueue *);
    HRESULT(STDMETHODCALLTYPE *UnlockCommandQueue)(interop_device *, ID3D12CommandQueue *);
    /* ID3D12DXVKInteropDevice1 */
    HRESULT(STDMETHODCALLTYPE *GetVulkanResourceInfo1)
    (interop_device *, ID3D12Resource *, UINT64 *vk_handle, UINT64 *buffer_offset,
     VkFormat *format);
} interop_device_vtbl;
struct interop_device {
    const interop_device_vtbl *lpVtbl;
};

static bool query_uuid(interop_device *interop, uint8_t uuid[16])
{
    VkInstance instance = VK_NULL_HANDLE;
    VkPhysicalDevice physical = VK_NULL_HANDLE;
    VkDevice device = VK_NULL_HANDLE;
    if (FAILED(interop->lpVtbl->GetVulkanHandles(interop, &instance, &physical, &device)) ||
        !instance || !physical)
        return false;
    HMODULE vk = LoadLibraryW(L"vulkan-1.dll");
    if (!vk)
        return false;
    PFN_vkGetInstanceProcAddr gipa =
        (PFN_vkGetInstanceProcAddr)(void *)GetProcAddress(vk, "vkGetInstanceProcAddr");
    PFN_vkGetPhysicalDeviceProperties2 props2 =
        gipa ? (PFN_vkGetPhysicalDeviceProperties2)gipa(instance, "vkGetPhysicalDeviceProperties2")
             : NULL;
    bool ok = false;
    if (props2) {
        VkPhysicalDeviceIDProperties id = {.sType =
                                               VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES};
        VkPhysicalDeviceProperties2 p = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
                                         .pNext = &id};
        props2(physical, &p);
        memcpy(uuid, id.deviceUUID, VK_UUID_SIZE);
        ok = true;
    }
    /* vkd3d-proton keeps vulkan-1.dll loaded; this only drops our reference. */
    FreeLibrary(vk);
    return ok;
}

void pe_device_init(pe_device *d, ID3D12Device *device)
{
    memset(d, 0, sizeof(*d));
    if (!device)
        return;
    device->lpVtbl->AddRef(device);
    d->device = device;
    interop_device *interop = NULL;
    if (FAILED(device->lpVtbl->QueryInterface(device, &IID_ID3D12DXVKInteropDevice1,
                                              (void **)&interop)) ||
        !interop) {
        pe_log_info("the ID3D12Device has no ID3D12DXVKInteropDevice1 (not vkd3d-proton)");
        return;
    }
    d->interop = interop;
    d->has_uuid = query_uuid(interop, d->uuid);
}

void pe_device_release(pe_device *d)
{
    if (d->interop)
        ((interop_device *)d->interop)->lpVtbl->Release(d->interop);
    if (d->device)
        d->device->lpVtbl->Release(d->device);
    memset(d, 0, sizeof(*d));
}

static uint32_t aspect_of(VkFormat format, uint32_t plane)
{
    switch (format) {
    case VK_FORMAT_D16_UNORM:
    case VK_FORMAT_X8_D24_UNORM_PACK32:
    case VK_FORMAT_D32_SFLOAT: return VK_IMAGE_ASPECT_DEPTH_BIT;
    case VK_FORMAT_S8_UINT: return VK_IMAGE_ASPECT_STENCIL_BIT;
    case VK_FORMAT_D16_UNORM_S8_UINT:
    case VK_FORMAT_D24_UNORM_S8_UINT:
    case VK_FORMAT_D32_SFLOAT_S8_UINT:
        return plane ? VK_IMAGE_ASPECT_STENCIL_BIT : VK_IMAGE_ASPECT_DEPTH_BIT;
    default:
        /* Planar video formats address planes; everything else is colour. */
        return plane ? (uint32_t)VK_IMAGE_ASPECT_PLANE_0_BIT << plane : VK_IMAGE_ASPECT_COLOR_BIT;
    }
}

typedef struct resource_info {
    UINT64 handle;
    UINT64 offset;
    VkFormat format;
    VkImageLayout layout;
    D3D12_RESOURCE_DESC desc;
} resource_info;

static bool resource_info_of(pe_device *d, ID3D12Resource *res, resource_info *out)
{
    interop_device *interop = d->interop;
    if (!res || !interop)
        return false;
    memset(out, 0, sizeof(*out));
    if (FAILED(interop->lpVtbl->GetVulkanResourceInfo1(interop, res, &out->handle, &out->offset,
                                                       &out->format)) ||
        !out->handle)
        return false;
    res->lpVtbl->GetDesc(res, &out->desc);
    if (out->desc.Dimension != D3D12_RESOURCE_DIMENSION_BUFFER)
        interop->lpVtbl->GetVulkanImageLayout(interop, res, D3D12_RESOURCE_STATE_COMMON,
                                              &out->layout);
    return true;
}

static uint32_t array_size_of(const D3D12_RESOURCE_DESC *desc)
{
    return desc->Dimension == D3D12_RESOURCE_DIMENSION_TEXTURE3D ? 1 : desc->DepthOrArraySize;
}

static void subresource_of(const resource_info *ri, UINT sub, dsvk_wire_footprint *f)
{
    uint32_t mips = ri->desc.MipLevels ? ri->desc.MipLevels : 1;
    uint32_t layers = array_size_of(&ri->desc) ? array_size_of(&ri->desc) : 1;
    f->mip_level = sub % mips;
    f->array_layer = (sub / mips) % layers;
    f->aspect = aspect_of(ri->format, sub / (mips * layers));
}

static void footprint_of(const D3D12_PLACED_SUBRESOURCE_FOOTPRINT *p, dsvk_wire_footprint *f)
{
    f->data_offset = p->Offset;
    f->row_pitch = p->Footprint.RowPitch;
    f->width = p->Footprint.Width;
    f->height = p->Footprint.Height;
    f->depth = p->Footprint.Depth;
}

static bool texture_region(pe_device *d, const DSTORAGE_DESTINATION_TEXTURE_REGION *t,
                           dsvk_wire_destination *out)
{
    resource_info ri;
    if (!resource_info_of(d, t->Resource, &ri) ||
        ri.desc.Dimension == D3D12_RESOURCE_DIMENSION_BUFFER)
        return false;
    const D3D12_BOX *b = &t->Region;
    if (b->right <= b->left || b->bottom <= b->top || b->back <= b->front)
        return false;
    /* The data of a region is laid out like a texture of the region's size. */
    D3D12_RESOURCE_DESC region = ri.desc;
    region.Width = b->right - b->left;
    region.Height = b->bottom - b->top;
    region.DepthOrArraySize =
        (UINT16)(ri.desc.Dimension == D3D12_RESOURCE_DIMENSION_TEXTURE3D ? b->back - b->front : 1);
    region.MipLevels = 1;
    D3D12_PLACED_SUBRESOURCE_FOOTPRINT layout;
    UINT rows;
    UINT64 row_size, total;
    d->device->lpVtbl->GetCopyableFootprints(d->device, &region, 0, 1, 0, &layout, &rows, &row_size,
                                             &total);
    out->u.image_region.image = ri.handle;
    out->u.image_region.format = (uint32_t)ri.format;
    out->u.image_region.layout = (uint32_t)ri.layout;
    footprint_of(&layout, &out->u.image_region.footprint);
    out->u.image_region.footprint.data_offset = 0;
    subresource_of(&ri, t->SubresourceIndex, &out->u.image_region.footprint);
    uint32_t box[6] = {b->left, b->top, b->front, region.Width, region.Height, b->back - b->front};
    memcpy(out->u.image_region.box, box, sizeof(box));
    return true;
}

static bool subresources(pe_device *d, ID3D12Resource *res, UINT first, UINT count_or_zero,
                         dsvk_wire_destination *out, dsvk_wire_footprint **footprints)
{
    resource_info ri;
    if (!resource_info_of(d, res, &ri) || ri.desc.Dimension == D3D12_RESOURCE_DIMENSION_BUFFER)
        return false;
    uint32_t mips = ri.desc.MipLevels ? ri.desc.MipLevels : 1;
    uint32_t planes =
        (ri.format == VK_FORMAT_D16_UNORM_S8_UINT || ri.format == VK_FORMAT_D24_UNORM_S8_UINT ||
         ri.format == VK_FORMAT_D32_SFLOAT_S8_UINT)
            ? 2
            : 1;
    uint32_t total_subs = mips * array_size_of(&ri.desc) * planes;
    if (first >= total_subs)
        return false;
    uint32_t n = count_or_zero ? count_or_zero : total_subs - first;
    if (n > total_subs - first || n > DSVK_WIRE_MAX_FOOTPRINTS)
        return false;
    HANDLE heap = GetProcessHeap();
    D3D12_PLACED_SUBRESOURCE_FOOTPRINT *layouts = HeapAlloc(heap, 0, n * sizeof(*layouts));
    dsvk_wire_footprint *f = HeapAlloc(heap, HEAP_ZERO_MEMORY, n * sizeof(*f));
    if (!layouts || !f) {
        if (layouts)
            HeapFree(heap, 0, layouts);
        if (f)
            HeapFree(heap, 0, f);
        return false;
    }
    UINT64 total;
    d->device->lpVtbl->GetCopyableFootprints(d->device, &ri.desc, first, n, 0, layouts, NULL, NULL,
                                             &total);
    for (uint32_t i = 0; i < n; i++) {
        footprint_of(&layouts[i], &f[i]);
        subresource_of(&ri, first + i, &f[i]);
    }
    HeapFree(heap, 0, layouts);
    out->u.subresources.image = ri.handle;
    out->u.subresources.format = (uint32_t)ri.format;
    out->u.subresources.layout = (uint32_t)ri.layout;
    out->u.subresources.count = n;
    *footprints = f; /* the batch points the entry at it right before crossing */
    return true;
}

static bool tiles(pe_device *d, const DSTORAGE_DESTINATION_TILES *t, dsvk_wire_destination *out)
{
    resource_info ri;
    if (!resource_info_of(d, t->Resource, &ri))
        return false;
    UINT total_tiles = 0, sub_count = 1;
    D3D12_PACKED_MIP_INFO packed;
    D3D12_TILE_SHAPE shape;
    D3D12_SUBRESOURCE_TILING sub_tiling;
    d->device->lpVtbl->GetResourceTiling(d->device, t->Resource, &total_tiles, &packed, &shape,
                                         &sub_count, t->TiledRegionStartCoordinate.Subresource,
                                         &sub_tiling);
    const D3D12_TILE_REGION_SIZE *s = &t->TileRegionSize;
    bool is_buffer = ri.desc.Dimension == D3D12_RESOURCE_DIMENSION_BUFFER;
    out->u.tiles.resource = ri.handle;
    out->u.tiles.is_buffer = is_buffer;
    out->u.tiles.format = (uint32_t)ri.format;
    out->u.tiles.layout = (uint32_t)ri.layout;
    dsvk_wire_footprint sub;
    memset(&sub, 0, sizeof(sub));
    if (!is_buffer)
        subresource_of(&ri, t->TiledRegionStartCoordinate.Subresource, &sub);
    out->u.tiles.mip = sub.mip_level;
    out->u.tiles.layer = sub.array_layer;
    out->u.tiles.aspect = sub.aspect;
    out->u.tiles.x = t->TiledRegionStartCoordinate.X;
    out->u.tiles.y = t->TiledRegionStartCoordinate.Y;
    out->u.tiles.z = t->TiledRegionStartCoordinate.Z;
    if (s->UseBox) {
        out->u.tiles.tiles_w = s->Width;
        out->u.tiles.tiles_h = s->Height;
        out->u.tiles.tiles_d = s->Depth;
    } else { /* NumTiles in the resource's tile order */
        out->u.tiles.tiles_w = s->NumTiles;
        out->u.tiles.tiles_h = 1;
        out->u.tiles.tiles_d = 1;
    }
    out->u.tiles.tile_width = shape.WidthInTexels;
    out->u.tiles.tile_height = shape.HeightInTexels;
    out->u.tiles.tile_depth = shape.DepthInTexels;
    return true;
}

bool pe_translate_gpu_destination(pe_device *d, const DSTORAGE_REQUEST *req,
                                  dsvk_wire_destination *out, dsvk_wire_footprint **footprints)
{
    const DSTORAGE_DESTINATION *dst = &req->Destination;
    switch (req->Options.DestinationType) {
    case DSTORAGE_REQUEST_DESTINATION_BUFFER: {
        resource_info ri;
        if (!resource_info_of(d, dst->Buffer.Resource, &ri) ||
            ri.desc.Dimension != D3D12_RESOURCE_DIMENSION_BUFFER)
            return false;
        out->u.buffer.buffer = ri.handle;
        out->u.buffer.offset = ri.offset + dst->Buffer.Offset; /* placed: suballocated */
        out->u.buffer.size = dst->Buffer.Size;
        return true;
    }
    case DSTORAGE_REQUEST_DESTINATION_TEXTURE_REGION: return texture_region(d, &dst->Texture, out);
    case DSTORAGE_REQUEST_DESTINATION_MULTIPLE_SUBRESOURCES:
        return subresources(d, dst->MultipleSubresources.Resource,
                            dst->MultipleSubresources.FirstSubresource, 0, out, footprints);
    case DSTORAGE_REQUEST_DESTINATION_MULTIPLE_SUBRESOURCES_RANGE:
        if (dst->MultipleSubresourcesRange.NumSubresources == 0)
            return false;
        return subresources(d, dst->MultipleSubresourcesRange.Resource,
                            dst->MultipleSubresourcesRange.FirstSubresource,
                            dst->MultipleSubresourcesRange.NumSubresources, out, footprints);
    case DSTORAGE_REQUEST_DESTINATION_TILES: return tiles(d, &dst->Tiles, out);
    default: return false;
    }
}
