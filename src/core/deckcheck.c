/* The deck check that runs before PetscInitialize (docs/decks.md, "How a deck is read"): every
   deck named by -options_file, and every deck those include, is read by PETSc 3.18's rules
   (PetscOptionsInsertFile, PetscOptionsInsertString, PetscTokenFind in src/sys/objects/), so that
   a deck PETSc would refuse inside PetscInitialize (with a traceback: pdenn's one-line handler
   does not exist yet) or that includes itself (PETSc recurses until the stack overflows) is
   refused with one line naming the deck, the line and what is expected. Plain C with malloc:
   PETSc is not initialised, and -malloc_debug must find nothing of ours when it starts. */
#include <pdenn/core.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* fgets' piece in PETSc's Petscgetline: a '\r' that ends a piece also ends the line */
#define GETLINE_PIECE 1023

/* the decks being read, innermost first: a deck found again on this chain is a cycle */
typedef struct DeckLink {
  dev_t                  dev;
  ino_t                  ino;
  const char            *name;
  const struct DeckLink *up;
} DeckLink;

/* what PETSc's reader passes on to PetscOptionsInsertString: "-key " or "-key "value" " per
   line, and where each line's piece starts (to name the line of a nested -options_file) */
typedef struct {
  char   *text;
  size_t  len, cap;
  size_t *start;
  int    *line;
  size_t  n, ncap;
} Fragments;

typedef struct {
  char  *msg;
  size_t len;
} Report;

/* a deck's lines as PETSc's Petscgetline cuts them, and a NUL-terminated copy to tokenize */
typedef struct {
  FILE  *fp;
  char  *buf, *work;
  size_t cap, n, pos, work_cap;
} LineReader;

static PdennDeckVerdict Refuse(Report *r, PdennDeckVerdict v, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(r->msg, r->len, fmt, ap);
  va_end(ap);
  return v;
}

/* a token as a message shows it: printable ASCII, at most 40 characters */
static const char *Shown(const char *s, char out[80])
{
  size_t n = 0;

  for (; s && *s && n < 40; s++) {
    unsigned char c = (unsigned char)*s;
    n += (size_t)snprintf(out + n, 80 - n, c >= 0x20 && c < 0x7f ? "%c" : "\\x%02x", c);
  }
  out[n] = 0;
  if (s && *s) snprintf(out + n, 80 - n, "...");
  return out;
}

/* PetscOptionsValidKey: '-' or "--", then a letter, and not a number such as -inf */
static int ValidKey(const char *key)
{
  char *end;

  if (!key || key[0] != '-') return 0;
  if (key[1] == '-') key++;
  if (!isalpha((unsigned char)key[1])) return 0;
  (void)strtod(key, &end);
  return end == key || *end == '_' || isalnum((unsigned char)*end);
}

/* PetscTokenFind with ' ' as separator: a token that starts with '"' runs to the next '"' */
static char *TokenFind(char **current)
{
  char *ptr = *current, *result = ptr, sep = ' ';

  if (!ptr || !*ptr) return NULL;
  if (*ptr == '"') {
    sep = '"';
    result++;
    ptr++;
  }
  for (;; ptr++) {
    if (*ptr == sep) {
      *ptr++ = 0;
      while (*ptr == ' ') ptr++;
      *current = ptr;
      return result;
    }
    if (!*ptr) {
      *current = NULL;
      return result;
    }
  }
}

/* appends a line's "-key " or "-key "value" " (PETSc quotes the value); 1 if out of memory */
static int FragmentAdd(Fragments *f, int line, const char *key, const char *value)
{
  const size_t need = f->len + strlen(key) + (value ? strlen(value) + 3 : 0) + 2;

  if (need > f->cap) {
    char *text = realloc(f->text, 2 * need);
    if (!text) return 1;
    f->text = text;
    f->cap  = 2 * need;
  }
  if (f->n == f->ncap) {
    size_t *start = realloc(f->start, 2 * (f->ncap + 32) * sizeof(*start));
    int    *lines = start ? realloc(f->line, 2 * (f->ncap + 32) * sizeof(*lines)) : NULL;
    if (start) f->start = start;
    if (!lines) return 1;
    f->line = lines;
    f->ncap = 2 * (f->ncap + 32);
  }
  f->start[f->n] = f->len;
  f->line[f->n]  = line;
  f->n++;
  f->len += (size_t)(value ? sprintf(f->text + f->len, "%s \"%s\" ", key, value) : sprintf(f->text + f->len, "%s ", key));
  return 0;
}

