/* 8-bit greyscale PNG of a 2D image (or one slice of a volume) on a DMDA, written by rank 0:
   the image gathered in natural order, values mapped linearly from [lo, hi] to 0..255 and
   clipped, rows filtered with filter type 0 and deflated by zlib (which HDF5 links already).
   PNG: signature, IHDR, one IDAT, IEND; each chunk length, type, data, CRC-32 of type + data. */
#include <pdenn/io.h>
#include <zlib.h>
#include <stdio.h>

static void Put32(unsigned char *b, uint32_t v)
{
  b[0] = (unsigned char)(v >> 24), b[1] = (unsigned char)(v >> 16), b[2] = (unsigned char)(v >> 8), b[3] = (unsigned char)v;
}

static int WriteChunk(FILE *f, const char type[4], const unsigned char *data, uint32_t len)
{
  unsigned char head[8], tail[4];
  uLong         crc = crc32(0L, (const Bytef *)type, 4);

  Put32(head, len);
  memcpy(head + 4, type, 4);
  if (len) crc = crc32(crc, data, len);
  Put32(tail, (uint32_t)crc);
  return fwrite(head, 1, 8, f) == 8 && (!len || fwrite(data, 1, len, f) == len) && fwrite(tail, 1, 4, f) == 4;
}

/* The PNG of W x H bytes pix (rows top to bottom) into path; 0 on success. */
static int WritePNG(const char path[], PetscInt W, PetscInt H, const unsigned char *pix)
{
  static const unsigned char sig[8] = {137, 80, 78, 71, 13, 10, 26, 10};
  unsigned char              ihdr[13] = {0}, *raw, *z;
  uLongf                     zlen = compressBound((uLong)((W + 1) * H));
  FILE                      *f;
  int                        ok;

  raw = malloc((size_t)((W + 1) * H));
  z   = malloc(zlen);
  if (!raw || !z) return free(raw), free(z), 1;
  for (PetscInt y = 0; y < H; y++) {
    raw[y * (W + 1)] = 0; /* filter: none */
    memcpy(raw + y * (W + 1) + 1, pix + y * W, (size_t)W);
  }
  ok = compress2(z, &zlen, raw, (uLong)((W + 1) * H), 6) == Z_OK;
  Put32(ihdr, (uint32_t)W), Put32(ihdr + 4, (uint32_t)H);
  ihdr[8] = 8, ihdr[9] = 0; /* 8 bits, greyscale */
  f  = ok ? fopen(path, "wb") : NULL;
  ok = f && fwrite(sig, 1, 8, f) == 8 && WriteChunk(f, "IHDR", ihdr, 13) && WriteChunk(f, "IDAT", z, (uint32_t)zlen) && WriteChunk(f, "IEND", NULL, 0);
  if (f) ok = (fclose(f) == 0) && ok;
  free(raw), free(z);
  return !ok;
}

PetscErrorCode PdennImageWritePNG(Vec v, const char key[], const char path[], PetscReal lo, PetscReal hi)
{
  DM                 da;
  Vec                all;
  PetscInt           dim, M[3] = {1, 1, 1}, n;
  PetscMPIInt        rank;
  int                err = 0;
  MPI_Comm           comm = PetscObjectComm((PetscObject)v);
  const PetscScalar *a;
  unsigned char     *pix;

  PetscFunctionBeginUser;
  PetscCall(VecGetDM(v, &da));
  PetscCall(DMDAGetInfo(da, &dim, &M[0], &M[1], &M[2], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCheck(hi > lo, comm, PDENN_ERR_INPUT, "key %s: the PNG range [%g, %g] is empty; expected lo < hi", key, (double)lo, (double)hi);
  PetscCall(PdennDMDAGatherNatural(v, PETSC_FALSE, &all));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    n = M[0] * M[1]; /* the first slice of a volume */
    PetscCall(PetscMalloc1(n, &pix));
    PetscCall(VecGetArrayRead(all, &a));
    for (PetscInt i = 0; i < n; i++) pix[i] = (unsigned char)PetscClipInterval(PetscFloorReal((a[i] - lo) / (hi - lo) * 255.0 + 0.5), 0.0, 255.0);
    PetscCall(VecRestoreArrayRead(all, &a));
    err = WritePNG(path, M[0], M[1], pix);
    PetscCall(PetscFree(pix));
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  PetscCall(VecDestroy(&all));
  PetscCheck(!err, comm, PDENN_ERR_INPUT, "key %s: cannot write the PNG file '%s'; expected a writable path", key, path);
  PetscFunctionReturn(0);
}
