/* Seeded synthetic images and volumes (docs/hdf5_layout.md, "Image and volume sets": the exact
   recipe): piecewise-constant cartoons (boxes, balls, convex polygons/polyhedra on a background),
   smooth ramps cut by straight edges, or a constant, plus Gaussian noise. Every draw is the
   counter-based PdennSignalUniform of (seed, sample, stream, index), the noise PdennSignalNoise
   of the pixel's natural index: a pixel is a pure function of its global coordinates, so every
   rank count and decomposition gives bitwise the same images. */
#include "iopriv.h"

const char *const PdennImageTypes[] = {"cartoon", "ramp", "noise"};

/* Streams after the signals' 0 .. 7; appended, never inserted (existing sets would change). */
enum {
  STREAM_SHAPE = 16, /* index 16 j + field: a shape's or an edge's numbers */
  STREAM_NORMAL,     /* index 16 j + 2 k (+ 1): face k's normal in 3D */
  STREAM_GLOBAL      /* index: background, ramp direction and levels */
};
#define MAX_FACES 7

typedef enum {
  SHAPE_BOX,
  SHAPE_BALL,
  SHAPE_POLY
} ShapeKind;

/* A cartoon shape (pixel units) or a ramp's edge (coordinates scaled to (0, 1) per axis). */
typedef struct {
  ShapeKind kind;
  PetscReal grey;       /* the shape's value, or the edge's step weight */
  PetscReal c[3], r[3]; /* centre; half-widths (box) or radius r[0] */
  PetscInt  faces;      /* polygon: half-planes (half-spaces) */
  PetscReal n[MAX_FACES][3];
} Shape;

typedef struct {
  PetscInt  dim, M[3], n_shapes;
  PetscReal background, lo, hi, alpha, dir[3]; /* ramp: levels, linear share, direction */
  Shape    *shape;
} Drawing;

static PetscReal U(const PdennImageParams *p, PetscInt sample, PetscInt stream, PetscInt index)
{
  return PdennSignalUniform(p->seed, sample, stream, index);
}

/* A unit vector: angle 2 pi u1 in 2D; z = 2 u1 - 1 and azimuth 2 pi u2 in 3D (uniform on the sphere). */
static void UnitVector(PetscInt dim, PetscReal u1, PetscReal u2, PetscReal n[3])
{
  PetscReal z = 2.0 * u1 - 1.0, rho = PetscSqrtReal(PetscMax(0.0, 1.0 - z * z));

  if (dim == 2) {
    n[0] = PetscCosReal(2.0 * PETSC_PI * u1);
    n[1] = PetscSinReal(2.0 * PETSC_PI * u1);
    n[2] = 0.0;
  } else {
    n[0] = rho * PetscCosReal(2.0 * PETSC_PI * u2);
    n[1] = rho * PetscSinReal(2.0 * PETSC_PI * u2);
    n[2] = z;
  }
}

/* Cartoon shape j: kind, grey, centre, size; a polygon's faces regular in 2D (rotated by a
   random angle), random unit normals in 3D. */
static void DrawShape(const PdennImageParams *p, PetscInt sample, const Drawing *d, PetscInt j, Shape *s)
{
  PetscReal Mmin = d->dim == 2 ? PetscMin(d->M[0], d->M[1]) : PetscMin(d->M[0], PetscMin(d->M[1], d->M[2]));
  PetscReal phi  = 2.0 * PETSC_PI * U(p, sample, STREAM_SHAPE, 16 * j + 9);

  s->kind = (ShapeKind)PetscMin(2, (PetscInt)(3.0 * U(p, sample, STREAM_SHAPE, 16 * j)));
  s->grey = U(p, sample, STREAM_SHAPE, 16 * j + 1);
  for (PetscInt a = 0; a < 3; a++) {
    s->c[a] = U(p, sample, STREAM_SHAPE, 16 * j + 2 + a) * d->M[a];
    s->r[a] = (0.05 + 0.2 * U(p, sample, STREAM_SHAPE, 16 * j + 5 + a)) * (s->kind == SHAPE_BOX ? d->M[a] : Mmin);
  }
  s->faces = (d->dim == 2 ? 3 : 4) + PetscMin(3, (PetscInt)(4.0 * U(p, sample, STREAM_SHAPE, 16 * j + 8)));
  for (PetscInt k = 0; k < s->faces; k++) {
    if (d->dim == 2)
      UnitVector(2, phi / (2.0 * PETSC_PI) + (PetscReal)k / s->faces, 0.0, s->n[k]);
    else
      UnitVector(3, U(p, sample, STREAM_NORMAL, 16 * j + 2 * k), U(p, sample, STREAM_NORMAL, 16 * j + 2 * k + 1), s->n[k]);
  }
}