static int FragmentLine(const Fragments *f, const char *token)
{
  const size_t at   = (size_t)(token - f->text);
  int          line = 0;

  for (size_t k = 0; k < f->n && f->start[k] <= at; k++) line = f->line[k];
  return line;
}

/* Petscgetline: a line ends at '\n', or at a '\r' that ends one of the 1023-byte pieces fgets
   reads; returns the line NUL-terminated in r->work (*len bytes before it), 0 at the end */
static int NextLine(LineReader *r, size_t *len, int *nul)
{
  char  *s;
  size_t rest;

  if (r->pos >= r->n) {
    ssize_t got = getline(&r->buf, &r->cap, r->fp);
    if (got <= 0) return 0;
    r->n   = (size_t)got;
    r->pos = 0;
  }
  s    = r->buf + r->pos;
  rest = *len = r->n - r->pos;
  for (size_t i = GETLINE_PIECE - 1; i < rest; i += GETLINE_PIECE) {
    if (s[i] == '\r') {
      *len = i + 1;
      break;
    }
  }
  r->pos += *len;
  if (*len + 1 > r->work_cap) {
    char *work = realloc(r->work, *len + 1);
    if (!work) return -1;
    r->work     = work;
    r->work_cap = *len + 1;
  }
  memcpy(r->work, s, *len);
  r->work[*len] = 0;
  *nul          = memchr(s, 0, *len) != NULL;
  return 1;
}

/* PetscOptionsInsertFilePetsc's rules for a line's first (up to four) tokens */
static PdennDeckVerdict CheckTokens(const char *deck, int line, char *t[4], Fragments *f, Report *r)
{
  char a[80], b[80];

  if (t[0][0] == '-') {
    if (!ValidKey(t[0])) return Refuse(r, PDENN_DECK_REFUSED, "deck '%s' line %d: '%s' is not a key; expected '-' and a letter, as in -N 64", deck, line, Shown(t[0], a));
    if (ValidKey(t[1])) return Refuse(r, PDENN_DECK_REFUSED, "deck '%s' line %d: two keys on one line ('%s' and '%s'); expected one key and at most one value per line", deck, line, Shown(t[0], a), Shown(t[1], b));
    if (t[2]) return Refuse(r, PDENN_DECK_REFUSED, "deck '%s' line %d: '%s' after the value of %s; expected one key and at most one value per line (quote a value with spaces: \"a b\")", deck, line, Shown(t[2], a), Shown(t[0], b));
    if (FragmentAdd(f, line, t[0], t[1])) return Refuse(r, PDENN_DECK_REFUSED, "deck '%s' line %d: out of memory", deck, line);
    return PDENN_DECK_OK;
  }
  if (!strcasecmp(t[0], "alias")) {
    if (ValidKey(t[1]) && ValidKey(t[2]) && !t[3]) return PDENN_DECK_OK;
    return Refuse(r, PDENN_DECK_REFUSED, "deck '%s' line %d: a malformed alias line; expected 'alias -new_key -existing_key'", deck, line);
  }
  return Refuse(r, PDENN_DECK_REFUSED, "deck '%s' line %d: '%s' does not start with '-'; expected '-key value' or '-key', a comment after '#', or a blank line", deck, line, Shown(t[0], a));
}

/* one line (in work, len bytes): comment cut at '#', tabs and line ends made blanks, tokens */
static PdennDeckVerdict CheckLine(const char *deck, int line, char *work, size_t len, Fragments *f, Report *r)
{
  char *comment = strchr(work, '#'), *current = work, *t[4];

  if (comment) *comment = 0;
  for (size_t i = 0; i < len && work[i]; i++)
    if (work[i] == '\t' || work[i] == '\r' || work[i] == '\n') work[i] = ' ';
  t[0] = TokenFind(&current);
  if (!t[0]) return PDENN_DECK_OK;
  if (!t[0][0]) t[0] = TokenFind(&current); /* the line began with blanks */
  for (int i = 1; i < 4; i++) t[i] = TokenFind(&current);
  if (!t[0]) return PDENN_DECK_OK;
  return CheckTokens(deck, line, t, f, r);
}

