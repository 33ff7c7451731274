/* Reliability tests: decks as lists of lines, the seeded mutations of the deck-fuzzing campaign
   (docs/reliability.md), and the cost guard that keeps a valid mutated deck a short run.
   Plain C (malloc/free), so that the harness's own memory never shows in PETSc's leak counts. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define REL_MAX_LINES 4096

typedef struct {
  int    n;
  char  *line[REL_MAX_LINES]; /* each malloc'd, without its newline; may hold any byte but NUL */
  size_t len[REL_MAX_LINES];  /* bytes of line[i] (a line may embed NUL bytes: binary junk) */
} RelDeck;

/* What a case's mutations did, so a deck can be sent down the right insertion path and the
   summary can say what was tried. */
enum {
  REL_MUT_DELETE,
  REL_MUT_DUPLICATE,
  REL_MUT_MISSPELL,
  REL_MUT_WRONG_TYPE,
  REL_MUT_HUGE,
  REL_MUT_NEGATIVE,
  REL_MUT_NAN,
  REL_MUT_EMPTY,
  REL_MUT_BINARY,
  REL_MUT_LONG_LINE,
  REL_MUT_UNKNOWN_KEY,
  REL_MUT_SWAP_VALUES,
  REL_MUT_EDGE,
  REL_MUT_NTYPES
};
extern const char *const RelMutationNames[REL_MUT_NTYPES];

/* SplitMix64: the whole campaign is a function of the seed */
typedef struct {
  uint64_t state;
} RelRng;
void     RelRngSeed(RelRng *rng, uint64_t seed, uint64_t stream);
uint64_t RelRngNext(RelRng *rng);
int      RelRngInt(RelRng *rng, int n); /* uniform in [0, n) */

/* A deck from text: one line per '\n'; "@KEY@" placeholders replaced by their values. */
void RelDeckFromText(RelDeck *deck, const char *text, const char *const subst[][2], int nsubst);
void RelDeckFree(RelDeck *deck);
/* Appends a line (copied, len bytes). */
void RelDeckAppend(RelDeck *deck, const char *line, size_t len);
/* 1 to 4 random mutations; used[k] counts mutations of kind k applied. */
void RelDeckMutate(RelDeck *deck, RelRng *rng, int used[REL_MUT_NTYPES]);
/* Whether a deck needs the file path (binary bytes, NULs, or lines longer than 4 KiB):
   PetscOptionsInsertString is for one-line text, a deck with such content is a file. */
int RelDeckNeedsFile(const RelDeck *deck);
/* The deck as a file (lines joined by '\n'); 0 on success. */
int RelDeckWrite(const RelDeck *deck, const char *path);
/* The deck as one string for PetscOptionsInsertString: comments stripped, lines joined by
   spaces (PETSc's string parser splits on spaces only). Malloc'd. */
char *RelDeckJoin(const RelDeck *deck);

/* The cost guard: a valid value that would make a long run (a big -N, a long -t_stop for the
   step size, many epochs, ...) is overridden by an appended line with a small value, the way a
   later line of a deck wins. Values that do not parse are left alone: they must be refused.
   Returns the number of lines appended. */
int RelDeckGuardCost(RelDeck *deck);
