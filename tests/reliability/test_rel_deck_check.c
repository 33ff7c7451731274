/* The deck check before PetscInitialize (src/core/deckcheck.c) against PETSc's own parser: for
   each hand-made deck (comments, blanks, tabs, CRLF, quotes, aliases, keys that are numbers, a
   '\r' exactly where PETSc's line reader cuts a line, NUL bytes, nested and cyclic includes) and
   each command line, the check's verdict is the one expected, a refusal names the deck and the
   line, and PETSc's PetscOptionsInsertFile / PetscOptionsInsertArgs agree: what the check
   accepts PETSc accepts, what it refuses PETSc refuses. Cycles are not given to PETSc (it
   recurses until the stack overflows); NUL bytes are refused by design whatever PETSc does. */
#include <pdenn/core.h>
#include <string.h>

typedef struct {
  const char      *name, *text;
  size_t           len; /* 0: strlen(text) */
  PdennDeckVerdict expect;
  const char      *msg;   /* a refusal's message must contain it */
  PetscBool        petsc; /* compare with PETSc's parser */
} DeckCase;

static char long_value[6000], cr_cut[1100], cr_kept[1100];

static void MakeLongDecks(void)
{
  /* a 6 kB value; and "-N", blanks, '\r' at index 1022 (the end of fgets' first 1023-byte
     piece, so PETSc ends the line there and "64" is a line of its own), or at 1021 (a blank) */
  snprintf(long_value, sizeof(long_value), "-title %05990d\n", 7);
  memset(cr_cut, ' ', sizeof(cr_cut));
  memcpy(cr_cut, "-N", 2);
  memcpy(cr_kept, cr_cut, sizeof(cr_kept));
  snprintf(cr_cut + 1022, sizeof(cr_cut) - 1022, "\r64\n");
  snprintf(cr_kept + 1021, sizeof(cr_kept) - 1021, "\r64\n");
}

