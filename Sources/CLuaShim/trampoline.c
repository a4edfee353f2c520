/* The trampoline between Lua and Swift functions: Swift returns a status,
   and this code raises or yields after the Swift frame is gone. */
#include <string.h>
#include "runtime.h"

static lg_dispatch_fn dispatch = NULL;

void lg_set_dispatch(lg_dispatch_fn fn) { dispatch = fn; }

void lg_set_yield_count(lua_State *L, int n) { lg_runtime_of(L)->yield_count = n; }

/* Runs when a coroutine that yielded from a Swift function is resumed with
   (true, results...) or (false, err). */
static int resume_continuation(lua_State *L, int status, lua_KContext base) {
  (void)status;
  int first = (int)base + 1;
  if (!lua_toboolean(L, first)) {
    lua_pushvalue(L, first + 1);
    return lua_error(L);
  }
  return lua_gettop(L) - first;
}

/* Stack top: [errobj|nil, argindex, extramsg, fallback name]. Formats the
   message as luaL_argerror does (method calls do not count self). */
static int raise_argerror(lua_State *L) {
  luaL_checkstack(L, 4, "argument error");
  int arg = (int)lua_tointeger(L, -3);
  const char *extramsg = lua_tostring(L, -2);
  const char *name = lua_tostring(L, -1);
  lua_Debug ar;
  if (lua_getstack(L, 0, &ar)) {
    lua_getinfo(L, "n", &ar);
    if (ar.namewhat != NULL && strcmp(ar.namewhat, "method") == 0) {
      arg--;
      if (arg == 0) {
        lua_pushfstring(L, "calling '%s' on bad self (%s)", ar.name, extramsg);
        goto raise;
      }
    }
    if (ar.name != NULL) name = ar.name;
  }
  lua_pushfstring(L, "bad argument #%d to '%s' (%s)", arg, name ? name : "?", extramsg);
raise:
  luaL_where(L, 1);
  /* [errobj, arg, extramsg, name, msg, where] */
  if (lua_istable(L, -6)) {
    lua_pushliteral(L, "where");  /* [errobj, arg, extramsg, name, msg, where, "where"] */
    lua_insert(L, -2);
    lua_rawset(L, -7);            /* errobj.where = where */
    lua_pushliteral(L, "message");/* [errobj, arg, extramsg, name, msg, "message"] */
    lua_insert(L, -2);
    lua_rawset(L, -6);            /* errobj.message = msg */
    lua_pushvalue(L, -4);         /* [errobj, arg, extramsg, name, errobj] */
    return lua_error(L);
  }
  lua_insert(L, -2);
  lua_concat(L, 2);
  return lua_error(L);
}

static int trampoline(lua_State *L) {
  lg_runtime *rt = lg_runtime_of(L);
  lua_Integer index = lua_tointeger(L, lua_upvalueindex(1));
  rt->swift_depth++;
  int rc = dispatch(L, index);
  rt->swift_depth--;
  if (rc >= 0) return rc;
  switch (rc) {
  case LG_RAISE:
    return lua_error(L);
  case LG_ARGERR:
    return raise_argerror(L);
  case LG_YIELD: {
    int n = rt->yield_count;
    rt->yield_count = 0;
    return lua_yieldk(L, n, (lua_KContext)(lua_gettop(L) - n), resume_continuation);
  }
  default:
    return luaL_error(L, "luagate: invalid status %d from a Swift function", rc);
  }
}

void lg_push_swift_function(lua_State *L, lua_Integer index) {
  lua_pushinteger(L, index);
  lua_pushcclosure(L, trampoline, 1);
}
