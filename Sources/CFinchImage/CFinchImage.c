// PNG through libpng's simplified API, JPEG through libjpeg(-turbo); both to
// 8-bit RGB. Errors are reported as text, never by exiting or printing.
#include "CFinchImage.h"

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

static int fail(char *error, size_t size, const char *what, const char *detail) {
  snprintf(error, size, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
  return -1;
}

static int load_png(const char *path, size_t max_pixels, unsigned char **pixels, int *width, int *height, char *error, size_t size) {
  png_image image;
  memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path)) return fail(error, size, "not a readable PNG", image.message);
  if ((size_t)image.width * image.height > max_pixels || image.width == 0 || image.height == 0) {
    png_image_free(&image);
    snprintf(error, size, "a %ux%u PNG is larger than the %zu pixels allowed", image.width, image.height, max_pixels);
    return -1;
  }
  image.format = PNG_FORMAT_RGB;
  unsigned char *buffer = malloc(PNG_IMAGE_SIZE(image));
  if (!buffer) {
    png_image_free(&image);
    return fail(error, size, "out of memory", NULL);
  }
  if (!png_image_finish_read(&image, NULL, buffer, 0, NULL)) {
    free(buffer);
    return fail(error, size, "a damaged PNG", image.message);
  }
  *pixels = buffer;
  *width = (int)image.width;
  *height = (int)image.height;
  return 0;
}

struct jpeg_failure {
  struct jpeg_error_mgr manager;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

static void jpeg_fail(j_common_ptr info) {
  struct jpeg_failure *failure = (struct jpeg_failure *)info->err;
  (*info->err->format_message)(info, failure->message);
  longjmp(failure->jump, 1);
}

static void jpeg_quiet(j_common_ptr info, int level) {
  (void)info;
  (void)level;
}

static int load_jpeg(FILE *file, size_t max_pixels, unsigned char **pixels, int *width, int *height, char *error, size_t size) {
  struct jpeg_decompress_struct info;
  struct jpeg_failure failure;
  unsigned char *volatile buffer = NULL;
  info.err = jpeg_std_error(&failure.manager);
  failure.manager.error_exit = jpeg_fail;
  failure.manager.emit_message = jpeg_quiet;
  if (setjmp(failure.jump)) {
    jpeg_destroy_decompress(&info);
    free(buffer);
    return fail(error, size, "a damaged JPEG", failure.message);
  }
  jpeg_create_decompress(&info);
  jpeg_stdio_src(&info, file);
  jpeg_read_header(&info, TRUE);
  if ((size_t)info.image_width * info.image_height > max_pixels || info.image_width == 0 || info.image_height == 0) {
    snprintf(error, size, "a %ux%u JPEG is larger than the %zu pixels allowed", info.image_width, info.image_height, max_pixels);
    jpeg_destroy_decompress(&info);
    return -1;
  }
  info.out_color_space = JCS_RGB;
  jpeg_start_decompress(&info);
  size_t row = (size_t)info.output_width * 3;
  buffer = malloc(row * info.output_height);
  if (!buffer) {
    jpeg_destroy_decompress(&info);
    return fail(error, size, "out of memory", NULL);
  }
  while (info.output_scanline < info.output_height) {
    JSAMPROW line = buffer + row * info.output_scanline;
    jpeg_read_scanlines(&info, &line, 1);
  }
  jpeg_finish_decompress(&info);
  *width = (int)info.output_width;
  *height = (int)info.output_height;
  jpeg_destroy_decompress(&info);
  *pixels = buffer;
  return 0;
}

int finch_image_load(const char *path, size_t max_pixels, unsigned char **pixels, int *width, int *height, char *error,
                     size_t error_size) {
  FILE *file = fopen(path, "rb");
  if (!file) return fail(error, error_size, "cannot open it", strerror(errno));
  unsigned char magic[8] = {0};
  size_t got = fread(magic, 1, sizeof magic, file);
  int result;
  if (got == 8 && memcmp(magic, "\x89PNG\r\n\x1a\n", 8) == 0) {
    fclose(file);
    result = load_png(path, max_pixels, pixels, width, height, error, error_size);
  } else if (got >= 3 && magic[0] == 0xFF && magic[1] == 0xD8 && magic[2] == 0xFF) {
    rewind(file);
    result = load_jpeg(file, max_pixels, pixels, width, height, error, error_size);
    fclose(file);
  } else {
    fclose(file);
    result = fail(error, error_size, "neither a PNG nor a JPEG (by its first bytes)", NULL);
  }
  return result;
}

void finch_image_free(unsigned char *pixels) { free(pixels); }