static const DeckCase cases[] = {
    {"plain", "-N 64\n-t_stop 1\n", 0, PDENN_DECK_OK, NULL, PETSC_TRUE},
    {"empty", "", 0, PDENN_DECK_OK, NULL, PETSC_TRUE},
    {"blanks", "\n\n   \n\t\n", 0, PDENN_DECK_OK, NULL, PETSC_TRUE},
    {"comments", "# a deck\n-N 64 # grid\n#!-t_stop x y z\n", 0, PDENN_DECK_OK, NULL, PETSC_TRUE},
    {"crlf", "-N 64\r\n-t_stop 1\r\n", 0, PDENN_DECK_OK, NULL, PETSC_TRUE},
    {"tabs", "  \t-N\t64  \n", 0, PDENN_DECK_OK, NULL, PETSC_TRUE},
    {"quoted", "-title \"a b c\"\n\"-N\" 64\n", 0, PDENN_DECK_OK, NULL, PETSC_TRUE},
    {"alias", "alias -nn -N\n-nn 64\n", 0, PDENN_DECK_OK, NULL, PETSC_TRUE},
    {"double_dash", "--N 64\n", 0, PDENN_DECK_OK, NULL, PETSC_TRUE},
    {"no_value", "-N\n-allow_unstable\n", 0, PDENN_DECK_OK, NULL, PETSC_TRUE},
    {"no_newline", "-N 64", 0, PDENN_DECK_OK, NULL, PETSC_TRUE},
    {"numbers", "-N -1\n-tau -inf\n-lambda nan\n", 0, PDENN_DECK_OK, NULL, PETSC_TRUE},
    {"long_line", long_value, 0, PDENN_DECK_OK, NULL, PETSC_TRUE},
    {"cr_blank", cr_kept, 0, PDENN_DECK_OK, NULL, PETSC_TRUE},
    {"cr_cut", cr_cut, 0, PDENN_DECK_REFUSED, "line 2: '64' does not start with '-'", PETSC_TRUE},
    {"no_dash", "N 64\n", 0, PDENN_DECK_REFUSED, "deck 'deck_check_no_dash.deck' line 1: 'N' does not start with '-'", PETSC_TRUE},
    {"no_dash_2", "-N 64\nt_stop 1\n", 0, PDENN_DECK_REFUSED, "line 2: 't_stop'", PETSC_TRUE},
    {"bang_comment", "! PETSc 3.18 knows only '#'\n", 0, PDENN_DECK_REFUSED, "line 1: '!'", PETSC_TRUE},
    {"extra_token", "-N 64 128\n", 0, PDENN_DECK_REFUSED, "line 1: '128' after the value of -N", PETSC_TRUE},
    {"two_keys", "-N -t_stop\n", 0, PDENN_DECK_REFUSED, "line 1: two keys on one line ('-N' and '-t_stop')", PETSC_TRUE},
    {"number_key", "-1abc 5\n", 0, PDENN_DECK_REFUSED, "line 1: '-1abc' is not a key", PETSC_TRUE},
    {"inf_key", "-inf 5\n", 0, PDENN_DECK_REFUSED, "line 1: '-inf' is not a key", PETSC_TRUE},
    {"lone_dash", "- N\n", 0, PDENN_DECK_REFUSED, "line 1: '-' is not a key", PETSC_TRUE},
    {"alias_short", "alias -a\n", 0, PDENN_DECK_REFUSED, "line 1: a malformed alias line", PETSC_TRUE},
    {"alias_long", "alias -a -b -c\n", 0, PDENN_DECK_REFUSED, "line 1: a malformed alias line", PETSC_TRUE},
    {"junk", "-N 64\n\x01\x02\xff\xfe\n", 0, PDENN_DECK_REFUSED, "line 2: '\\x01\\x02\\xff\\xfe' does not start", PETSC_TRUE},
    {"nul", "-N 64\n-t_stop 1\0junk\n", 21, PDENN_DECK_BINARY, "line 2: a NUL byte", PETSC_FALSE},
    /* includes: the files of the group deck_check_inc_* are written first */
    {"inc_b", "-t_stop 1\n", 0, PDENN_DECK_OK, NULL, PETSC_TRUE},
    {"inc_ok", "-N 64\n-options_file deck_check_inc_b.deck\n-options_file deck_check_inc_b.deck\n", 0, PDENN_DECK_OK, NULL, PETSC_TRUE},
    {"inc_missing", "-options_file deck_check_no_such.deck\n", 0, PDENN_DECK_REFUSED, "deck 'deck_check_inc_missing.deck' line 1: -options_file 'deck_check_no_such.deck': cannot open it", PETSC_TRUE},
    {"inc_dir", "\n-options_file .\n", 0, PDENN_DECK_REFUSED, "line 2: -options_file '.' is a directory", PETSC_TRUE},
    {"inc_bad", "-options_file deck_check_no_dash.deck\n", 0, PDENN_DECK_REFUSED, "deck 'deck_check_no_dash.deck' line 1", PETSC_TRUE},
    {"inc_noname", "-N 64\n-options_file\n", 0, PDENN_DECK_REFUSED, "line 2: -options_file without a file name", PETSC_FALSE},
    {"self", "-N 64\n-options_file deck_check_self.deck\n", 0, PDENN_DECK_REFUSED, "line 2: -options_file 'deck_check_self.deck' is a deck already being read (deck_check_self.deck -> deck_check_self.deck)", PETSC_FALSE},
    {"cycle_b", "# b includes a\n-options_file deck_check_cycle_a.deck\n", 0, PDENN_DECK_REFUSED, "(deck_check_cycle_b.deck -> deck_check_cycle_a.deck -> deck_check_cycle_b.deck)", PETSC_FALSE},
    {"cycle_a", "-options_file deck_check_cycle_b.deck\n", 0, PDENN_DECK_REFUSED, "deck 'deck_check_cycle_b.deck' line 2: -options_file 'deck_check_cycle_a.deck' is a deck already being read (deck_check_cycle_a.deck -> deck_check_cycle_b.deck -> deck_check_cycle_a.deck)", PETSC_FALSE},
};

