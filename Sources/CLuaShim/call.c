/* Calls from Swift into Lua: always protected, with a traceback handler. */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include "runtime.h"

int lg_protected_call(lua_State *L, int narg, int nres, int msgh) {
  lg_runtime *rt = lg_runtime_of(L);
  int depth = rt->swift_depth;
  rt->swift_depth = 0;
  int status = lua_pcall(L, narg, nres, msgh);
  rt->swift_depth = depth;
  return status;
}

int lg_resume(lua_State *co, lua_State *from, int narg, int *nres) {
  lg_runtime *rt = lg_runtime_of(co);
  int depth = rt->swift_depth;
  rt->swift_depth = 0;
  int status = lua_resume(co, from, narg, nres);
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
   sets a hook; the hook raises the error at the next instruction, on the Lua
   thread. Code waiting outside Lua (for a response) polls lg_stop_signal().
   The signal stays recorded (a batch job exits 130/143 after cleaning up)
   until lg_clear_stop (the REPL goes on after Ctrl-C). */
static lua_State *volatile interrupted_state = NULL;
static volatile sig_atomic_t stop_signal = 0;

static void stop_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  lua_sethook(L, NULL, 0, 0);
  switch (stop_signal) {
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
}

void lg_request_stop(lua_State *L, int reason) {
  stop_signal = reason;
  lg_interrupt(L);
}

static void on_stop_signal(int sig) {
  signal(sig, SIG_DFL); /* a second one kills the process */
  stop_signal = sig;
  if (interrupted_state != NULL) lg_interrupt(interrupted_state);
}

void lg_forget_state(lua_State *L) {
  if (interrupted_state == L) interrupted_state = NULL;
}

void lg_watch_termination(lua_State *L) {
  /* A parent may have started us with these blocked (threads of many
     runtimes block them); a job must still see them. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_UNBLOCK, &set, NULL);
  interrupted_state = L;
  signal(SIGTERM, on_stop_signal);
}

int lg_docall(lua_State *L, int narg, int nres, int catch_sigint) {
  int base = lua_gettop(L) - narg;
  lua_pushcfunction(L, lg_msghandler);
  lua_insert(L, base);
  lua_State *previous = interrupted_state;
  if (catch_sigint) {
    interrupted_state = L;
    signal(SIGINT, on_stop_signal);
  }
  int status = lg_protected_call(L, narg, nres, base);
  if (catch_sigint) {
    signal(SIGINT, SIG_DFL);
    interrupted_state = previous;
  }
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