/* every line of an open deck, in order, as PETSc reads it before inserting any of them */
static PdennDeckVerdict ReadDeck(FILE *fp, const char *deck, Fragments *f, Report *r)
{
  LineReader       rd = {fp, NULL, NULL, 0, 0, 0, 0};
  PdennDeckVerdict v  = PDENN_DECK_OK;
  size_t           len;
  int              line = 0, nul = 0, got;

  while (v == PDENN_DECK_OK && (got = NextLine(&rd, &len, &nul)) > 0) {
    line++;
    /* PETSc's reader drops what follows a NUL up to the end of fgets' piece and joins the next
       line to the rest: never what the author meant, so refused although PETSc may take it */
    if (nul)
      v = Refuse(r, PDENN_DECK_BINARY, "deck '%s' line %d: a NUL byte (a binary file?); expected text lines '-key value', '# comment' or blank", deck, line);
    else
      v = CheckLine(deck, line, rd.work, len, f, r);
  }
  if (v == PDENN_DECK_OK && (got < 0 || ferror(fp))) v = Refuse(r, PDENN_DECK_REFUSED, "deck '%s': cannot read it after line %d (%s)", deck, line, got < 0 ? "out of memory" : strerror(errno));
  free(rd.buf);
  free(rd.work);
  return v;
}

static PdennDeckVerdict CheckDeck(const char *path, const DeckLink *up, const char *from, int from_line, Report *r);

/* PetscOptionsInsertString over the deck's pieces: the decks it includes, in order */
static PdennDeckVerdict Walk(const char *deck, Fragments *f, const DeckLink *self, Report *r)
{
  char            *current = f->text, *first = TokenFind(&current), *second;
  PdennDeckVerdict v;

  while (first) {
    if (!ValidKey(first)) {
      first = TokenFind(&current);
    } else if (!strcasecmp(first, "-options_file")) {
      const int line = FragmentLine(f, first);
      second         = TokenFind(&current);
      if (!second) return Refuse(r, PDENN_DECK_REFUSED, "deck '%s' line %d: -options_file without a file name; expected -options_file <deck>", deck, line);
      if ((v = CheckDeck(second, self, deck, line, r))) return v;
      first = TokenFind(&current);
    } else if (!strcasecmp(first, "-options_file_yaml") || !strcasecmp(first, "-options_string_yaml") || !strcasecmp(first, "-prefix_push")) {
      (void)TokenFind(&current); /* their argument, whatever it is */
      first = TokenFind(&current);
    } else if (!strcasecmp(first, "-prefix_pop")) {
      first = TokenFind(&current);
    } else {
      second = TokenFind(&current);
      first  = ValidKey(second) ? second : TokenFind(&current);
    }
  }
  return PDENN_DECK_OK;
}

/* "a -> b -> a": the chain of decks from the outermost to the one named again */
static void ChainText(const DeckLink *self, const char *again, char out[], size_t n)
{
  const DeckLink *l;
  size_t          used  = 0;
  int             depth = 0, k;

  for (l = self; l; l = l->up) depth++;
  for (k = depth - 1; k >= 0 && used < n; k--) {
    int i = 0;
    for (l = self; i < k; i++) l = l->up;
    used += (size_t)snprintf(out + used, n - used, "%s -> ", l->name);
  }
  if (used < n) snprintf(out + used, n - used, "%s", again);
}

/* PetscOptionsFilename: "name:yaml", .yaml, .yml, .json, or a file that starts with a YAML
   marker is read by PETSc's YAML reader, which this check leaves alone */
static int IsYaml(char name[], FILE *fp)
{
  const size_t n         = strlen(name);
  char         head[7]   = "";
  const char  *suffix[3] = {".yaml", ".yml", ".json"};

  for (int i = 0; i < 3; i++)
    if (n >= strlen(suffix[i]) && !strcmp(name + n - strlen(suffix[i]), suffix[i])) return 1;
  if (fp && fread(head, 1, 6, fp) > 0 && (!strncmp(head, "%YAML ", 6) || !strncmp(head, "---", 3))) return 1;
  if (fp) rewind(fp);
  return 0;
}

