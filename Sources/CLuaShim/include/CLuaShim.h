/*
 * CLuaShim: the only code in luagate that raises Lua errors or yields.
 *
 * Lua raises errors and yields with longjmp. A longjmp across Swift frames
 * skips Swift cleanup and corrupts memory, so Swift functions exposed to Lua
 * never raise: they return a status code to the C trampoline below, which
 * raises or yields after the Swift frame has returned.
 */
#ifndef CLUASHIM_H
#define CLUASHIM_H

#include <lua5.4/lua.h>
#include <lua5.4/lualib.h>
#include <lua5.4/lauxlib.h>
#include <stddef.h>
#include <stdio.h>

/* Function-like and computed macros Swift cannot import. */
static const int LG_REGISTRYINDEX = LUA_REGISTRYINDEX;

/* --- Status codes returned by Swift functions to the trampoline ---------- */

/* >= 0: that many results are on top of the stack. */
/* Raise the value on top of the stack as the error. */
#define LG_RAISE (-1)
/* Argument error: the stack top holds [errobj-or-nil, argindex, extramsg,
   fallback function name]. The trampoline formats the message the way
   luaL_argerror does, then raises either the message (string) or, when
   errobj is a table, that table with `message` set. */
#define LG_ARGERR (-2)
/* Yield the `yield_count` values on top of the stack (see lg_set_yield_count);
   on resume, the continuation expects (true, results...) or (false, err). */
#define LG_YIELD (-3)

/* Swift side: calls Swift function number `index` registered for this state. */
typedef int (*lg_dispatch_fn)(lua_State *L, lua_Integer index);

/* Installs the process-wide dispatcher (called once by LuaKit). */
void lg_set_dispatch(lg_dispatch_fn fn);

/* Pushes a C closure that calls Swift function `index` through the trampoline. */
void lg_push_swift_function(lua_State *L, lua_Integer index);

/* Number of values to yield with the next LG_YIELD from this thread. */
void lg_set_yield_count(lua_State *L, int n);

/* --- State lifetime ------------------------------------------------------- */

/*
 * Creates a state like luaL_newstate (same warning function, panic handler),
 * with an allocator that aborts the process instead of raising a memory error
 * while Swift code is on the stack, so that even out-of-memory never longjmps
 * through Swift (after Lua's emergency collection has had its chance: the
 * first failure of an allocation is reported to Lua, which collects and tries
 * once more). Lua code behaves as usual: outside Swift frames a failed
 * allocation is Lua's ordinary "not enough memory" error.
 * `owner` is an opaque pointer the Swift side can read back with lg_owner.
 */
lua_State *lg_newstate(void *owner);
/* Caps the bytes the state's allocator hands out (0: no cap), as if the
   machine had no more: for tests of what happens when memory runs out. */
void lg_set_memory_limit(lua_State *L, size_t bytes);
void lg_close(lua_State *L);
void *lg_owner(lua_State *L);
void lg_set_owner(lua_State *L, void *owner);

/* --- Protected calls ------------------------------------------------------ */

/* Message handler (as lua.c's msghandler): adds a traceback to string errors;
   a non-string error with __tostring becomes that string. Error objects whose
   metatable has the field `__luagate` also get a traceback. */
int lg_msghandler(lua_State *L);

/* lua_pcall of the function below `narg` arguments, with lg_msghandler as the
   message handler. With `catch_sigint`, SIGINT during the call interrupts it
   with the error "interrupted!" (as lua.c's docall does). */
int lg_docall(lua_State *L, int narg, int nres, int catch_sigint);

/* Protected luaL_tolstring of the value at idx: pushes the string (or an error
   message) and returns the status. Used to print values that may have
   __tostring / __name metamethods. */
int lg_tolstring(lua_State *L, int idx);

/* lua_resume with Swift-depth bookkeeping (the resumed coroutine runs Lua
   code, whose memory errors are ordinary Lua errors). */
int lg_resume(lua_State *co, lua_State *from, int narg, int *nres);

