-- Prints the arg table and the varargs the script received.
print("#arg", #arg, "arg[0]", arg[0])
for i = 1, #arg do print(i, arg[i]) end
local n = 0
while arg[-(n + 1)] ~= nil do n = n + 1 end
print("negative", n - 1)  -- without the interpreter itself (its path differs)
for i = -(n - 1), -1 do print(i, arg[i]) end
print("...", select("#", ...), ...)