/* the file behind path: a cycle, then its lines, then the decks it includes */
static PdennDeckVerdict CheckOpenDeck(FILE *fp, const char *path, const char *where, const DeckLink *up, Report *r)
{
  struct stat      st;
  DeckLink         self = {0, 0, path, up};
  Fragments        f    = {NULL, 0, 0, NULL, NULL, 0, 0};
  PdennDeckVerdict v;
  char             chain[2048];

  if (fstat(fileno(fp), &st)) return Refuse(r, PDENN_DECK_REFUSED, "%s: cannot read it (%s); expected a readable deck file", where, strerror(errno));
  self.dev = st.st_dev;
  self.ino = st.st_ino;
  for (const DeckLink *l = up; l; l = l->up) {
    if (l->dev == st.st_dev && l->ino == st.st_ino) {
      ChainText(up, path, chain, sizeof(chain));
      return Refuse(r, PDENN_DECK_REFUSED, "%s is a deck already being read (%s): a deck must not include itself, directly or through other decks", where, chain);
    }
  }
  v = ReadDeck(fp, path, &f, r);
  if (!v) v = Walk(path, &f, &self, r);
  free(f.text);
  free(f.start);
  free(f.line);
  return v;
}

static PdennDeckVerdict CheckDeck(const char *path, const DeckLink *up, const char *from, int from_line, Report *r)
{
  char             name[PETSC_MAX_PATH_LEN], where[PETSC_MAX_PATH_LEN + 256];
  const size_t     n = strlen(path);
  struct stat      st;
  FILE            *fp;
  PdennDeckVerdict v;

  if (from)
    snprintf(where, sizeof(where), "deck '%s' line %d: -options_file '%s'", from, from_line, path);
  else
    snprintf(where, sizeof(where), "key -options_file: deck '%s'", path);
  if (strstr(path, "${")) return PDENN_DECK_OK; /* PETSc substitutes ${PETSC_DIR} ... itself */
  if (n >= sizeof(name)) return Refuse(r, PDENN_DECK_REFUSED, "%s: the name is longer than %d characters", where, PETSC_MAX_PATH_LEN - 1);
  for (size_t i = 0; i <= n; i++) name[i] = path[i] == '\\' ? '/' : path[i]; /* PetscFixFilename */
  if (n > 5 && !strcmp(name + n - 5, ":yaml")) {
    name[n - 5] = 0;
    fp          = fopen(name, "r");
    if (!fp) return Refuse(r, PDENN_DECK_REFUSED, "%s: cannot open it (%s); expected a readable deck file", where, strerror(errno));
    fclose(fp);
    return PDENN_DECK_OK;
  }
  if (!stat(name, &st) && S_ISDIR(st.st_mode)) return Refuse(r, PDENN_DECK_REFUSED, "%s is a directory; expected a deck file", where);
  fp = fopen(name, "r");
  if (!fp) return Refuse(r, PDENN_DECK_REFUSED, "%s: cannot open it (%s); expected a readable deck file", where, strerror(errno));
  v = IsYaml(name, fp) ? PDENN_DECK_OK : CheckOpenDeck(fp, path, where, up, r);
  fclose(fp);
  return v;
}

PdennDeckVerdict PdennDeckCheckFile(const char path[], char msg[], size_t len)
{
  Report r = {msg, len};

  if (len) msg[0] = 0;
  return CheckDeck(path, NULL, NULL, 0, &r);
}

/* PetscOptionsInsertArgs' walk over the command line: which arguments are decks */
PdennDeckVerdict PdennDeckCheckArgs(int argc, char **argv, char msg[], size_t len)
{
  Report           r = {msg, len};
  PdennDeckVerdict v;

  if (len) msg[0] = 0;
  for (int i = 1; i < argc;) {
    const char *arg       = argv[i];
    const int   has_value = i + 1 < argc && argv[i + 1][0] != '-';

    if (!ValidKey(arg)) {
      i++;
    } else if (!strcasecmp(arg, "-options_file")) {
      if (!has_value) return Refuse(&r, PDENN_DECK_REFUSED, "key -options_file: no deck file name after it; expected -options_file <deck>");
      if ((v = CheckDeck(argv[i + 1], NULL, NULL, 0, &r))) return v;
      i += 2;
    } else if (!strcasecmp(arg, "-options_file_yaml") || !strcasecmp(arg, "-options_string_yaml") || !strcasecmp(arg, "-prefix_push")) {
      if (!has_value) return Refuse(&r, PDENN_DECK_REFUSED, "key %s: no value after it; expected %s <value>", arg, arg);
      i += 2;
    } else if (!strcasecmp(arg, "-prefix_pop")) {
      i++;
    } else {
      i += i + 1 < argc && !ValidKey(argv[i + 1]) ? 2 : 1;
    }
  }
  return PDENN_DECK_OK;
}
