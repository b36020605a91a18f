#ifndef CFINCHIMAGE_H
#define CFINCHIMAGE_H

#include <stddef.h>

/// Decodes the PNG or JPEG file at `path` (told apart by their signatures) to
/// 8-bit RGB, rows top to bottom, pixels interleaved. On success returns 0 and
/// sets *pixels (free with finch_image_free), *width and *height; on failure
/// returns -1 and writes why into `error` (at most `error_size` bytes, NUL
/// terminated). Images with more than `max_pixels` pixels are refused before
/// any pixel buffer is allocated.
int finch_image_load(const char *path, size_t max_pixels, unsigned char **pixels, int *width, int *height, char *error,
                     size_t error_size);

/// Frees pixels finch_image_load returned.
void finch_image_free(unsigned char *pixels);

#endif
