/* Calls from Swift into Lua: always protected, with a traceback handler. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "runtime.h"

int lg_protected_call(lua_State *L, int narg, int nres, int msgh) {
  lg_runtime *rt = lg_runtime_of(L);
  int depth = rt->swift_depth;
  rt->swift_depth = 0;
  int status = lua_pcall(L, narg, nres, msgh);
  rt->swift_depth = depth;
  return status;
}

/* The coroutine this thread is running now (the main thread, or a task
   resumed by lg_resume): where a stop request sets its hook. Per thread: the
   stop handler runs on the Lua thread and reads that thread's own (and tests
   run states on several threads at once). */
static _Thread_local lua_State *volatile running_state = NULL;
static volatile sig_atomic_t stop_signal = 0;

int lg_resume(lua_State *co, lua_State *from, int narg, int *nres) {
  lg_runtime *rt = lg_runtime_of(co);
  int depth = rt->swift_depth;
  rt->swift_depth = 0;
  lua_State *previous = running_state;
  running_state = co;
  if (stop_signal) lg_interrupt(co); /* stopped before it ran: stop it at once */
  int status = lua_resume(co, from, narg, nres);
  running_state = previous;
  if (stop_signal && previous != NULL) lg_interrupt(previous); /* a stop that came as it returned */
  rt->swift_depth = depth;
  return status;
}

/* lua_resetthread (5.4.4's coroutine.close) with the Swift-depth bookkeeping:
   the coroutine's pending to-be-closed variables are closed in protected mode. */
int lg_closethread(lua_State *co) {
  lg_runtime *rt = lg_runtime_of(co);
  int depth = rt->swift_depth;
  rt->swift_depth = 0;
  int status = lua_resetthread(co);
  rt->swift_depth = depth;
  return status;
}

int lg_msghandler(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    int ours = 0;
    if (lua_getmetatable(L, 1)) {
      ours = lua_getfield(L, -1, "__luagate") != LUA_TNIL;
      lua_pop(L, 2);
    }
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
      if (!ours) return 1; /* as lua.c: that is the message */
      msg = lua_tostring(L, -1);
    } else {
      msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/* Signals, as lua.c handles SIGINT: the handler only records the signal and
   sets a hook on the coroutine running now; the hook raises the error at the
   next instruction. Code waiting outside Lua (for a response) polls
   lg_stop_signal(). The signal stays recorded (a batch job exits 130/143 after
   cleaning up) until lg_clear_stop (the REPL goes on after Ctrl-C).

   Hooks belong to one coroutine, and only the Lua thread may set them: a
   process-directed signal that lands on another thread (an event loop's) is
   sent on to the Lua thread, and --timeout is a POSIX timer whose signal is
   directed at the Lua thread, so the handler that sets the hook always runs
   there, interrupting it, as lua.c's does. A coroutine resumed after a stop
   gets the hook before it runs (lg_resume). A hook that is always set would
   cost every instruction a call (2.4x on a tight loop). */
static pthread_t lua_thread;
static volatile sig_atomic_t lua_thread_known = 0;

static void stop_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  lua_sethook(L, NULL, 0, 0);
  switch (stop_signal) {
  case 0: return; /* the stop was cleared (the REPL goes on) after this hook was set */
  case SIGTERM: luaL_error(L, "terminated"); break;
  case LG_STOP_TIMEOUT: luaL_error(L, "timed out (--timeout)"); break;
  default: luaL_error(L, "interrupted!"); break;
  }
}

void lg_interrupt(lua_State *L) {
  int flag = LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT;
  lua_sethook(L, stop_hook, flag, 1);
}

int lg_stop_signal(void) { return stop_signal; }

void lg_clear_stop(lua_State *L) {
  stop_signal = 0;
  lua_sethook(L, NULL, 0, 0);
  lua_State *running = running_state;
  if (running != NULL && running != L) lua_sethook(running, NULL, 0, 0);
}

/* On the Lua thread only (the REPL's SIGTERM, seen while reading a line). */
void lg_request_stop(lua_State *L, int reason) {
  stop_signal = reason;
  lg_interrupt(L);
}

/* Sends the signal on to the Lua thread when it landed elsewhere; true then. */
static int forwarded(int sig) {
  if (!lua_thread_known || pthread_equal(pthread_self(), lua_thread)) return 0;
  pthread_kill(lua_thread, sig);
  return 1;
}

