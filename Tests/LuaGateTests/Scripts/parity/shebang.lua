#!/usr/bin/env luagate
print("after shebang", coroutine.isyieldable())
