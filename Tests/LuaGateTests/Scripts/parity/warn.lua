warn("not shown")
warn("@on")
warn("shown ", "in parts")