static void on_stop_signal(int sig) {
  if (forwarded(sig)) return;
  signal(sig, SIG_DFL); /* a second one kills the process */
  stop_signal = sig;
  lua_State *running = running_state;
  if (running != NULL) lg_interrupt(running);
}

static void on_timeout(int sig) {
  if (forwarded(sig)) return;
  if (stop_signal == 0) stop_signal = LG_STOP_TIMEOUT;
  lua_State *running = running_state;
  if (running != NULL) lg_interrupt(running);
}

void lg_forget_state(lua_State *L) {
  if (running_state == L) running_state = NULL;
}

void lg_set_handler(int sig, void (*handler)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = flags;
  sigaction(sig, &sa, NULL);
}

static void catch_signal(int sig, void (*handler)(int)) { lg_set_handler(sig, handler, SA_RESTART); }

void lg_watch_termination(lua_State *L) {
  /* A parent may have started us with these blocked (threads of many
     runtimes block them); a job must still see them. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGALRM);
  pthread_sigmask(SIG_UNBLOCK, &set, NULL);
  lua_thread = pthread_self();
  lua_thread_known = 1;
  running_state = L;
  catch_signal(SIGTERM, on_stop_signal);
}

/* SIGINT is caught while anyone asks for it (lg_docall, lg_catch_interrupt),
   and back to the default action (it kills) otherwise, as in lua.c. */
static int sigint_catchers = 0;

static void hold_sigint(void) {
  if (sigint_catchers++ == 0) catch_signal(SIGINT, on_stop_signal);
}

static void release_sigint(void) {
  if (--sigint_catchers == 0) signal(SIGINT, SIG_DFL);
}

void lg_catch_interrupt(int on) {
  if (on) hold_sigint();
  else release_sigint();
}

/* --timeout: a timer whose SIGALRM goes to this (the Lua) thread. */
static timer_t stop_timer;
static int stop_timer_armed = 0;

int lg_start_timeout(long long nanoseconds) {
  catch_signal(SIGALRM, on_timeout);
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev.sigev_signo = SIGALRM;
  ev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
  if (timer_create(CLOCK_MONOTONIC, &ev, &stop_timer) != 0) return -1;
  struct itimerspec when;
  memset(&when, 0, sizeof when);
  when.it_value.tv_sec = (time_t)(nanoseconds / 1000000000LL);
  when.it_value.tv_nsec = (long)(nanoseconds % 1000000000LL);
  if (when.it_value.tv_sec == 0 && when.it_value.tv_nsec == 0) when.it_value.tv_nsec = 1;
  if (timer_settime(stop_timer, 0, &when, NULL) != 0) {
    timer_delete(stop_timer);
    return -1;
  }
  stop_timer_armed = 1;
  return 0;
}

void lg_cancel_timeout(void) {
  if (stop_timer_armed) timer_delete(stop_timer);
  stop_timer_armed = 0;
}

int lg_docall(lua_State *L, int narg, int nres, int catch_sigint) {
  int base = lua_gettop(L) - narg;
  lua_pushcfunction(L, lg_msghandler);
  lua_insert(L, base);
  lua_State *previous = running_state;
  running_state = L;
  if (catch_sigint) hold_sigint();
  int status = lg_protected_call(L, narg, nres, base);
  if (catch_sigint) release_sigint();
  running_state = previous;
  if (stop_signal && previous != NULL && previous != L) lg_interrupt(previous);
  lua_remove(L, base);
  return status;
}

static int tolstring_k(lua_State *L) {
  luaL_tolstring(L, 1, NULL);
  return 1;
}

int lg_tolstring(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  lua_pushcfunction(L, tolstring_k);
  lua_pushvalue(L, idx);
  return lg_protected_call(L, 1, 1, 0);
}

/* As lua.c's dolibrary: require is called directly (so tracebacks match),
   fetched raw from the globals so that no metamethod runs unprotected. */
int lg_require(lua_State *L, const char *name) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  lua_pushliteral(L, "require");
  lua_rawget(L, -2);
  lua_remove(L, -2);
  lua_pushstring(L, name);
  return lg_docall(L, 1, 1, 1);
}

/* lua.c's pushargs: the script's arguments are what the `arg` table holds when it starts
   (a -e before it may have changed them). */
