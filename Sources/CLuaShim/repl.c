/* The REPL's terminal side: signals while a line is read, and the character
   reader handed to libedit (it lives here so that the signal flag is plain C). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "runtime.h"

static volatile sig_atomic_t sigint_seen = 0;
static volatile sig_atomic_t sigterm_seen = 0;
static volatile sig_atomic_t sigwinch_seen = 0;
static void (*resize_hook)(void) = NULL;
/* SIGTERM's action outside line reading (the runner's), put back after. */
static struct sigaction saved_sigterm;
static int sigterm_replaced = 0;

static void on_signal(int sig) {
  if (sig == SIGINT) sigint_seen = 1;
  else if (sig == SIGTERM) sigterm_seen = 1;
  else sigwinch_seen = 1;
}

static void restore_sigterm(void) {
  if (sigterm_replaced) sigaction(SIGTERM, &saved_sigterm, NULL);
  sigterm_replaced = 0;
}

void lg_repl_catch_signals(void) {
  /* no SA_RESTART: the blocked read returns EINTR */
  lg_set_handler(SIGINT, on_signal, 0);
  lg_set_handler(SIGWINCH, on_signal, 0);
  if (!sigterm_replaced) sigaction(SIGTERM, NULL, &saved_sigterm);
  sigterm_replaced = 1;
  lg_set_handler(SIGTERM, on_signal, 0);
}

void lg_repl_hold_signals(void) {
  lg_set_handler(SIGINT, on_signal, SA_RESTART);
  lg_set_handler(SIGWINCH, SIG_DFL, 0);
  restore_sigterm();
}

void lg_repl_release_signals(void) {
  lg_set_handler(SIGINT, SIG_DFL, 0);
  lg_set_handler(SIGWINCH, SIG_DFL, 0);
  restore_sigterm();
}

int lg_repl_take_sigint(void) {
  int seen = sigint_seen;
  sigint_seen = 0;
  return seen;
}

int lg_repl_sigterm_seen(void) { return sigterm_seen; }

void lg_repl_set_resize_hook(void (*hook)(void)) { resize_hook = hook; }

/* One byte; -1 at end of input, on an error, or once SIGINT or SIGTERM arrived. */
static int read_byte(int fd) {
  unsigned char c;
  for (;;) {
    if (sigint_seen || sigterm_seen) return -1;
    ssize_t n = read(fd, &c, 1);
    if (n == 1) return c;
    if (n == 0 || errno != EINTR) return -1;
    if (sigwinch_seen) {
      sigwinch_seen = 0;
      if (resize_hook != NULL) resize_hook();
    }
  }
}

int lg_repl_getc(FILE *f) {
  int fd = fileno(f);
  int c = read_byte(fd);
  if (c < 0x80) return c; /* ASCII, or -1 */
  int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : -1;
  if (extra < 0 || c >= 0xF8) return 0xFFFD;
  int code = c & (0x3F >> extra);
  for (int i = 0; i < extra; i++) {
    int d = read_byte(fd);
    if (d < 0) return -1;
    if ((d & 0xC0) != 0x80) return 0xFFFD;
    code = (code << 6) | (d & 0x3F);
  }
  return code;
}
