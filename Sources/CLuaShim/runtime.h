/* Per-state data shared by the shim's files (not part of the public API). */
#ifndef LG_RUNTIME_H
#define LG_RUNTIME_H

#include "CLuaShim.h"

typedef struct lg_runtime {
  void *owner;      /* the Swift owner (LuaKit's LuaState) */
  int swift_depth;  /* > 0 while a Swift frame is on top of the C stack */
  int yield_count;  /* values to yield for the next LG_YIELD */
  /* The allocation that failed while Swift was on the stack, so that Lua's
     emergency collection can run before it is tried again (lg_alloc). */
  void *failed_ptr;
  size_t failed_size;
  int failed_pending;
  size_t in_use;    /* bytes allocated through lg_alloc */
  size_t limit;     /* 0, or the most bytes lg_alloc hands out (lg_set_memory_limit) */
} lg_runtime;

/* Every thread of a state shares the main thread's extra space contents. */
static inline lg_runtime *lg_runtime_of(lua_State *L) {
  return *(lg_runtime **)lua_getextraspace(L);
}

/* lua_pcall with Swift-depth bookkeeping: inside the call, allocation
   failures are ordinary Lua memory errors again. */
int lg_protected_call(lua_State *L, int narg, int nres, int msgh);

/* sigaction with an empty mask: `handler` for `sig`, with `flags`. */
void lg_set_handler(int sig, void (*handler)(int), int flags);

/* Drops `L` from the signal handlers' reach (call.c), once it is closed. */
void lg_forget_state(lua_State *L);

#endif
