/*
 * CLibEdit: the system libedit (BSD editline, Debian's libedit-dev) through
 * its readline-compatible API, for the REPL's line editing, history and
 * completion. Used only by the luagate executable.
 */
#ifndef CLIBEDIT_H
#define CLIBEDIT_H

#include <stdio.h>
#include <editline/readline.h>

/* Swift 6 refuses to touch C global variables (shared mutable state), so the
   REPL sets libedit's through these. */

/* libedit's readline emulation as the REPL uses it: no signal handling of its
   own, characters read by `getc_fn`, completion by `complete` on words ended
   by `word_breaks`, nothing appended to a completed word. */
static inline void lg_edit_configure(const char *name, int (*getc_fn)(FILE *),
                                     rl_completion_func_t *complete, const char *word_breaks) {
  rl_readline_name = name;
  rl_catch_signals = 0;
  rl_catch_sigwinch = 0;
  rl_getc_function = getc_fn;
  rl_attempted_completion_function = complete;
  rl_completion_append_character = 0;
  rl_basic_word_break_characters = word_breaks;
  rl_completer_word_break_characters = (char *)word_breaks;
}

/* Called by the completion function: no filename completion as a fallback. */
static inline void lg_edit_completion_over(void) { rl_attempted_completion_over = 1; }

#endif
