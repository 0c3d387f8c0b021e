// zlib, for the zip files Cartera writes (deflate and CRC-32). Debian: zlib1g-dev.
#include <zlib.h>