/* PETSc's verdict: its parser into a scratch database, its error kept quiet */
static PetscErrorCode PetscRefuses(const char path[], PetscBool *refused)
{
  PetscOptions   probe;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsCreate(&probe));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = PetscOptionsInsertFile(PETSC_COMM_SELF, probe, path, PETSC_TRUE);
  PetscCall(PetscPopErrorHandler());
  PetscCall(PetscOptionsDestroy(&probe));
  *refused = (PetscBool)(ierr != 0);
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckCase(const DeckCase *c, int *failures)
{
  char             path[PETSC_MAX_PATH_LEN], msg[4096];
  PdennDeckVerdict v;
  PetscBool        refused = PETSC_FALSE, ok;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(path, sizeof(path), "deck_check_%s.deck", c->name));
  v  = PdennDeckCheckFile(path, msg, sizeof(msg));
  ok = (PetscBool)(v == c->expect && (!c->msg || strstr(msg, c->msg)));
  if (c->petsc) {
    PetscCall(PetscRefuses(path, &refused));
    ok = (PetscBool)(ok && refused == (v != PDENN_DECK_OK));
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s %-12s verdict %d (expected %d), PETSc %s%s%s\n", ok ? "ok  " : "FAIL", c->name, (int)v, (int)c->expect, c->petsc ? (refused ? "refuses" : "accepts") : "not asked", msg[0] ? ": " : "", msg));
  *failures += !ok;
  PetscFunctionReturn(0);
}

typedef struct {
  const char      *args[6];
  PdennDeckVerdict expect;
  const char      *msg;
} ArgsCase;

static const ArgsCase args_cases[] = {
    {{"app", "-N", "64", "-options_file", "deck_check_plain.deck"}, PDENN_DECK_OK, NULL},
    {{"app", "notakey", "-options_file", "deck_check_plain.deck"}, PDENN_DECK_OK, NULL},
    {{"app", "-title", "-options_file", "deck_check_plain.deck"}, PDENN_DECK_OK, NULL},
    {{"app", "-options_file"}, PDENN_DECK_REFUSED, "key -options_file: no deck file name after it"},
    {{"app", "-options_file", "-N", "64"}, PDENN_DECK_REFUSED, "key -options_file: no deck file name after it"},
    {{"app", "-Options_File", "deck_check_no_dash.deck"}, PDENN_DECK_REFUSED, "deck 'deck_check_no_dash.deck' line 1"},
    {{"app", "-options_file", "deck_check_plain.deck", "-options_file", "deck_check_none.deck"}, PDENN_DECK_REFUSED, "key -options_file: deck 'deck_check_none.deck': cannot open it"},
};

static PetscErrorCode CheckArgs(const ArgsCase *c, int *failures)
{
  char             msg[4096];
  int              argc = 0;
  PdennDeckVerdict v;
  PetscOptions     probe;
  PetscErrorCode   ierr;
  PetscBool        ok;

  PetscFunctionBeginUser;
  while (argc < 6 && c->args[argc]) argc++;
  v  = PdennDeckCheckArgs(argc, (char **)c->args, msg, sizeof(msg));
  ok = (PetscBool)(v == c->expect && (!c->msg || strstr(msg, c->msg)));
  PetscCall(PetscOptionsCreate(&probe));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = PetscOptionsInsertArgs(probe, argc - 1, (char **)c->args + 1); /* as PetscInitialize */
  PetscCall(PetscPopErrorHandler());
  PetscCall(PetscOptionsDestroy(&probe));
  ok = (PetscBool)(ok && (ierr != 0) == (v != PDENN_DECK_OK));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s args %s %s ...: verdict %d (expected %d), PETSc %s%s%s\n", ok ? "ok  " : "FAIL", c->args[1], argc > 2 ? c->args[2] : "", (int)v, (int)c->expect, ierr ? "refuses" : "accepts", msg[0] ? ": " : "", msg));
  *failures += !ok;
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  const size_t ncases   = sizeof(cases) / sizeof(cases[0]);
  int          failures = 0;
  char         path[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  MakeLongDecks();
  for (size_t i = 0; i < ncases; i++) {
    FILE *fp;
    PetscCall(PetscSNPrintf(path, sizeof(path), "deck_check_%s.deck", cases[i].name));
    fp = fopen(path, "wb");
    PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", path);
    fwrite(cases[i].text, 1, cases[i].len ? cases[i].len : strlen(cases[i].text), fp);
    fclose(fp);
  }
  for (size_t i = 0; i < ncases; i++) PetscCall(CheckCase(&cases[i], &failures));
  for (size_t i = 0; i < sizeof(args_cases) / sizeof(args_cases[0]); i++) PetscCall(CheckArgs(&args_cases[i], &failures));
  PetscCheck(!failures, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%d deck check cases failed", failures);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "deck check: %zu decks and %zu command lines as expected, PETSc's parser agreeing\n", ncases, sizeof(args_cases) / sizeof(args_cases[0])));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PdennInitialize(&argc, &argv, NULL));
  return PdennFinalize(Run());
}