static int pushargs_k(lua_State *L) {
  int i, n;
  if (lua_getglobal(L, "arg") != LUA_TTABLE)
    luaL_error(L, "'arg' is not a table");
  n = (int)luaL_len(L, -1);
  luaL_checkstack(L, n + 3, "too many arguments to script");
  for (i = 1; i <= n; i++)
    lua_rawgeti(L, -i, i);
  lua_remove(L, -i);
  return n;
}

int lg_pushargs(lua_State *L, int *count) {
  int base = lua_gettop(L);
  lua_pushcfunction(L, pushargs_k);
  int status = lua_pcall(L, 0, LUA_MULTRET, 0); /* as in lua.c's pmain: no traceback */
  *count = status == LUA_OK ? lua_gettop(L) - base : 0;
  return status;
}

static int setglobal_k(lua_State *L) {
  lua_setglobal(L, lua_tostring(L, 1)); /* value at 2 is on top */
  return 0;
}

int lg_setglobal(lua_State *L, const char *name) {
  lua_pushcfunction(L, setglobal_k);
  lua_pushstring(L, name);
  lua_rotate(L, -3, 2); /* [fn, name, value] */
  return lg_docall(L, 2, 0, 0);
}

/* coroutine.resume and coroutine.wrap with the behaviour of Lua's own (same
   results, same messages), except that the coroutine they run is the one a
   stop request interrupts while it runs: a loop in a plain coroutine stops
   at SIGINT, SIGTERM or --timeout like any other Lua code. */

/* Resumes `co` with the `narg` values on top of L; moves its results (>= 0
   returned) or its error message (-1 returned) to L. */
static int resume_here(lua_State *L, lua_State *co, int narg) {
  int status = lua_status(co);
  lua_Debug ar;
  if (co == L || (status == LUA_OK && lua_getstack(co, 0, &ar))) {
    lua_pushliteral(L, "cannot resume non-suspended coroutine");
    return -1;
  }
  if ((status == LUA_OK && lua_gettop(co) == 0) || (status != LUA_OK && status != LUA_YIELD)) {
    lua_pushliteral(L, "cannot resume dead coroutine");
    return -1;
  }
  if (!lua_checkstack(co, narg)) {
    lua_pushliteral(L, "too many arguments to resume");
    return -1;
  }
  lua_xmove(L, co, narg);
  lua_State *previous = running_state;
  running_state = co;
  if (stop_signal) lg_interrupt(co);
  int nres;
  status = lua_resume(co, L, narg, &nres);
  running_state = previous;
  if (stop_signal && previous != NULL) lg_interrupt(previous);
  if (status != LUA_OK && status != LUA_YIELD) {
    lua_xmove(co, L, 1);
    return -1;
  }
  if (!lua_checkstack(L, nres + 1)) {
    lua_pop(co, nres);
    lua_pushliteral(L, "too many results to resume");
    return -1;
  }
  lua_xmove(co, L, nres);
  return nres;
}

static int co_resume(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTHREAD);
  lua_State *co = lua_tothread(L, 1);
  int r = resume_here(L, co, lua_gettop(L) - 1);
  if (r < 0) {
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
  }
  lua_pushboolean(L, 1);
  lua_insert(L, -(r + 1));
  return r + 1;
}

static int co_wrapped(lua_State *L) {
  lua_State *co = lua_tothread(L, lua_upvalueindex(1));
  int r = resume_here(L, co, lua_gettop(L));
  if (r >= 0) return r;
  int status = lua_status(co);
  if (status != LUA_OK && status != LUA_YIELD) { /* it failed: close it, as coroutine.close */
    status = lua_resetthread(co);
    lua_xmove(co, L, 1);
  }
  if (status != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
    luaL_where(L, 1);
    lua_insert(L, -2);
    lua_concat(L, 2);
  }
  return lua_error(L);
}

static int co_wrap(lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_State *co = lua_newthread(L);
  lua_pushvalue(L, 1);
  lua_xmove(L, co, 1);
  lua_pushcclosure(L, co_wrapped, 1);
  return 1;
}

static int install_coroutine_k(lua_State *L) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_getfield(L, -1, LUA_COLIBNAME);
  if (lua_istable(L, -1)) {
    lua_pushcfunction(L, co_resume);
    lua_setfield(L, -2, "resume");
    lua_pushcfunction(L, co_wrap);
    lua_setfield(L, -2, "wrap");
  }
  return 0;
}

int lg_install_coroutine(lua_State *L) {
  lua_pushcfunction(L, install_coroutine_k);
  return lg_protected_call(L, 0, 0, 0);
}
