/* The checksummed user block of pdenn's HDF5 files (docs/hdf5_layout.md, "User block"): HDF5
   skips the first 512 bytes of such a file; pdenn writes there, after the file is closed, a text
   header with the FNV-1a 64 checksum and the length of every byte after the block, and checks it
   before HDF5 parses anything, since HDF5 1.10 decodes damaged headers unchecked (and crashes). */
#include "iopriv.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The header's first line; a file without it (h5py's, older pdenn's) is read unchecked. */
static const char Magic[] = "pdenn HDF5 file, checksummed\n";

const char *const PdennH5SumStatusText[] = {"no checksum", "checksum matches", "its checksum header (HDF5 user block) is damaged", "its length differs from the one its checksum header records (truncated or extended)", "its contents do not match their checksum (damaged)"};

uint64_t PdennFnv1a64(uint64_t h, const void *data, size_t len)
{
  const unsigned char *b = (const unsigned char *)data;

  for (size_t i = 0; i < len; i++) h = (h ^ b[i]) * 0x100000001b3ULL;
  return h;
}

void PdennH5UserBlockFill(unsigned char block[PDENN_H5_USERBLOCK], uint64_t sum, uint64_t len)
{
  memset(block, 0, PDENN_H5_USERBLOCK);
  snprintf((char *)block, PDENN_H5_USERBLOCK, "%sfnv1a64: %016" PRIx64 "\nbytes: %" PRIu64 "\nThe checksum covers the bytes after this 512-byte block (see pdenn's docs/hdf5_layout.md).\n", Magic, sum, len);
}

/* The checksum and length a header records: ABSENT without pdenn's first line, BAD_HEADER if
   the rest does not parse. */
static PdennH5SumStatus HeaderParse(const unsigned char block[PDENN_H5_USERBLOCK], uint64_t *sum, uint64_t *len)
{
  char text[PDENN_H5_USERBLOCK + 1];

  memcpy(text, block, PDENN_H5_USERBLOCK);
  text[PDENN_H5_USERBLOCK] = '\0';
  if (strncmp(text, Magic, sizeof(Magic) - 1)) return PDENN_H5SUM_ABSENT;
  if (sscanf(text + sizeof(Magic) - 1, "fnv1a64: %16" SCNx64 " bytes: %" SCNu64, sum, len) != 2) return PDENN_H5SUM_BAD_HEADER;
  return PDENN_H5SUM_OK;
}

static PdennH5SumStatus Compare(uint64_t sum, uint64_t len, uint64_t want_sum, uint64_t want_len)
{
  if (len != want_len) return PDENN_H5SUM_BAD_LENGTH;
  return sum == want_sum ? PDENN_H5SUM_OK : PDENN_H5SUM_BAD_SUM;
}

PdennH5SumStatus PdennH5UserBlockCheckImage(const unsigned char *image, size_t size)
{
  uint64_t         sum, len;
  PdennH5SumStatus status;

  if (size < PDENN_H5_USERBLOCK) return PDENN_H5SUM_ABSENT;
  status = HeaderParse(image, &sum, &len);
  if (status != PDENN_H5SUM_OK) return status;
  size -= PDENN_H5_USERBLOCK;
  return Compare(PdennFnv1a64(PDENN_FNV1A64_BASIS, image + PDENN_H5_USERBLOCK, size), size, sum, len);
}

/* pread that retries interrupted calls; the count read, -1 with errno on error */
static ssize_t ReadAt(int fd, void *buf, size_t n, off_t at)
{
  ssize_t got;

  do got = pread(fd, buf, n, at);
  while (got < 0 && errno == EINTR);
  return got;
}

/* FNV-1a 64 and count of the bytes of fd after the user block; 0 or errno */
static int HashAfterBlock(int fd, uint64_t *sum, uint64_t *len)
{
  unsigned char buf[1 << 16];
  ssize_t       got;

  *sum = PDENN_FNV1A64_BASIS;
  *len = 0;
  while ((got = ReadAt(fd, buf, sizeof(buf), (off_t)(PDENN_H5_USERBLOCK + *len))) > 0) {
    *sum = PdennFnv1a64(*sum, buf, (size_t)got);
    *len += (uint64_t)got;
  }
  return got < 0 ? errno : 0;
}

int PdennH5UserBlockCheckFile(const char path[], PdennH5SumStatus *status)
{
  unsigned char block[PDENN_H5_USERBLOCK];
  uint64_t      want_sum, want_len, sum, len;
  int           fd = open(path, O_RDONLY), err = 0;

  *status = PDENN_H5SUM_ABSENT;
  if (fd < 0) return errno;
  if (ReadAt(fd, block, sizeof(block), 0) == (ssize_t)sizeof(block)) *status = HeaderParse(block, &want_sum, &want_len);
  if (*status == PDENN_H5SUM_OK) err = HashAfterBlock(fd, &sum, &len);
  if (*status == PDENN_H5SUM_OK && !err) *status = Compare(sum, len, want_sum, want_len);
  close(fd);
  return err;
}

/* write that retries short and interrupted writes; 0 or errno */
static int WriteAll(int fd, const void *data, size_t n, off_t at)
{
  const unsigned char *b = (const unsigned char *)data;
  ssize_t              put;

  while (n > 0) {
    put = pwrite(fd, b, n, at);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return put < 0 ? errno : EIO;
    b += put, at += put, n -= (size_t)put;
  }
  return 0;
}

int PdennH5UserBlockSeal(const char path[])
{
  unsigned char block[PDENN_H5_USERBLOCK];
  uint64_t      sum, len;
  int           fd = open(path, O_RDWR), err;

  if (fd < 0) return errno;
  err = HashAfterBlock(fd, &sum, &len);
  if (!err) {
    PdennH5UserBlockFill(block, sum, len);
    err = WriteAll(fd, block, sizeof(block), 0);
  }
  if (!err && fsync(fd) != 0) err = errno;
  if (close(fd) != 0 && !err) err = errno;
  return err;
}

int PdennFileWriteSynced(const char path[], const void *data, size_t len)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), err;

  if (fd < 0) return errno;
  err = WriteAll(fd, data, len, 0);
  if (!err && fsync(fd) != 0) err = errno;
  if (close(fd) != 0 && !err) err = errno;
  return err;
}
