/* State creation: allocator, panic handler and warning functions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runtime.h"

/* While a Swift frame is on the stack, a Lua memory error would longjmp
   through it. Lua answers a failed allocation by a full (emergency) garbage
   collection and one more try with the same arguments: the first failure is
   reported, so that collection runs; only when the same allocation fails
   again is there nothing left to do but abort. */
static void *lg_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  lg_runtime *rt = (lg_runtime *)ud;
  size_t old = ptr != NULL ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    rt->in_use -= old;
    return NULL;
  }
  void *p = NULL;
  if (rt->limit == 0 || nsize <= old || rt->in_use - old + nsize <= rt->limit) p = realloc(ptr, nsize);
  if (p != NULL) {
    rt->in_use = rt->in_use - old + nsize;
    if (rt->failed_pending && rt->failed_ptr == ptr && rt->failed_size == nsize) rt->failed_pending = 0;
    return p;
  }
  if (rt->swift_depth > 0) {
    if (rt->failed_pending && rt->failed_ptr == ptr && rt->failed_size == nsize) {
      fputs("luagate: out of memory\n", stderr);
      abort();
    }
    rt->failed_pending = 1;
    rt->failed_ptr = ptr;
    rt->failed_size = nsize;
  }
  return NULL;
}

void lg_set_memory_limit(lua_State *L, size_t bytes) { lg_runtime_of(L)->limit = bytes; }

static int lg_panic(lua_State *L) {
  const char *msg = lua_tostring(L, -1);
  if (msg == NULL) msg = "error object is not a string";
  fprintf(stderr, "PANIC: unprotected error in call to Lua API (%s)\n", msg);
  fflush(stderr);
  return 0; /* return to Lua to abort */
}

/* Warnings, as luaL_newstate sets them up: off until "@on", "@off" toggles,
   multi-part messages are continued. */
static void warn_off(void *ud, const char *message, int tocont);
static void warn_on(void *ud, const char *message, int tocont);
static void warn_cont(void *ud, const char *message, int tocont);

static int warn_control(lua_State *L, const char *message, int tocont) {
  if (tocont || message[0] != '@') return 0;
  if (strcmp(message + 1, "off") == 0)
    lua_setwarnf(L, warn_off, L);
  else if (strcmp(message + 1, "on") == 0)
    lua_setwarnf(L, warn_on, L);
  return 1;
}

static void warn_off(void *ud, const char *message, int tocont) {
  warn_control((lua_State *)ud, message, tocont);
}

static void warn_cont(void *ud, const char *message, int tocont) {
  lua_State *L = (lua_State *)ud;
  fputs(message, stderr);
  if (tocont) {
    lua_setwarnf(L, warn_cont, L);
  } else {
    fputs("\n", stderr);
    fflush(stderr);
    lua_setwarnf(L, warn_on, L);
  }
}

static void warn_on(void *ud, const char *message, int tocont) {
  if (warn_control((lua_State *)ud, message, tocont)) return;
  fputs("Lua warning: ", stderr);
  warn_cont(ud, message, tocont);
}

lua_State *lg_newstate(void *owner) {
  lg_runtime *rt = (lg_runtime *)calloc(1, sizeof(lg_runtime));
  if (rt == NULL) return NULL;
  rt->owner = owner;
  rt->swift_depth = 1; /* the creator is Swift code */
  lua_State *L = lua_newstate(lg_alloc, rt);
  if (L == NULL) {
    free(rt);
    return NULL;
  }
  *(lg_runtime **)lua_getextraspace(L) = rt;
  lua_atpanic(L, lg_panic);
  lua_setwarnf(L, warn_off, L);
  return L;
}

void lg_close(lua_State *L) {
  lg_runtime *rt = lg_runtime_of(L);
  lua_close(L);
  lg_forget_state(L); /* a late signal must not reach the freed state */
  free(rt);
}

void *lg_owner(lua_State *L) { return lg_runtime_of(L)->owner; }

void lg_set_owner(lua_State *L, void *owner) { lg_runtime_of(L)->owner = owner; }

const char *lg_copyright(void) { return LUA_COPYRIGHT; }

void lg_gc_generational(lua_State *L) {
  lua_gc(L, LUA_GCRESTART);
  lua_gc(L, LUA_GCGEN, 0, 0);
}

void lg_write(int to_stderr, const char *text, size_t len) {
  FILE *f = to_stderr ? stderr : stdout;
  fwrite(text, 1, len, f);
  if (to_stderr) fflush(f);
}

void lg_flush_stdout(void) { fflush(stdout); }