/* Ramp edge j: a half-plane (half-space) through a point of (0.2, 0.8)^d, step weight in (0, 1). */
static void DrawEdge(const PdennImageParams *p, PetscInt sample, PetscInt dim, PetscInt j, Shape *s)
{
  s->grey  = U(p, sample, STREAM_SHAPE, 16 * j + 1);
  s->faces = 1;
  for (PetscInt a = 0; a < 3; a++) s->c[a] = 0.2 + 0.6 * U(p, sample, STREAM_SHAPE, 16 * j + 2 + a);
  UnitVector(dim, U(p, sample, STREAM_SHAPE, 16 * j + 5), U(p, sample, STREAM_SHAPE, 16 * j + 6), s->n[0]);
}

static PetscErrorCode DrawingCreate(const PdennImageParams *p, PetscInt sample, PetscInt dim, const PetscInt M[3], Drawing *d)
{
  PetscFunctionBeginUser;
  d->dim        = dim;
  d->n_shapes   = p->type == PDENN_IMAGE_NOISE ? 0 : p->shapes;
  d->background = U(p, sample, STREAM_GLOBAL, 0);
  d->lo         = U(p, sample, STREAM_GLOBAL, 1);
  d->hi         = U(p, sample, STREAM_GLOBAL, 2);
  d->alpha      = U(p, sample, STREAM_GLOBAL, 3);
  UnitVector(dim, U(p, sample, STREAM_GLOBAL, 4), U(p, sample, STREAM_GLOBAL, 5), d->dir);
  for (PetscInt a = 0; a < 3; a++) d->M[a] = a < dim ? M[a] : 1;
  PetscCall(PetscMalloc1(d->n_shapes + 1, &d->shape));
  for (PetscInt j = 0; j < d->n_shapes; j++) {
    if (p->type == PDENN_IMAGE_CARTOON)
      DrawShape(p, sample, d, j, &d->shape[j]);
    else
      DrawEdge(p, sample, dim, j, &d->shape[j]);
  }
  PetscFunctionReturn(0);
}

/* (P - c) . n, over the dim axes */
static inline PetscReal Along(PetscInt dim, const PetscReal P[3], const PetscReal c[3], const PetscReal n[3])
{
  PetscReal t = 0.0;

  for (PetscInt a = 0; a < dim && a < 3; a++) t += (P[a] - c[a]) * n[a];
  return t;
}

static PetscBool Inside(const Shape *s, PetscInt dim, const PetscReal P[3])
{
  PetscReal q = 0.0;

  for (PetscInt a = 0; a < dim; a++) {
    if (s->kind == SHAPE_BOX && PetscAbsReal(P[a] - s->c[a]) > s->r[a]) return PETSC_FALSE;
    q += (P[a] - s->c[a]) * (P[a] - s->c[a]);
  }
  if (s->kind == SHAPE_BALL) return (PetscBool)(q <= s->r[0] * s->r[0]);
  for (PetscInt k = 0; s->kind == SHAPE_POLY && k < s->faces; k++)
    if (Along(dim, P, s->c, s->n[k]) > s->r[0]) return PETSC_FALSE;
  return PETSC_TRUE;
}

/* The clean value at pixel (x, y, z): the last cartoon shape holding the pixel centre, or the
   ramp (X scaled per axis) plus its edges' steps, normalised into [0, 1]. */
static PetscReal CleanValue(const PdennImageParams *p, const Drawing *d, const PetscInt x[3])
{
  PetscReal P[3], X[3], half[3] = {0.5, 0.5, 0.5}, s, num, den = 1.0;

  for (PetscInt a = 0; a < 3; a++) {
    P[a] = x[a] + 0.5;
    X[a] = P[a] / d->M[a];
  }
  if (p->type == PDENN_IMAGE_NOISE) return d->background;
  if (p->type == PDENN_IMAGE_CARTOON) {
    for (PetscInt j = d->n_shapes - 1; j >= 0; j--)
      if (Inside(&d->shape[j], d->dim, P)) return d->shape[j].grey;
    return d->background;
  }
  s   = Along(d->dim, X, half, d->dir) / PetscSqrtReal((PetscReal)d->dim) + 0.5;
  num = d->lo + (d->hi - d->lo) * (d->alpha * s + (1.0 - d->alpha) * s * s);
  for (PetscInt j = 0; j < d->n_shapes; j++) {
    den += d->shape[j].grey;
    if (Along(d->dim, X, d->shape[j].c, d->shape[j].n[0]) > 0.0) num += d->shape[j].grey;
  }
  return num / den;
}