/* Closes a coroutine as coroutine.close does (lua_resetthread): its pending
   to-be-closed variables are closed in protected mode; returns LUA_OK, or an
   error status with the error object on the coroutine's top. */
int lg_closethread(lua_State *co);

/* Protected `_G[name] = <top>` (popping the value): _G may have a __newindex
   metamethod that raises. On failure the error message is on the stack. */
int lg_setglobal(lua_State *L, const char *name);

/* Protected `require(name)`, leaving the module on top (lua.c's dolibrary). */
int lg_require(lua_State *L, const char *name);
/* lua.c's pushargs, protected: pushes arg[1..#arg] (the script's arguments as the `arg`
   table holds them now) and stores how many in *count; "'arg' is not a table" otherwise. */
int lg_pushargs(lua_State *L, int *count);

/* Requests an interrupt of `L` at its next instruction (sets a hook, as
   lua.c's laction): on the Lua thread, or in a signal handler running on it. */
void lg_interrupt(lua_State *L);

/* Garbage collector in generational mode, as lua.c sets it (lua_gc is
   variadic, which Swift cannot call). */
void lg_gc_generational(lua_State *L);

/* Writes to the C stdout (buffered, shared with Lua's print) or to stderr
   (then flushed). */
void lg_write(int to_stderr, const char *text, size_t len);
void lg_flush_stdout(void);

/* Stop requests: SIGINT (during lg_docall with catch_sigint, or between
   lg_catch_interrupt(1) and (0)), SIGTERM (once lg_watch_termination was
   called, on the Lua thread) or LG_STOP_TIMEOUT (lg_start_timeout). The
   coroutine running then gets an error at its next instruction; code blocked
   outside Lua polls lg_stop_signal(), which stays set until lg_clear_stop.
   Signals that land on another thread are sent on to the Lua thread. */
#define LG_STOP_TIMEOUT 1000
int lg_stop_signal(void);
void lg_clear_stop(lua_State *L);
void lg_request_stop(lua_State *L, int reason);
void lg_catch_interrupt(int on);
/* Replaces coroutine.resume and coroutine.wrap (after luaL_openlibs) by ones
   that behave the same and let a stop request reach the coroutine they run. */
int lg_install_coroutine(lua_State *L);
/* --timeout: a stop request after `nanoseconds`, delivered to the calling
   (Lua) thread by a POSIX timer; -1 when the timer cannot be made. */
int lg_start_timeout(long long nanoseconds);
void lg_cancel_timeout(void);
void lg_watch_termination(lua_State *L);

/* Bytes of stack left below the caller's frame on this thread (its bounds from
   pthread_getattr_np, read once per thread). For walkers whose depth the data or
   a library decides: they stop while plenty is left. PTRDIFF_MAX when unknown. */
size_t lg_stack_remaining(void);

/* Lua version string from the linked library (LUA_COPYRIGHT). */
const char *lg_copyright(void);

/* --- The REPL's terminal side (repl.c) ------------------------------------ */

/* While the REPL reads a line (catch): SIGINT, SIGTERM and SIGWINCH only set
   flags, without SA_RESTART so that the blocked read returns. Between lines
   (hold): SIGINT only sets the flag, so Ctrl-C while results print does not
   kill the process; SIGTERM gets its previous action back. Release restores
   the defaults (and SIGTERM's previous action). */
void lg_repl_catch_signals(void);
void lg_repl_hold_signals(void);
void lg_repl_release_signals(void);
/* True once SIGINT arrived since the last call (and clears it). */
int lg_repl_take_sigint(void);
/* True once SIGTERM arrived while a line was read (the REPL then ends). */
int lg_repl_sigterm_seen(void);
/* Called (outside the signal handler) after the terminal was resized. */
void lg_repl_set_resize_hook(void (*hook)(void));
/* libedit's rl_getc_function: one character from `f` as a Unicode code point
   decoded from UTF-8; -1 at end of input or once SIGINT or SIGTERM arrived. */
int lg_repl_getc(FILE *f);

#endif
