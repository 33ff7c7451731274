/* pdenn core: start-up, one-line user errors, validated deck options, DMDA ghost helpers.
   Every app calls PdennInitialize/PdennFinalize; every deck key is read through the
   PdennOptions* wrappers so a bad value names the key, the value and the allowed range. */
#pragma once
#include <petsc.h>
#include <stdint.h>

/* SplitMix64's finaliser of x + 0x9e37...: a bijection of 64-bit words with good avalanche. The
   one counter-based hash behind every seeded stream in pdenn (signals, initial weights, sample
   shuffles), which is what makes them independent of the rank count. */
static inline uint64_t PdennHash64(uint64_t x)
{
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/* Errors a user causes (a bad deck, a missing file): printed as one line "pdenn: error: ...",
   with no traceback. Raise them with PetscCheck(cond, comm, PDENN_ERR_INPUT, "..."). */
#define PDENN_ERR_INPUT PETSC_ERR_USER_INPUT

/* Starts MPI, checks the decks named by -options_file (below; a bad one: one line on rank 0,
   MPI finalized, PDENN_ERR_INPUT returned on every rank, exit status 1 in the apps), then
   PetscInitialize and the one-line error handler. */
PetscErrorCode PdennInitialize(int *argc, char ***argv, const char help[]);
/* Ends the run: PetscFinalize and exit status 0 if run_status is 0, else 1 for input errors
   (collective by construction) and MPI_Abort for internal ones (which may not be collective). */
int PdennFinalize(PetscErrorCode run_status);
PetscErrorCode PdennHelpRequested(PetscBool *help);
/* The deck file named by -options_file, or "command line" when there is none. */
PetscErrorCode PdennDeckName(char name[], size_t len);
/* Refuses keys that nothing read: a misspelled or inapplicable deck key is an error. */
PetscErrorCode PdennDeckCheckUnused(MPI_Comm comm);

/* The deck check before PetscInitialize (src/core/deckcheck.c): decks are read by PETSc 3.18's
   rules, plain C, no PETSc call. OK: PETSc's parser accepts the deck and every deck it includes;
   REFUSED: PETSc would refuse it (a traceback inside PetscInitialize) or recurse forever (a
   deck that includes itself); BINARY: a NUL byte, refused although PETSc may take the deck
   (it silently drops text after a NUL). A refusal leaves one line in msg naming the deck, the
   line and what is expected. */
typedef enum {
  PDENN_DECK_OK,
  PDENN_DECK_REFUSED,
  PDENN_DECK_BINARY
} PdennDeckVerdict;
/* a deck file and the decks it includes */
PdennDeckVerdict PdennDeckCheckFile(const char path[], char msg[], size_t len);
/* every deck the command line names (-options_file, found as PetscOptionsInsertArgs does) */
PdennDeckVerdict PdennDeckCheckArgs(int argc, char **argv, char msg[], size_t len);

/* Validated options, for use inside PetscOptionsBegin()/PetscOptionsEnd(). The help text shows
   the type and range; a malformed or out-of-range value is a PDENN_ERR_INPUT naming the key. */
PetscErrorCode PdennOptionsReal_Private(PetscOptionItems *, const char key[], const char text[], PetscReal def, PetscReal lo, PetscReal hi, PetscReal *value, PetscBool *set);
PetscErrorCode PdennOptionsInt_Private(PetscOptionItems *, const char key[], const char text[], PetscInt def, PetscInt lo, PetscInt hi, PetscInt *value, PetscBool *set);
PetscErrorCode PdennOptionsBool_Private(PetscOptionItems *, const char key[], const char text[], PetscBool def, PetscBool *value, PetscBool *set);
PetscErrorCode PdennOptionsChoice_Private(PetscOptionItems *, const char key[], const char text[], const char *const list[], PetscInt n, PetscInt def, PetscInt *value, PetscBool *set);
PetscErrorCode PdennOptionsString_Private(PetscOptionItems *, const char key[], const char text[], const char def[], char value[], size_t len, PetscBool *set);
#define PdennOptionsReal(key, text, def, lo, hi, value, set)   PdennOptionsReal_Private(PetscOptionsObject, key, text, def, lo, hi, value, set)
#define PdennOptionsInt(key, text, def, lo, hi, value, set)    PdennOptionsInt_Private(PetscOptionsObject, key, text, def, lo, hi, value, set)
#define PdennOptionsBool(key, text, def, value, set)           PdennOptionsBool_Private(PetscOptionsObject, key, text, def, value, set)
#define PdennOptionsChoice(key, text, list, n, def, value, set) PdennOptionsChoice_Private(PetscOptionsObject, key, text, list, n, def, value, set)
#define PdennOptionsString(key, text, def, value, len, set)    PdennOptionsString_Private(PetscOptionsObject, key, text, def, value, len, set)

/* A 1D DMDA for signals: N points, dof channels, ghost width radius, ghosted (not periodic)
   physical boundaries, which pdenn fills itself (reflecting or zero, see op.h). */
PetscErrorCode PdennDMDACreate1d(MPI_Comm comm, PetscInt N, PetscInt dof, PetscInt radius, DM *da);
/* A DMDA of dimension dim (1, 2 or 3) over M[0] x M[1] x M[2] points (x = width, fastest; y =
   height; z = depth; natural index x + M[0] (y + M[1] z)), dof channels, box stencil of width
   radius, ghosted physical boundaries; for dim > 1 DMSetFromOptions honours -da_processors_x/y/z
   (checked first: one error line naming the key). Refuses a decomposition that leaves a rank
   fewer than `radius` points along an axis. dim 1 is PdennDMDACreate1d(M[0]). */
PetscErrorCode PdennDMDACreate(MPI_Comm comm, PetscInt dim, const PetscInt M[3], PetscInt dof, PetscInt radius, DM *da);
/* v (a global Vec of a DMDA, any dimension) in natural order as a sequential Vec *out: on every
   rank (all_ranks) or on rank 0 (empty elsewhere). Collective. */
PetscErrorCode PdennDMDAGatherNatural(Vec v, PetscBool all_ranks, Vec *out);
/* Owned range of a 1D DMDA and whether this rank touches the left/right physical boundary. */
PetscErrorCode PdennDMDAGetOwnership(DM da, PetscInt *xs, PetscInt *xm, PetscBool *at_left, PetscBool *at_right);