PetscErrorCode PdennImageParamsDefault(PdennImageParams *p)
{
  PetscFunctionBeginUser;
  p->type    = PDENN_IMAGE_CARTOON;
  p->samples = 8;
  p->shapes  = 8;
  p->sigma   = 0.1;
  p->seed    = 1;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennImageParamsSetFromOptions(MPI_Comm comm, PdennImageParams *p)
{
  PetscInt type = p->type;

  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "Synthetic images and volumes (pdenn docs/decks.md)", NULL);
  PetscCall(PdennOptionsChoice("-images_type", "Image family: cartoon (boxes, balls, polygons), ramp (smooth ramp with straight edges), noise (a constant)", PdennImageTypes, PDENN_IMAGE_NTYPES, type, &type, NULL));
  PetscCall(PdennOptionsInt("-images_samples", "Images (volumes) in a set", p->samples, 1, 1 << 30, &p->samples, NULL));
  PetscCall(PdennOptionsInt("-images_shapes", "Shapes per cartoon, edges per ramp", p->shapes, 0, PDENN_IMAGE_MAX_SHAPES, &p->shapes, NULL));
  PetscCall(PdennOptionsReal("-images_sigma", "Standard deviation of the additive Gaussian noise", p->sigma, 0.0, 10.0, &p->sigma, NULL));
  PetscCall(PdennOptionsInt("-images_seed", "Seed of the generator", p->seed, 0, PETSC_MAX_INT, &p->seed, NULL));
  PetscOptionsEnd();
  p->type = (PdennImageType)type;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennImageFill(const PdennImageParams *p, PetscInt sample, Vec clean, Vec noisy)
{
  Vec          any = clean ? clean : noisy;
  MPI_Comm     comm;
  DM           da;
  Drawing      d;
  PetscInt     dim, M[3], s[3], m[3], i = 0, x[3];
  PetscScalar *c = NULL, *n = NULL;

  PetscFunctionBeginUser;
  if (!any) PetscFunctionReturn(0);
  comm = PetscObjectComm((PetscObject)any);
  PetscCall(PdennVecImageDM(any, &da));
  PetscCheck(da, comm, PETSC_ERR_ARG_WRONG, "PdennImageFill: the Vecs must come from a DMDA of dimension 2 or 3");
  PetscCheck(sample >= 0 && sample < p->samples, comm, PETSC_ERR_ARG_OUTOFRANGE, "image sample %" PetscInt_FMT " does not exist; expected 0 .. %" PetscInt_FMT, sample, p->samples - 1);
  PetscCheck(p->shapes >= 0 && p->shapes <= PDENN_IMAGE_MAX_SHAPES, comm, PETSC_ERR_ARG_OUTOFRANGE, "shapes %" PetscInt_FMT " must lie in [0, %d]", p->shapes, PDENN_IMAGE_MAX_SHAPES);
  PetscCall(DMDAGetInfo(da, &dim, &M[0], &M[1], &M[2], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetCorners(da, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2]));
  PetscCall(DrawingCreate(p, sample, dim, M, &d));
  if (clean) PetscCall(VecGetArrayWrite(clean, &c));
  if (noisy) PetscCall(VecGetArrayWrite(noisy, &n));
  /* the owned box in the local array's order (x fastest), which is also the natural order */
  for (x[2] = s[2]; x[2] < s[2] + m[2]; x[2]++)
    for (x[1] = s[1]; x[1] < s[1] + m[1]; x[1]++)
      for (x[0] = s[0]; x[0] < s[0] + m[0]; x[0]++, i++) {
        PetscReal v = CleanValue(p, &d, x);

        if (c) c[i] = v;
        if (n) n[i] = v + p->sigma * PdennSignalNoise(p->seed, sample, x[0] + M[0] * (x[1] + M[1] * x[2]));
      }
  if (clean) PetscCall(VecRestoreArrayWrite(clean, &c));
  if (noisy) PetscCall(VecRestoreArrayWrite(noisy, &n));
  PetscCall(PetscFree(d.shape));
  PetscFunctionReturn(0);
}

/* ---- Image sets ---------------------------------------------------------------------------- */
typedef struct {
  const PdennImageParams *p;
  PetscInt                dim, M[3];
} SetSpec;

static PetscErrorCode WriteAttributes(hid_t file, const SetSpec *spec)
{
  const PdennImageParams *p = spec->p;

  PetscFunctionBeginUser;
  PetscCall(PdennH5AttrWriteString(file, "generator", PdennImageTypes[p->type]));
  PetscCall(PdennH5AttrWriteString(file, "type", PdennImageTypes[p->type]));
  PetscCall(PdennH5AttrWriteString(file, "rng", "splitmix64 hash of (seed, sample, stream, index)"));
  PetscCall(PdennH5AttrWriteInt(file, "seed", p->seed));
  PetscCall(PdennH5AttrWriteReal(file, "sigma", p->sigma));
  PetscCall(PdennH5AttrWriteInt(file, "shapes", p->shapes));
  PetscCall(PdennH5AttrWriteInt(file, "samples", p->samples));
  PetscCall(PdennH5AttrWriteInt(file, "dim", spec->dim));
  PetscCall(PdennH5AttrWriteInt(file, "W", spec->M[0]));
  PetscCall(PdennH5AttrWriteInt(file, "H", spec->M[1]));
  PetscCall(PdennH5AttrWriteInt(file, "D", spec->dim == 3 ? spec->M[2] : 1));
  PetscCall(PdennH5AttrWriteString(file, "pdenn_version", PDENN_VERSION));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteSample(const PdennImageParams *p, PetscInt k, Vec clean, Vec noisy, hid_t dclean, hid_t dnoisy)
{
  PetscFunctionBeginUser;
  PetscCall(PdennImageFill(p, k, clean, noisy));
  PetscCall(PdennH5TransferImage(dclean, k, clean, PETSC_TRUE));
  PetscCall(PdennH5TransferImage(dnoisy, k, noisy, PETSC_TRUE));
  PetscFunctionReturn(0);
}

/* As the signal sets' writer: a failed write still frees the work space; the datasets are
   closed with the file (close degree strong). */
static PetscErrorCode WriteContent(MPI_Comm comm, hid_t file, const void *ctx)
{
  const SetSpec *spec = (const SetSpec *)ctx;
  hsize_t        dims[4];
  DM             da;
  Vec            clean, noisy;
  hid_t          dclean, dnoisy;
  PetscErrorCode ierr = 0;

  PetscFunctionBeginUser;
  PetscCall(WriteAttributes(file, spec));
  dims[0] = (hsize_t)spec->p->samples;
  for (PetscInt a = 0; a < spec->dim; a++) dims[spec->dim - a] = (hsize_t)spec->M[a];
  PetscCall(PdennDMDACreate(comm, spec->dim, spec->M, 1, 0, &da));
  PetscCall(DMCreateGlobalVector(da, &clean));
  PetscCall(VecDuplicate(clean, &noisy));
  PetscCall(PdennH5DatasetCreate(file, "clean", (int)spec->dim + 1, dims, &dclean));
  PetscCall(PdennH5DatasetCreate(file, "noisy", (int)spec->dim + 1, dims, &dnoisy));
  for (PetscInt k = 0; k < spec->p->samples && !ierr; k++) ierr = WriteSample(spec->p, k, clean, noisy, dclean, dnoisy);
  if (!ierr) {
    PetscCall(PdennH5Close(&dnoisy));
    PetscCall(PdennH5Close(&dclean));
  }
  PetscCall(VecDestroy(&noisy));
  PetscCall(VecDestroy(&clean));
  PetscCall(DMDestroy(&da));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennImageSetWrite(MPI_Comm comm, const char key[], const char path[], const PdennImageParams *p, const PetscInt M[3], PetscInt dim, PetscBool force)
{
  SetSpec spec = {p, dim, {M[0], M[1], dim == 3 ? M[2] : 1}};

  PetscFunctionBeginUser;
  PetscCheck(dim == 2 || dim == 3, comm, PDENN_ERR_INPUT, "key -dim: value %" PetscInt_FMT " is not an image dimension; expected 2 or 3", dim);
  PetscCall(PdennH5WriteNew(comm, key, path, force, WriteContent, &spec));
  PetscFunctionReturn(0);
}
